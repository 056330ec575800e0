"""The roadmaps views follow one pattern: access through roadmaps/perms.py, writes through
roadmaps/services/writes.py, the author of a history record named by `save_by` only.

The views' source is read (ast), so that a new view that tests a role itself, or writes a model
directly, fails here rather than in a review."""

import ast
import inspect
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

import roadmaps
from roadmaps import perms
from roadmaps.forms import AxisForm
from roadmaps.services import writes
from roadmaps.urls import urlpatterns

VIEWS_DIR = pathlib.Path(roadmaps.__file__).parent / "views"
PERMS = {
    name
    for name, function in inspect.getmembers(perms, inspect.isfunction)
    if function.__module__ == perms.__name__ and not name.startswith("_")
}
# what a view may not do itself: decide who may act, or write a model
FORBIDDEN_NAMES = {"PermissionDenied", "access", "Membership", "transaction", "locking"}
FORBIDDEN_ATTRIBUTES = {"is_staff", "is_superuser", "_history_user"}
FORBIDDEN_CALLS = {
    "can_edit",
    "can_view",
    "role_in",
    "check_can_edit",
    "check_can_view",
    "save",
    "save_m2m",
    "delete",
    "bulk_create",
    "get_or_create",
    "update_or_create",
}


def view_functions():
    return sorted({pattern.callback for pattern in urlpatterns}, key=lambda view: view.__name__)


def called_names(node):
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                yield func.id
            elif isinstance(func, ast.Attribute):
                yield func.attr


@pytest.mark.parametrize("view", view_functions(), ids=lambda view: view.__name__)
def test_each_view_calls_exactly_one_perms_function(view):
    tree = ast.parse(inspect.getsource(inspect.unwrap(view)).lstrip())
    calls = [name for name in called_names(tree) if name in PERMS]
    assert len(calls) == 1, f"{view.__name__} calls {calls or 'no function'} of roadmaps.perms"


@pytest.mark.parametrize("path", sorted(VIEWS_DIR.glob("*.py")), ids=lambda path: path.name)
def test_views_neither_decide_access_nor_write(path):
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module in ("portal.access", "portal"):
            found += [alias.name for alias in node.names if alias.name in ("access", "locking")]
    found += [name for name in called_names(tree) if name in FORBIDDEN_CALLS]
    assert not found, f"{path.name}: {found}"


def test_only_save_by_names_the_author_of_a_history_record():
    """portal.history.save_by / delete_by, re-exported by the apps' models, are the one place
    that tells django-simple-history who acts."""
    root = pathlib.Path(roadmaps.__file__).parent.parent
    setting = [
        f"{path.relative_to(root)}:{number}"
        for app in ("portal", "partners", "companies", "roadmaps", "referents")
        for path in (root / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "._history_user =" in line
    ]
    assert len(setting) == 1 and setting[0].startswith("portal/history.py:"), setting


def test_a_write_outside_a_request_records_its_author(axes, coordinator):
    """The services name the author themselves: no request, no middleware, still the author."""
    axis = axes[0]
    form = AxisForm(
        {"title": "Accompagner les jeunes vers l'emploi", "objectives": ""}, instance=axis
    )
    assert form.is_valid()
    writes.update_axis(form=form, by=coordinator)
    assert axis.history.first().history_user == coordinator


def test_an_untouched_axis_form_writes_nothing(axes, coordinator):
    axis = axes[0]
    form = AxisForm({"title": axis.title, "objectives": axis.objectives}, instance=axis)
    assert form.is_valid()
    before = axis.history.count()
    writes.update_axis(form=form, by=coordinator)
    assert axis.history.count() == before


@pytest.mark.parametrize("persona", ["referent", "coordinator", "other_coordinator"])
def test_rw_helpers_refuse_readers_and_hide_other_territories(rf, request, persona, action):
    """get_X_for_user tells what the user may do; get_X_rw_for_user refuses a reader (403) and
    keeps another territory's objects hidden (404)."""
    http_request = rf.get("/")
    http_request.user = request.getfixturevalue(persona)
    slug = action.axis.roadmap.territory.slug
    expected = {"referent": PermissionDenied, "other_coordinator": Http404}.get(persona)
    calls = [
        lambda: perms.get_roadmap_rw_for_user(http_request, slug),
        lambda: perms.get_axis_rw_for_user(http_request, slug, action.axis.number),
        lambda: perms.get_action_rw_for_user(http_request, slug, action.pk),
    ]
    for call in calls:
        if expected is None:
            assert call()
        else:
            with pytest.raises(expected):
                call()
    if persona != "other_coordinator":
        assert perms.get_action_for_user(http_request, slug, action.pk) == (
            action,
            persona == "coordinator",
        )
