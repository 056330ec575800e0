"""The lock files pin every dependency of pyproject.toml within its range, and agree."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def pinned(name):
    """{canonical name: version} of a lock file; every line is `name==version`."""
    versions = {}
    for line in (ROOT / name).read_text().splitlines():
        if line and not line.startswith("#"):
            package, _, version = line.partition("==")
            assert version, f"{name}: « {line} » is not pinned with =="
            versions[canonicalize_name(package)] = version
    return versions


def declared(extra=None):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in lines]


def test_every_runtime_dependency_is_locked_within_its_range():
    versions = pinned("requirements.lock")
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{name} is missing from requirements.lock (make lock)"
        assert requirement.specifier.contains(versions[name], prereleases=True), (
            f"requirements.lock pins {name}=={versions[name]}, outside {requirement.specifier}"
        )


def test_the_dev_lock_adds_the_tools_and_keeps_the_runtime_versions():
    runtime, dev = pinned("requirements.lock"), pinned("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    for requirement in declared() + declared("dev"):
        name = canonicalize_name(requirement.name)
        assert requirement.specifier.contains(dev[name], prereleases=True), name
