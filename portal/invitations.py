"""Invitations and members of a territory (docs/accounts.md).

A coordinator invites an e-mail address with a role; the person receives a single-use link
valid INVITATION_DAYS days (only its hash is stored). Opening it, a new person chooses a name
and a password and is signed in; an existing account (same address) signs in and accepts: the
membership is added, no account is created. A coordinator removes a member: the membership is
deleted and every session of the person ends at once (`User.end_sessions`).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import access, audit, mail, throttle
from portal.models import Invitation, Membership, User, invitation_digest
from portal.security import client_ip


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail"))
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=Membership.Role.choices)
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune (pour un référent)"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.fields["commune"].queryset = territory.communes.order_by("name")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if data.get("commune") and role != Membership.Role.REFERENT:
            self.add_error("commune", _("Seul un référent est rattaché à une commune."))
        if email and role:
            members = Membership.objects.filter(territory=self.territory, user__email__iexact=email)
            if members.filter(role=role).exists():
                self.add_error(
                    "email",
                    _("Cette personne est déjà membre du territoire avec ce rôle."),
                )
            if Invitation.objects.pending().filter(territory=self.territory, email=email).exists():
                self.add_error(
                    "email",
                    _("Une invitation est déjà en attente pour cette adresse : renvoyez-la."),
                )
        return data


class AcceptForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    password1 = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif first:
            user = User(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


def send_invitation(request, invitation, secret):
    """E-mail the link; the count of sendings goes up only when the server took it."""
    link = request.build_absolute_uri(reverse("invitation_accept", args=[secret]))
    sent = mail.send(
        to=[invitation.email],
        subject=_("Invitation au réseau de %(territory)s")
        % {"territory": invitation.territory.name},
        template="portal/emails/invitation",
        context={"invitation": invitation, "link": link, "days": settings.INVITATION_DAYS},
        what=f"invitation {invitation.pk}",
    )
    if sent:
        invitation.sent_count += 1
        invitation.last_sent_at = timezone.now()
    return sent


def _throttled(request):
    return not throttle.allow(
        "invitation_send",
        request.user.pk,
        limit=settings.INVITATION_LIMIT_PER_USER,
        period=3600,
    )


def members(request, territory_slug):
    """The territory's members and pending invitations, with the invitation form
    (coordinators). Queries: constant (members, invitations, communes of the form)."""
    territory = access.get_territory_rw_for_user(request, territory_slug)
    form = InvitationForm(request.POST or None, territory=territory)
    if request.method == "POST":
        if _throttled(request):
            messages.error(request, _("Trop d'invitations envoyées : réessayez dans une heure."))
        elif form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                invitation = Invitation(
                    territory=territory,
                    email=data["email"],
                    role=data["role"],
                    commune=data["commune"] if data["role"] == Membership.Role.REFERENT else None,
                    invited_by=request.user,
                )
                secret = invitation.new_secret()
                invitation.save()
            sent = send_invitation(request, invitation, secret)
            invitation.save(update_fields=["sent_count", "last_sent_at"])
            audit.log("invitation.created", request, invitation=invitation.pk)
            if sent:
                messages.success(request, _("Invitation envoyée à %(email)s.") % data)
            else:
                messages.warning(
                    request,
                    _(
                        "Invitation enregistrée, mais l'e-mail n'est pas parti :"
                        " renvoyez-la plus tard."
                    ),
                )
            return redirect("members", territory_slug=territory.slug)
    context = {
        "territory": territory,
        "form": form,
        "members": list(
            Membership.objects.filter(territory=territory)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username")
        ),
        "invitations": list(
            Invitation.objects.pending()
            .filter(territory=territory)
            .select_related("commune", "invited_by")
        ),
    }
    return render(request, "portal/members.html", context)


def _pending_invitation(request, territory_slug, pk):
    territory = access.get_territory_rw_for_user(request, territory_slug)
    return get_object_or_404(
        Invitation.objects.pending().select_related("territory"), territory=territory, pk=pk
    )


@require_POST
def invitation_resend(request, territory_slug, pk):
    """A new link (the previous one stops working), valid seven days from now."""
    invitation = _pending_invitation(request, territory_slug, pk)
    if _throttled(request):
        messages.error(request, _("Trop d'invitations envoyées : réessayez dans une heure."))
    else:
        secret = invitation.new_secret()
        sent = send_invitation(request, invitation, secret)
        invitation.save()
        if sent:
            messages.success(
                request, _("Invitation renvoyée à %(email)s.") % {"email": invitation.email}
            )
        else:
            messages.warning(request, _("L'e-mail n'est pas parti : réessayez plus tard."))
    return redirect("members", territory_slug=territory_slug)


@require_POST
def invitation_cancel(request, territory_slug, pk):
    invitation = _pending_invitation(request, territory_slug, pk)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit.log("invitation.cancelled", request, invitation=invitation.pk)
    messages.success(request, _("Invitation annulée : le lien ne fonctionne plus."))
    return redirect("members", territory_slug=territory_slug)


def member_remove(request, territory_slug, pk):
    """GET asks for confirmation; POST removes the membership and ends the person's sessions
    (they keep their other territories, signing in again)."""
    territory = access.get_territory_rw_for_user(request, territory_slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), territory=territory, pk=pk
    )
    if request.method == "POST":
        with transaction.atomic():
            membership.delete()
            membership.user.end_sessions()
        audit.log("membership.removed", request, user=membership.user_id, territory=territory.pk)
        messages.success(
            request,
            _("%(name)s ne fait plus partie du territoire.") % {"name": membership.user},
        )
        if membership.user_id == request.user.pk:
            return redirect("login")
        return redirect("members", territory_slug=territory.slug)
    return render(
        request, "portal/member_remove.html", {"territory": territory, "membership": membership}
    )


def _invalid(request, status, reason):
    return render(request, "portal/invitation_invalid.html", {"reason": reason}, status=status)


@login_not_required
@never_cache
def invitation_accept(request, token):
    """The invitation's link: a clear page when it is forged (404), used, cancelled or
    expired (410), and nothing changed; otherwise the new account's form, or, for an address
    that has an account, signing in then accepting."""
    allowed = throttle.allow(
        "invitation_accept",
        client_ip(request) or "-",
        limit=settings.INVITATION_ACCEPT_LIMIT_PER_CLIENT,
        period=3600,
    )
    if not allowed:
        return _invalid(request, 429, "throttled")
    invitation = (
        Invitation.objects.select_related("territory", "commune")
        .filter(token_hash=invitation_digest(token))
        .first()
    )
    if invitation is None:
        return _invalid(request, 404, "forged")
    if invitation.accepted_at:
        return _invalid(request, 410, "used")
    if invitation.cancelled_at:
        return _invalid(request, 410, "cancelled")
    if not invitation.is_pending:
        return _invalid(request, 410, "expired")
    existing = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    context = {"invitation": invitation, "territory": invitation.territory, "existing": existing}
    if existing is not None:
        if not request.user.is_authenticated:
            return render(request, "portal/invitation_accept.html", context)
        if request.user.pk != existing.pk:
            context["wrong_account"] = True
            return render(request, "portal/invitation_accept.html", context, status=403)
        if request.method == "POST":
            return _accept(request, invitation, existing)
        return render(request, "portal/invitation_accept.html", context)
    form = AcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                # the invitation is locked first: two submissions make one account
                locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if not locked.is_pending:
                    return _invalid(request, 410, "used")
                user = User.objects.create_user(
                    username=invitation.email,
                    email=invitation.email,
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                return _accept(request, invitation, user, new=True)
        except IntegrityError:  # the username is taken by an account with another address
            form.add_error(None, _("Ce compte existe déjà : contactez la coordination."))
    context["form"] = form
    return render(request, "portal/invitation_accept.html", context)


def _accept(request, invitation, user, new=False):
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            return _invalid(request, 410, "used")
        membership, created = Membership.objects.get_or_create(
            user=user, territory=invitation.territory, defaults={"role": invitation.role}
        )
        if not created and membership.role != invitation.role:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    if new:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[access.SESSION_KEY] = invitation.territory.pk
    audit.log("invitation.accepted", request, invitation=invitation.pk)
    messages.success(
        request,
        _("Bienvenue dans le réseau de %(territory)s.") % {"territory": invitation.territory.name},
    )
    return redirect("territory_home", territory_slug=invitation.territory.slug)
