"""Fixtures for the security tests: the settings production really runs with."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory's

# The settings that decide headers and cookies, read from a process that imports
# portal/settings.py the way production does (DEBUG off, not under pytest).
_READ_PRODUCTION_SETTINGS = """
import json
from django.conf import settings
names = [
    name for name in dir(settings)
    if name.startswith(("SECURE_", "SESSION_", "CSRF_"))
    or name in {"DEBUG", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY_DENY",
                "CROSS_ORIGIN_RESOURCE_POLICY", "TRUSTED_PROXIES"}
]
values = {}
for name in names:
    try:
        values[name] = json.dumps(getattr(settings, name))
    except TypeError:
        pass  # timedelta and the like: identical in tests
print(json.dumps(values))
"""


@pytest.fixture(scope="session")
def production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "PYTEST"))
    }
    env.update(DEBUG="0", SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="portal.settings")
    output = subprocess.run(
        [sys.executable, "-c", _READ_PRODUCTION_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = {name: json.loads(value) for name, value in json.loads(output).items()}
    if isinstance(values.get("SECURE_PROXY_SSL_HEADER"), list):
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(production_settings):
    """Run the test with production's security settings (HTTPS redirect, HSTS, secure cookies
    with __Host- names, DEBUG off). Requests must be made with secure=True."""
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    with override_settings(**production_settings):
        yield production_settings
