"""The weekly digest of a coordinator (`manage.py send_digests`, run by cron every Monday):
per territory they coordinate, what waits for them — partner records to verify and error
reports, late actions of the current roadmap, rendez-vous of the next 14 days, their overdue
company reminders, signals created as « nouveau » in the last 7 days. Only the non-empty
sections are written; nothing at all → no e-mail. Lives in referents, the top app, which may
read every other one. Each territory costs a constant number of queries.

Idempotent per ISO week: a DigestSent(user, week) row is written when the mail server accepted
the message; a failed send writes none and the next run retries it. A coordinator opts out on
/referents/resume-hebdomadaire/ or with the signed link of the e-mail (DigestOptOut)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.models import Reminder
from partners.models import ErrorReport, Partner
from portal import mail
from portal.models import Membership
from referents.models import DigestOptOut, DigestSent, Meeting
from roadmaps.models import Action, Roadmap, Signal

UNSUBSCRIBE_SALT = "referents.digest.unsubscribe"
UPCOMING_DAYS = 14
NEW_SIGNALS_DAYS = 7
SHOWN = 10  # items listed per section; the count says how many in all


@dataclass
class Section:
    title: str
    count: int
    items: list  # (label, url) pairs, SHOWN at most
    url: str = ""


@dataclass
class TerritoryDigest:
    territory: object
    sections: list = field(default_factory=list)


def week_label(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value):
    """The Monday of « YYYY-Www », or ValueError."""
    return date.fromisocalendar(int(value[:4]), int(value.split("W", 1)[1]), 1)


def unsubscribe_token(user):
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_from_token(value):
    try:
        pk = signing.loads(value, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def _url(item):
    return item.get_absolute_url()


def _section(title_singular, title_plural, queryset, label, url="", link=None):
    items = list(queryset[:SHOWN])
    count = len(items) if len(items) < SHOWN else queryset.count()
    if not count:
        return None
    return Section(
        title=ngettext(title_singular, title_plural, count) % {"count": count},
        count=count,
        items=[(label(item), (link or _url)(item)) for item in items],
        url=url,
    )


def territory_digest(user, territory, today):
    """The sections of one territory for `user` (only the non-empty ones)."""
    now = timezone.now()
    roadmap = Roadmap.current_for(territory)
    sections = [
        _section(
            "%(count)s fiche partenaire à vérifier",
            "%(count)s fiches partenaires à vérifier",
            Partner.objects.filter(territory=territory).due_for_review(now).order_by("name"),
            str,
            reverse("partners:review"),
        ),
        _section(
            "%(count)s signalement d'erreur en attente",
            "%(count)s signalements d'erreur en attente",
            ErrorReport.objects.filter(partner__territory=territory, resolved_at__isnull=True)
            .select_related("partner")
            .order_by("created_at"),
            lambda report: report.partner.name,
            reverse("partners:review"),
            link=lambda report: report.partner.get_absolute_url(),
        ),
        roadmap
        and _section(
            "%(count)s action en retard",
            "%(count)s actions en retard",
            Action.objects.filter(axis__roadmap=roadmap)
            .late(today)
            .select_related("axis__roadmap__territory")
            .order_by("end_date", "pk"),
            str,
        ),
        _section(
            "%(count)s rendez-vous dans les 14 prochains jours",
            "%(count)s rendez-vous dans les 14 prochains jours",
            Meeting.objects.of_territory(territory)
            .filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=UPCOMING_DAYS))
            .order_by("starts_at"),
            lambda meeting: f"{timezone.localtime(meeting.starts_at):%d/%m %Hh%M} · {meeting}",
            reverse("referents:meeting_list", args=[territory.slug]),
        ),
        _section(
            "%(count)s rappel en retard",
            "%(count)s rappels en retard",
            Reminder.objects.filter(territory=territory, person=user, done=False, date__lt=today)
            .select_related("establishment")
            .order_by("date", "pk"),
            lambda reminder: f"{reminder.date:%d/%m} · {reminder.text}",
        ),
        _section(
            "%(count)s nouveau signal faible cette semaine",
            "%(count)s nouveaux signaux faibles cette semaine",
            Signal.objects.filter(
                territory=territory,
                status=Signal.Status.NEW,
                created_at__gte=now - timedelta(days=NEW_SIGNALS_DAYS),
            )
            .select_related("territory")
            .order_by("-created_at"),
            str,
        ),
    ]
    return TerritoryDigest(territory, [section for section in sections if section])


def coordinators_to_write(week):
    """{user: [territory, …]}: active coordinators with an address, not opted out, not yet sent
    this week."""
    memberships = (
        Membership.objects.filter(
            role=Membership.Role.COORDINATOR, user__is_active=True, user__email__gt=""
        )
        .exclude(user__in=DigestOptOut.objects.values("user"))
        .exclude(user__in=DigestSent.objects.filter(week=week).values("user"))
        .select_related("user", "territory")
        .order_by("user_id", "territory__name")
    )
    result = {}
    for membership in memberships:
        result.setdefault(membership.user, []).append(membership.territory)
    return result


def send_digests(monday, site_url):
    """Send the digests of the week starting `monday`; (sent, failed, empty) counts."""
    week = week_label(monday)
    today = timezone.localdate()
    root = site_url.rstrip("/")
    sent = failed = empty = 0
    for user, territories in coordinators_to_write(week).items():
        digests = [territory_digest(user, territory, today) for territory in territories]
        digests = [digest for digest in digests if digest.sections]
        if not digests:
            empty += 1
            continue
        names = ", ".join(digest.territory.name for digest in digests)
        context = {
            "user": user,
            "digests": digests,
            "week": week,
            "root": root,
            "preferences_url": root + reverse("referents:digest_preferences"),
            "unsubscribe_url": root
            + reverse("referents:digest_unsubscribe", args=[unsubscribe_token(user)]),
        }
        ok = mail.send(
            to=[user.email],
            subject=_("Cette semaine dans le réseau de %(territories)s") % {"territories": names},
            template="referents/emails/digest",
            context=context,
            what=f"digest {week} user {user.pk}",
        )
        if ok:
            DigestSent.objects.get_or_create(user=user, week=week)
            sent += 1
        else:
            failed += 1
    return sent, failed, empty


def default_site_url():
    """The site's address for the links: SITE_URL, else https:// and the first ALLOWED_HOSTS."""
    if getattr(settings, "SITE_URL", ""):
        return settings.SITE_URL
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith(".")]
    return f"https://{hosts[0]}/" if hosts else "http://localhost:8000/"
