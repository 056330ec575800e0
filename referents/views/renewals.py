"""The renewal campaign after the municipal elections: the coordinators' pages (start, the
mairies' addresses, send the links, print the letters, follow the answers, remind, reopen an
answer, close) and the mairie's page reached by its secret link, without an account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import throttle
from portal.security import client_ip
from referents import renewals
from referents.forms import (
    CampaignForm,
    DecisionForm,
    MairieEmailForm,
    PersonForm,
    RenewalChoiceForm,
)
from referents.models import CommuneRenewal, Referent, RenewalCampaign
from referents.perms import get_territory_rw_for_user


def _rows(campaign):
    return list(campaign.communes.select_related("commune"))


def _campaign_or_home(request, territory):
    campaign = renewals.open_campaign(territory)
    if campaign is None:
        messages.error(request, _("Aucune campagne de renouvellement n'est en cours."))
    return campaign


def campaign(request, territory_slug):
    """The open campaign followed commune by commune, or the form that starts one.

    Queries: the open campaign, its communes with their commune (and, to start one, the
    communes of the territory in one insert)."""
    territory = get_territory_rw_for_user(request, territory_slug)
    current = renewals.open_campaign(territory)
    if current is None:
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            started = renewals.start_campaign(
                territory=territory,
                title=form.cleaned_data["title"],
                elections_date=form.cleaned_data["elections_date"],
                by=request.user,
            )
            count = started.communes.count()
            messages.success(
                request,
                ngettext(
                    "Campagne lancée : %(count)d commune à consulter.",
                    "Campagne lancée : %(count)d communes à consulter.",
                    count,
                )
                % {"count": count},
            )
            return redirect("referents:renewal", territory_slug=territory.slug)
        past = list(
            RenewalCampaign.objects.filter(territory=territory).annotate(
                answered=Count("communes", filter=Q(communes__answered_at__isnull=False)),
                total=Count("communes"),
            )
        )
        return render(
            request,
            "referents/renewal_start.html",
            {"territory": territory, "form": form, "past": past},
        )
    rows = _rows(current)
    answered = sum(1 for row in rows if row.answered_at)
    return render(
        request,
        "referents/renewal.html",
        {
            "territory": territory,
            "campaign": current,
            "rows": rows,
            "answered": answered,
            "reminded": sum(1 for row in rows if not row.answered_at and row.reminder_count),
            "without_email": sum(1 for row in rows if not row.mairie_email),
            "to_send": sum(
                1 for row in rows if row.mairie_email and not row.sent_at and not row.answered_at
            ),
            "to_remind": sum(
                1 for row in rows if row.mairie_email and row.sent_at and not row.answered_at
            ),
            "rate": round(100 * answered / len(rows)) if rows else 0,
        },
    )


def addresses(request, territory_slug):
    """The mairies' e-mail addresses, one field per commune."""
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is None:
        return redirect("referents:renewal", territory_slug=territory.slug)
    form = MairieEmailForm(request.POST or None, rows=_rows(current))
    if request.method == "POST" and form.is_valid():
        changed = list(form.changed_rows())
        CommuneRenewal.objects.bulk_update(changed, ["mairie_email"])
        messages.success(
            request,
            ngettext(
                "%(count)d adresse enregistrée.", "%(count)d adresses enregistrées.", len(changed)
            )
            % {"count": len(changed)},
        )
        return redirect("referents:renewal", territory_slug=territory.slug)
    return render(
        request,
        "referents/renewal_addresses.html",
        {"territory": territory, "campaign": current, "form": form},
    )


@require_POST
def send(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is not None:
        count = renewals.send_links(current, request)
        messages.success(
            request,
            ngettext("%(count)d lien envoyé.", "%(count)d liens envoyés.", count)
            % {"count": count},
        )
    return redirect("referents:renewal", territory_slug=territory.slug)


@require_POST
def remind(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is not None:
        count = renewals.send_reminders(current, request)
        messages.success(
            request,
            ngettext("%(count)d relance envoyée.", "%(count)d relances envoyées.", count)
            % {"count": count},
        )
    return redirect("referents:renewal", territory_slug=territory.slug)


@require_POST
def close(request, territory_slug):
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is not None:
        renewals.close_campaign(current)
        messages.success(request, _("Campagne close : ses liens ne sont plus valables."))
    return redirect("referents:renewal", territory_slug=territory.slug)


def letters(request, territory_slug):
    """Printable letters, one per page and per commune (all, or `?commune=<insee>`), with the
    link as text and as a QR code."""
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is None:
        return redirect("referents:renewal", territory_slug=territory.slug)
    rows = _rows(current)
    insee = request.GET.get("commune", "")
    commune = None
    if insee:
        rows = [row for row in rows if row.commune.insee_code == insee.upper()]
        if not rows:
            raise Http404(_("Cette commune n'est pas dans la campagne de ce territoire."))
        commune = rows[0].commune
    rows = [row for row in rows if not row.answered_at]
    for row in rows:
        row.link = request.build_absolute_uri(row.get_link_path())
        row.qr_code = renewals.qr_svg(row.link)
    return render(
        request,
        "referents/renewal_letters.html",
        {"territory": territory, "campaign": current, "rows": rows, "commune": commune},
    )


def reopen(request, territory_slug, insee_code):
    """A correction after the mairie answered: GET asks, POST gives the commune a new link (the
    old one is dead) and puts it back among the communes to send or print."""
    territory = get_territory_rw_for_user(request, territory_slug)
    current = _campaign_or_home(request, territory)
    if current is None:
        return redirect("referents:renewal", territory_slug=territory.slug)
    row = get_object_or_404(
        current.communes.select_related("commune"),
        commune__insee_code=insee_code,
        answered_at__isnull=False,
    )
    if request.method == "POST":
        renewals.reopen(row, by=request.user)
        messages.success(
            request,
            _(
                "Réponse de %(commune)s rouverte : l'ancien lien n'est plus valable, envoyez ou "
                "imprimez le nouveau."
            )
            % {"commune": row.commune.name},
        )
        return redirect("referents:renewal", territory_slug=territory.slug)
    return render(
        request,
        "referents/renewal_reopen.html",
        {"territory": territory, "campaign": current, "row": row},
    )


# --- The mairie's page -----------------------------------------------------------------------


@login_not_required
def answer(request, token):
    """The mairie confirms, replaces or removes its référents, adds one, with the date of the
    council's decision. A forged link: 404; a closed campaign: 410; answered: says so."""
    allowed = throttle.allow(
        "renewal_answer",
        client_ip(request) or "-",
        limit=settings.RENEWAL_LIMIT_PER_CLIENT,
        period=settings.RENEWAL_LIMIT_PERIOD,
    )
    if not allowed:
        return render(request, "referents/renewal_gone.html", {"reason": "throttled"}, status=429)
    row, replaced = renewals.find(token)
    if row is None:
        return render(request, "referents/renewal_gone.html", {"reason": "forged"}, status=404)
    if replaced:
        return render(
            request, "referents/renewal_gone.html", {"reason": "replaced", "row": row}, status=410
        )
    if row.campaign.closed_at:
        return render(
            request, "referents/renewal_gone.html", {"reason": "closed", "row": row}, status=410
        )
    if row.answered_at:
        return render(request, "referents/renewal_gone.html", {"reason": "answered", "row": row})
    data = request.POST or None
    referents = list(Referent.objects.filter(commune=row.commune).active())
    decision = DecisionForm(data, campaign=row.campaign)
    choices = [
        RenewalChoiceForm(data, referent=referent, prefix=f"r{referent.pk}")
        for referent in referents
    ]
    added = [PersonForm(data, prefix=f"nouveau{number}") for number in (1, 2)]
    error = ""
    if request.method == "POST":
        valid = all(
            [decision.is_valid(), *(f.is_valid() for f in choices), *(f.is_valid() for f in added)]
        )
        for form in added:
            if form.is_bound and form.is_valid() and form.is_filled():
                form.require_name()
        valid = valid and not any(form.errors for form in added)
        if valid:
            try:
                renewals.answer(
                    row=row,
                    decision_date=decision.cleaned_data["decision_date"],
                    choices=[
                        (f.referent, f.cleaned_data["action"], f.cleaned_data) for f in choices
                    ],
                    added=[f.cleaned_data for f in added if f.is_filled()],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("referents:renewal_answer", token=token)
        if not error:
            error = _("La réponse n'a pas été enregistrée : corrigez les champs signalés.")
    return render(
        request,
        "referents/renewal_answer.html",
        {
            "row": row,
            "territory": row.campaign.territory,
            "decision": decision,
            "choices": choices,
            "added": added,
            "error": error,
        },
    )
