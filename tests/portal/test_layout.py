"""Code outside tests/ never depends on the test suite."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["bench", "portal", "partners", "companies", "referents", "roadmaps", "api"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_no_code_outside_tests_imports_a_test_module():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        for module in imported_modules(path)
        if module == "tests" or module.startswith("tests.")
    ]
    assert offenders == []


def test_every_template_is_used():
    """A template no code or template names is dead (Django finds admin/ and registration/). An
    e-mail's templates are named without their suffix (portal.mail: `template="a/b"` for
    a/b.txt and a/b.html)."""
    templates = ROOT / "templates"
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in [*APPS, "templates"]
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
    )
    unused = [
        name
        for name in (str(p.relative_to(templates)) for p in sorted(templates.rglob("*.html")))
        if not name.startswith(("admin/", "registration/"))
        and name not in sources
        and f'"{name.removesuffix(".html")}"' not in sources
    ]
    assert unused == []
