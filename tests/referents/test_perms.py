"""The référents views ask referents/perms.py, and only it, who may see and change what.

Walks the views' source: every view reached from the URL conf calls exactly one
`get_<obj>_for_user` / `get_<obj>_rw_for_user` of referents.perms, and no view module tests a
role or a membership itself (no PermissionDenied, no portal.access, no is_staff, no `if
can_edit`)."""

import ast
import inspect
from pathlib import Path

import pytest
from django.urls import get_resolver

from referents import perms

VIEWS_DIR = Path(perms.__file__).parent / "views"
PERMS_FUNCTIONS = {
    name
    for name, value in vars(perms).items()
    if inspect.isfunction(value) and name.startswith("get_") and name.endswith("_for_user")
}
# The calendar feed is read by calendar clients that cannot sign in: its credential is the
# secret token in its address, checked by the view. So is a mairie's renewal link (no account),
# and so are the unsubscribe links of the e-mails.
TOKEN_VIEWS = {"calendar", "answer", "unsubscribe"}
# A signed-in person's own settings (the weekly digest): no territory, no object of anyone else.
OWN_SETTINGS_VIEWS = {"preferences"}
# The old addresses (before the territory's slug was in the path) find the territory they
# meant the old way, with their own perms function, then redirect to the new address.
LEGACY_VIEWS = {"redirect_to_territory": "legacy_territory_for_user"}


def referents_views():
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "referents":
            for sub in pattern.url_patterns:
                yield sub.name, inspect.unwrap(sub.callback)


def perms_calls(function, functions=PERMS_FUNCTIONS):
    tree = ast.parse(inspect.getsource(function))
    return [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in functions
    ]


def test_perms_comes_in_pairs():
    readers = {name for name in PERMS_FUNCTIONS if "_rw_" not in name}
    writers = {name.replace("_rw_", "_") for name in PERMS_FUNCTIONS if "_rw_" in name}
    assert readers == writers and readers


@pytest.mark.parametrize("name", [name for name, _view in referents_views()])
def test_every_view_calls_exactly_one_perms_function(name):
    view = dict(referents_views())[name]
    if view.__name__ in TOKEN_VIEWS | OWN_SETTINGS_VIEWS:
        assert perms_calls(view) == []
        return
    if view.__name__ in LEGACY_VIEWS:
        legacy = LEGACY_VIEWS[view.__name__]
        assert perms_calls(view, PERMS_FUNCTIONS | {legacy}) == [legacy]
        return
    assert view.__module__.startswith("referents.views.")
    assert len(perms_calls(view)) == 1, f"{name}: {perms_calls(view)}"


@pytest.mark.parametrize("path", sorted(VIEWS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_view_tests_a_role_or_a_membership_itself(path):
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in {"PermissionDenied", "access"}:
            found.append(node.id)
        if isinstance(node, ast.Attribute) and node.attr in {
            "is_staff",
            "role_in",
            "roles_of",
            "can_view",
            "can_edit",
            "check_can_view",
            "check_can_edit",
        }:
            found.append(node.attr)
        if isinstance(node, ast.ImportFrom) and node.module in {"portal", "portal.access"}:
            found.extend(alias.name for alias in node.names if node.module == "portal.access")
            found.extend(alias.name for alias in node.names if alias.name == "access")
        if isinstance(node, ast.If | ast.IfExp) and "can_edit" in ast.unparse(node.test):
            found.append(ast.unparse(node.test))
    assert found == [], f"{path.name} decides access itself: {found}"
