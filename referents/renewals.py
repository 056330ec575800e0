"""The renewal of the référents after the municipal elections: a campaign, one secret link per
commune (e-mailed to the mairie or printed as a letter), the mairie's answer.

The mairie answers without an account: the link is the credential, single-use (once answered it
only says so) and dead once the campaign is closed. An answer is one transaction: mandates of the
référents replaced or removed end on the date of the council's decision (the rows are kept: the
history of the network), the new référents start that day, and the commune's row records what was
done and by whom (« la mairie via le lien de renouvellement »).
"""

from datetime import timedelta

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal import mail
from portal.models import Commune, Territory
from referents.models import MAX_ACTIVE_PER_COMMUNE, CommuneRenewal, Referent, RenewalCampaign

AUTHOR = "la mairie via le lien de renouvellement"
ADDRESSES_KEPT_DAYS = 183  # the mairies' addresses, after the campaign is closed (privacy page)


def open_campaign(territory):
    return RenewalCampaign.objects.filter(territory=territory, closed_at__isnull=True).first()


def start_campaign(*, territory, title, elections_date=None, by=None):
    """A campaign with one CommuneRenewal (and one link) per commune of the territory; the one
    already open if there is one (the territory row is locked: two starts make one campaign)."""
    with transaction.atomic():
        Territory.objects.select_for_update().filter(pk=territory.pk).first()
        already = open_campaign(territory)
        if already is not None:
            return already
        campaign = RenewalCampaign.objects.create(
            territory=territory, title=title, elections_date=elections_date, started_by=by
        )
        rows = []
        for commune in territory.communes.all():
            row = CommuneRenewal(campaign=campaign, commune=commune)
            row.set_token()
            rows.append(row)
        CommuneRenewal.objects.bulk_create(rows)
    return campaign


def close_campaign(campaign):
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])


def addresses_to_purge(now=None):
    """The communes' rows whose mairie address outlived its campaign by ADDRESSES_KEPT_DAYS."""
    limit = (now or timezone.now()) - timedelta(days=ADDRESSES_KEPT_DAYS)
    return CommuneRenewal.objects.filter(campaign__closed_at__lt=limit).exclude(mairie_email="")


def find(token):
    """(the CommuneRenewal of a link, whether the link was replaced by a newer one), or
    (None, False) for a forged link."""
    if not token or len(token) > 100:
        return None, False
    digest = CommuneRenewal.hash_token(token)
    row = (
        CommuneRenewal.objects.select_related("campaign", "campaign__territory", "commune")
        .filter(Q(token_hash=digest) | Q(previous_token_hash=digest))
        .first()
    )
    return row, bool(row and row.token_hash != digest)


def qr_svg(link):
    """The link as a QR code (error correction M), an inline SVG without XML declaration nor
    external reference: black modules on white, its size set by the print CSS (3 cm)."""
    label = _("Code QR du lien de réponse")
    svg = segno.make(link, error="m").svg_inline(
        title=label, omitsize=True, svgclass="renewal-qr", lineclass=None, dark="#000", light="#fff"
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def _send(row, request, *, reminder):
    territory = row.campaign.territory
    subject = (
        _("Relance : vos référents emploi à %(commune)s (%(territory)s)")
        if reminder
        else _("Vos référents emploi à %(commune)s (%(territory)s)")
    ) % {"commune": row.commune.name, "territory": territory.name}
    return mail.send(
        to=[row.mairie_email],
        subject=subject,
        template="referents/emails/renewal",
        context={
            "row": row,
            "campaign": row.campaign,
            "territory": territory,
            "link": request.build_absolute_uri(row.get_link_path()),
            "reminder": reminder,
        },
        what=f"renewal {row.pk}",
    )


def send_links(campaign, request):
    """E-mail the link to the communes with an address, not yet sent and not answered; the
    number sent (a failed send stays to send)."""
    sent = 0
    rows = campaign.communes.select_related("commune", "campaign__territory").filter(
        sent_at__isnull=True, answered_at__isnull=True
    )
    for row in rows.exclude(mairie_email=""):
        if _send(row, request, reminder=False):
            CommuneRenewal.objects.filter(pk=row.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


def send_reminders(campaign, request):
    """Remind the communes that were sent the link and did not answer; the number reminded."""
    reminded = 0
    rows = campaign.communes.select_related("commune", "campaign__territory").filter(
        sent_at__isnull=False, answered_at__isnull=True
    )
    for row in rows.exclude(mairie_email=""):
        if _send(row, request, reminder=True):
            row.reminded_at = timezone.now()
            row.reminder_count += 1
            row.save(update_fields=["reminded_at", "reminder_count"])
            reminded += 1
    return reminded


def _person(data, commune, start):
    return Referent(
        first_name=data["first_name"],
        last_name=data["last_name"],
        role=data["role"],
        function=data.get("function", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        commune=commune,
        mandate_start=start,
    )


def answer(*, row, decision_date, choices, added):
    """Apply the mairie's answer in one transaction. `choices`: [(référent, action, data)] with
    action "confirmer", "remplacer" (data: the new person) or "retirer"; `added`: the new people.
    Raises ValidationError (nothing changed) when the link was used meanwhile or when the
    commune would have more active référents than allowed."""
    with transaction.atomic():
        Commune.objects.select_for_update().filter(pk=row.commune_id).first()
        locked = CommuneRenewal.objects.select_for_update().get(pk=row.pk)
        if locked.answered_at or locked.campaign.closed_at:
            raise ValidationError(
                _("Ce lien a déjà servi : la réponse de la mairie est enregistrée.")
            )
        lines, ended, new = [], [], []
        for referent, action, data in choices:
            name = f"{referent.first_name} {referent.last_name}"
            if action == "confirmer":
                lines.append(_("%(name)s confirmé·e") % {"name": name})
                continue
            ended.append(referent)
            if action == "remplacer":
                person = _person(data, row.commune, decision_date)
                new.append(person)
                lines.append(
                    _("%(name)s remplacé·e par %(new)s")
                    % {"name": name, "new": f"{person.first_name} {person.last_name}"}
                )
            else:
                lines.append(_("%(name)s retiré·e") % {"name": name})
        for data in added:
            person = _person(data, row.commune, decision_date)
            new.append(person)
            lines.append(_("%(new)s ajouté·e") % {"new": f"{person.first_name} {person.last_name}"})
        active = len(choices) - len(ended) + len(new)
        if active > MAX_ACTIVE_PER_COMMUNE:
            raise ValidationError(
                _("Une commune a au plus %(max)d référents actifs.")
                % {"max": MAX_ACTIVE_PER_COMMUNE}
            )
        for referent in ended:
            referent.mandate_end = max(decision_date, referent.mandate_start)
            referent.save(update_fields=["mandate_end"])
        for person in new:
            person.full_clean(validate_unique=False)
            person.save()
        locked.answered_at = timezone.now()
        locked.answer_summary = "\n".join(
            [
                *([locked.answer_summary] if locked.answer_summary else []),
                _("Délibération du %(date)s, par %(author)s :")
                % {"date": decision_date.strftime("%d/%m/%Y"), "author": AUTHOR},
                *lines,
            ]
        )
        locked.save(update_fields=["answered_at", "answer_summary"])
    return locked


def reopen(row, *, by):
    """Let the mairie answer again (a correction): a new link, the previous one dead (it then
    says it was replaced), the commune to send or print again. The mandates the first answer
    ended or started stay as they are (history): the new answer starts from the active
    référents; the summary keeps the first answer and says who reopened it."""
    with transaction.atomic():
        locked = CommuneRenewal.objects.select_for_update().get(pk=row.pk)
        if not locked.answered_at or locked.campaign.closed_at:
            raise ValidationError(_("Cette commune n'a pas de réponse à rouvrir."))
        locked.previous_token_hash = locked.token_hash
        locked.set_token()
        locked.answered_at = None
        locked.sent_at = locked.reminded_at = None
        locked.reminder_count = 0
        locked.answer_summary = "\n".join(
            [
                locked.answer_summary,
                _("Réponse rouverte le %(date)s par %(name)s : nouveau lien.")
                % {
                    "date": timezone.localdate().strftime("%d/%m/%Y"),
                    "name": by.get_full_name() or by.get_username(),
                },
            ]
        )
        locked.save()
    return locked
