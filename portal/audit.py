"""Audit trail: sign-ins, failed sign-ins, lock-outs, sign-outs and every change of permissions,
written to the `maillage.audit` logger (stdout in production) as `key=value` lines.

Audit logging is infrastructure, not domain logic, so it listens to signals: the auth signals
for sign-ins, and model signals for permissions, so that every path that grants a right is
seen (admin forms and inlines, the shell, services, the demo loader) without each of them having
to remember a call. Who did it comes from the request being served (AuditMiddleware); outside
a request (shell, commands) the actor is `system`. Not seen: QuerySet.update() and
bulk_create(), which send no signal; no code changes memberships or staff flags that way.
"""

import contextvars
import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from portal.models import Membership
from portal.security import client_ip

logger = logging.getLogger("maillage.audit")
User = get_user_model()

_current_request = contextvars.ContextVar("maillage_audit_request", default=None)

# The fields of User that grant rights: a change of any of them is logged.
USER_PRIVILEGE_FIELDS = ("is_active", "is_staff", "is_superuser")


class AuditMiddleware:
    """Remember the request being served, so that model signals can say who acted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def log(event, request=None, **fields):
    """Write one audit line: the event, who acted and from where, then the event's fields."""
    request = request if request is not None else _current_request.get()
    line = {
        "event": event,
        "actor": _actor(request),
        "ip": (client_ip(request) if request else None) or "-",
    }
    line.update(fields)
    logger.info(" ".join(f"{key}={_quote(value)}" for key, value in line.items()), extra=line)


def _actor(request):
    user = getattr(request, "user", None)
    if user is None:
        return "system"
    if not user.is_authenticated:
        return "anonymous"
    return _describe_user(user)


def _describe_user(user):
    return f"{user.get_username()}#{user.pk}"


def _quote(value):
    text = str(value)
    if text == "" or any(char in text for char in ' ="\n\r\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'
    return text


def _related(instance, name):
    """A related object's description when it is loaded, its id otherwise (no query, and safe
    while a cascade is deleting the related row)."""
    field = instance._meta.get_field(name)
    if field.is_cached(instance):
        related = getattr(instance, name)
        return _describe_user(related) if isinstance(related, User) else f"{related}#{related.pk}"
    return f"#{getattr(instance, field.attname)}"


# Sign-ins and sign-outs.


@receiver(user_logged_in, dispatch_uid="maillage_audit_login")
def _logged_in(sender, request, user, **kwargs):
    log("login", request, user=_describe_user(user))


@receiver(user_login_failed, dispatch_uid="maillage_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    log("login.failed", request, username=credentials.get("username", ""))


@receiver(user_locked_out, dispatch_uid="maillage_audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    log("login.locked_out", request, username=username or "")


@receiver(user_logged_out, dispatch_uid="maillage_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    log("logout", request, user=_describe_user(user) if user is not None else "-")


# Memberships: a role in a territory.


@receiver(post_init, sender=Membership, dispatch_uid="maillage_audit_membership_init")
def _membership_loaded(sender, instance, **kwargs):
    instance._audit_initial = (instance.territory_id, instance.role)


@receiver(post_save, sender=Membership, dispatch_uid="maillage_audit_membership_saved")
def _membership_saved(sender, instance, created, **kwargs):
    fields = {"user": _related(instance, "user"), "territory": _related(instance, "territory")}
    if created:
        log("membership.created", role=instance.role, **fields)
    else:
        old_territory, old_role = instance._audit_initial
        if (old_territory, old_role) != (instance.territory_id, instance.role):
            log(
                "membership.changed",
                role=instance.role,
                from_role=old_role,
                from_territory=f"#{old_territory}",
                **fields,
            )
    instance._audit_initial = (instance.territory_id, instance.role)


@receiver(post_delete, sender=Membership, dispatch_uid="maillage_audit_membership_deleted")
def _membership_deleted(sender, instance, **kwargs):
    log(
        "membership.deleted",
        user=_related(instance, "user"),
        territory=_related(instance, "territory"),
        role=instance.role,
    )


# Users: staff and superuser flags, active accounts, groups and permissions.


@receiver(post_init, sender=User, dispatch_uid="maillage_audit_user_init")
def _user_loaded(sender, instance, **kwargs):
    # Read only loaded fields: touching a deferred one would load it, and recurse.
    loaded = instance.__dict__
    instance._audit_initial = {
        name: loaded[name] for name in USER_PRIVILEGE_FIELDS if name in loaded
    }


@receiver(post_save, sender=User, dispatch_uid="maillage_audit_user_saved")
def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    current = {name: getattr(instance, name) for name in USER_PRIVILEGE_FIELDS}
    if created:
        log("user.created", user=_describe_user(instance), **current)
    elif update_fields is None or set(update_fields) & set(USER_PRIVILEGE_FIELDS):
        changed = {
            name: f"{instance._audit_initial.get(name)}->{value}"
            for name, value in current.items()
            if instance._audit_initial.get(name, value) != value
        }
        if changed:
            log("user.privileges_changed", user=_describe_user(instance), **changed)
    instance._audit_initial = current


@receiver(post_delete, sender=User, dispatch_uid="maillage_audit_user_deleted")
def _user_deleted(sender, instance, **kwargs):
    log("user.deleted", user=_describe_user(instance))


def _m2m_logger(event):
    """Log additions to and removals from a many-to-many relation that grants rights, from
    whichever side they are made (user.groups.add(group) or group.user_set.add(user))."""

    def handler(sender, instance, action, model, pk_set, **kwargs):
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if action != "post_clear" and not pk_set:
            return  # nothing was actually added or removed
        ids = ",".join(str(pk) for pk in sorted(pk_set)) if pk_set else "all"
        log(
            event,
            action=action.removeprefix("post_"),
            on=_describe(instance),
            targets=f"{model._meta.model_name}#{ids}",
        )

    return handler


def _describe(instance):
    if isinstance(instance, User):
        return _describe_user(instance)
    return f"{instance._meta.model_name}:{instance}#{instance.pk}"


for _event, _through in [
    ("user.groups_changed", User.groups.through),
    ("user.permissions_changed", User.user_permissions.through),
    ("group.permissions_changed", Group.permissions.through),
]:
    m2m_changed.connect(
        _m2m_logger(_event), sender=_through, weak=False, dispatch_uid=f"maillage_{_event}"
    )
