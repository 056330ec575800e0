"""No view decides by itself who may see or change what.

Views call their app's `perms.py` (`get_<object>_for_user` returns the object and what the user
may do with it, 404 outside their territories; `get_<object>_rw_for_user` raises 403 for a
read-only user) and never test a role or a membership themselves. This test reads the source of
every views module and lists, with file and line, each place that does.
"""

import ast
from pathlib import Path

from portal.models import Membership

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = ["portal", "partners", "companies", "referents", "roadmaps", "api"]

# Functions that decide access: only perms.py may call them.
ACCESS_CALLS = {
    "can_edit",
    "can_view",
    "role_in",
    "roles_of",
    "is_coordinator_somewhere",
    "editable_by",
    "can_see_contacts",
    "has_perm",
    "user_passes_test",
    "permission_required",
    "staff_member_required",
}
ACCESS_PREFIXES = ("can_", "check_can_", "check_slug_")
# What a view would read of a user to test their role or membership itself.
ACCESS_ATTRIBUTES = {"is_staff", "is_superuser", "memberships", "membership_set"}


def views_modules():
    for app in APPS:
        yield from sorted((BASE_DIR / app).glob("views.py"))
        yield from sorted((BASE_DIR / app).glob("views/*.py"))


def called_name(call):
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def raised_name(node):
    exception = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    if isinstance(exception, ast.Name):
        return exception.id
    if isinstance(exception, ast.Attribute):
        return exception.attr
    return None


def roles_compared(compare, role_values):
    """The roles a comparison tests: role strings, or members of `Membership.Role`."""
    for operand in [compare.left, *compare.comparators]:
        items = operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]
        for item in items:
            if isinstance(item, ast.Constant) and item.value in role_values:
                yield repr(item.value)
            elif isinstance(item, ast.Attribute) and ast.unparse(item).startswith(
                "Membership.Role"
            ):
                yield ast.unparse(item)


def access_decisions(source, role_values):
    """(line, what) for each place of `source` that tests a role or a membership itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = called_name(node)
            if name and (name in ACCESS_CALLS or name.startswith(ACCESS_PREFIXES)):
                found.append((node.lineno, f"calls {name}()"))
            for keyword in node.keywords:
                if keyword.arg and "membership" in keyword.arg:
                    found.append((node.lineno, f"filters on {keyword.arg}"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = getattr(target, "id", None) or getattr(target, "attr", None)
                if name in ACCESS_CALLS:
                    found.append((decorator.lineno, f"is decorated with {name}"))
        elif isinstance(node, ast.Attribute) and node.attr in ACCESS_ATTRIBUTES:
            found.append((node.lineno, f"reads .{node.attr}"))
        elif isinstance(node, ast.Raise) and node.exc and raised_name(node) == "PermissionDenied":
            found.append((node.lineno, "raises PermissionDenied"))
        elif isinstance(node, ast.Compare):
            for role in roles_compared(node, role_values):
                found.append((node.lineno, f"compares with the role {role}"))
    return sorted(set(found))


ROLE_VALUES = set(Membership.Role.values) | {"coordinateur", "coordinatrice", "referent"}


def test_no_view_tests_a_role_or_a_membership_itself():
    violations = [
        f"{path.relative_to(BASE_DIR)}:{line}: {what}"
        for path in views_modules()
        for line, what in access_decisions(path.read_text(), ROLE_VALUES)
    ]
    assert not violations, (
        "Views deciding access themselves (call perms.py instead):\n" + "\n".join(violations)
    )


def test_views_modules_are_found():
    names = {str(path.relative_to(BASE_DIR)) for path in views_modules()}
    assert {"portal/views.py", "roadmaps/views/actions.py", "referents/views/meetings.py"} <= names
    assert any(name.startswith("partners/views") for name in names)


VIOLATING_VIEW = """
from django.core.exceptions import PermissionDenied
from portal.access import can_edit

def action_update(request, slug, pk):
    action = get_object_or_404(Action, pk=pk)
    if not can_edit(request.user, action.territory):
        raise PermissionDenied
    if request.user.is_staff or Territory.objects.filter(memberships__user=request.user):
        pass
    if membership.role == "referent" or role in ("coordinateur",):
        pass
    if membership.role is Membership.Role.COORDINATOR:
        pass
"""

CLEAN_VIEW = """
from roadmaps.perms import get_action_rw_for_user

@login_required
def action_update(request, slug, pk):
    action, can_edit = get_action_rw_for_user(request, slug, pk)
    form = ActionForm(request.POST or None, instance=action)
    return render(request, "roadmaps/action_form.html", {"form": form, "can_edit": can_edit})
"""


def test_the_guard_finds_a_view_deciding_access_itself():
    assert access_decisions(VIOLATING_VIEW, ROLE_VALUES) == [
        (7, "calls can_edit()"),
        (8, "raises PermissionDenied"),
        (9, "filters on memberships__user"),
        (9, "reads .is_staff"),
        (11, "compares with the role 'coordinateur'"),
        (11, "compares with the role 'referent'"),
        (13, "compares with the role Membership.Role.COORDINATOR"),
    ]


def test_the_guard_passes_a_view_that_asks_perms():
    assert access_decisions(CLEAN_VIEW, ROLE_VALUES) == []
