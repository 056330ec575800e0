"""Every page type of the site, with a URL taken from the demo data and who looks at it.

A page is named at collection time (for pytest ids) and its URL is resolved at run time, once the
demo world is loaded. `submit=True` posts the page's main form empty (browser validation
disabled) to show the form with its error messages. Public pages are checked signed out and
signed in; the others as the persona who sees the most of them (the coordinator sees the edit
buttons, the référent the read-only variant).
"""

from dataclasses import dataclass

from django.urls import reverse

TERRITORY = "grand-angouleme"


def _partner():
    return reverse("partners:detail", args=["uimm-charente"])


def _service(name):
    def build():
        from partners.models import Service

        service = Service.objects.filter(partner__slug="uimm-charente").order_by("pk").first()
        return reverse(f"partners:{name}", args=["uimm-charente", service.pk])

    return build


def _action(territory=TERRITORY):
    from roadmaps.models import Action

    action = Action.objects.filter(axis__roadmap__territory__slug=territory).order_by("pk").first()
    return action.get_absolute_url()


def _unpublished_action():
    """An action of Grand Bergeracois, whose demo roadmap is not published."""
    return _action("grand-bergeracois")


def _action_url(name, *extra):
    def build():
        from roadmaps.models import Action

        action = (
            Action.objects.filter(axis__roadmap__territory__slug=TERRITORY).order_by("pk").first()
        )
        return reverse(f"roadmaps:{name}", args=[TERRITORY, action.pk, *extra])

    return build


def _versions_compared():
    """The demo roadmap's first version compared with its revision: every kind of change."""
    from roadmaps.models import RoadmapVersion

    first, *_, last = RoadmapVersion.objects.filter(
        roadmap__territory__slug=TERRITORY, roadmap__is_current=True
    ).order_by("validated_on", "pk")
    return reverse("roadmaps:versions", args=[TERRITORY]) + f"?de={first.pk}&a={last.pk}"


def _signal(name="signal"):
    def build():
        from roadmaps.models import Signal

        signal = (
            Signal.objects.filter(territory__slug=TERRITORY, grouped__isnull=False)
            .order_by("pk")
            .first()
        )
        return reverse(f"roadmaps:{name}", args=[TERRITORY, signal.pk])

    return build


def _referent(name="detail"):
    def build():
        from referents.models import Referent

        referent = Referent.objects.filter(commune__epci__siren="200071827").order_by("pk").first()
        return reverse(f"referents:{name}", args=[referent.pk])

    return build


def _unsubscribe():
    """The unsubscribe link of the rendez-vous e-mails, for the territory's first référent."""
    from referents.invitations import unsubscribe_token
    from referents.models import Referent

    referent = Referent.objects.filter(commune__epci__siren="200071827").order_by("pk").first()
    return reverse("referents:unsubscribe", args=[unsubscribe_token(referent)])


def _digest_unsubscribe():
    """The unsubscribe link of the weekly digest, for the demo's coordinator."""
    from django.contrib.auth import get_user_model

    from referents.digest import unsubscribe_token

    user = get_user_model().objects.get(username="coordination.angouleme")
    return reverse("referents:digest_unsubscribe", args=[unsubscribe_token(user)])


def _meeting(name="meeting_detail"):
    def build():
        from referents.models import Meeting

        meeting = Meeting.objects.filter(territory__slug=TERRITORY).order_by("pk").first()
        return reverse(f"referents:{name}", args=[meeting.pk])

    return build


def _event(name="public"):
    """The demo job dating of the territory (public, taking registrations): its public page,
    its rendez-vous page, its registrations page or the cancel link of a registration."""

    def build():
        from referents.models import Meeting
        from referents.registrations import cancel_token

        meeting = (
            Meeting.objects.filter(territory__slug=TERRITORY, registration_wanted=True)
            .order_by("pk")
            .first()
        )
        if name == "public":
            return meeting.get_public_url()
        if name == "cancel":
            registration = meeting.registrations.order_by("pk").first()
            return reverse("events:cancel", args=[cancel_token(registration)])
        return reverse(f"referents:{name}", args=[meeting.pk])

    return build


def _section():
    from referents.models import OutlineSection

    section = OutlineSection.objects.filter(territory__slug=TERRITORY).order_by("pk").first()
    return reverse("referents:section_update", args=[section.pk])


def _establishment():
    from companies.models import Establishment

    establishment = (
        Establishment.objects.filter(commune__epci__siren="200071827").order_by("siret").first()
    )
    return establishment.get_absolute_url()


def _establishment_url(name):
    def build():
        from companies.models import Exchange

        exchange = (
            Exchange.objects.filter(territory__slug=TERRITORY)
            .exclude(private_note="")
            .select_related("establishment")
            .order_by("pk")
            .first()
        )
        return reverse(f"companies:{name}", args=[exchange.establishment.siret])

    return build


def _followup(name, model):
    def build():
        from companies import models

        queryset = getattr(models, model).objects.filter(territory__slug=TERRITORY)
        record = queryset.select_related("establishment").order_by("pk").first()
        if model == "Need":
            return reverse(f"companies:{name}", args=[record.pk])
        return reverse(f"companies:{name}", args=[record.establishment.siret, record.pk])

    return build


def _open_recruitment_need():
    from companies.models import Need

    need = (
        Need.objects.filter(territory__slug=TERRITORY, kind="recrutement")
        .open()
        .order_by("pk")
        .first()
    )
    return need.get_absolute_url()


def _member_remove():
    from portal.models import Membership

    membership = (
        Membership.objects.filter(territory__slug=TERRITORY, role=Membership.Role.REFERENT)
        .order_by("pk")
        .first()
    )
    return reverse("member_remove", args=[TERRITORY, membership.pk])


# Links whose secret is known only when their object is made (only its hash is stored): made
# once per session with the demo world (conftest.demo_world), hence committed like it. Made by a
# builder, inside the test's transaction, the live server would not see them on PostgreSQL
# (another connection: 404); on SQLite it shares the connection and would.
LINKS = {}


def make_links():
    """A pending invitation to the territory, its secret kept in LINKS."""
    from portal.models import Invitation, Territory

    invitation = Invitation(
        territory=Territory.objects.get(slug=TERRITORY),
        email="nouvelle.personne@example.org",
        role="referent",
    )
    LINKS["invitation"] = invitation.new_secret()
    invitation.save()


def _invitation():
    return reverse("invitation_accept", args=[LINKS["invitation"]])


def _renewal(name="renewal"):
    """The demo's renewal campaign of the territory (referents/demo.py): the follow-up, the
    addresses, a commune's letter, the correction of an answered commune, or the answer page of a
    commune that has not answered, reached by its link (derived from the row's salt)."""

    def build():
        from referents.models import CommuneRenewal

        rows = CommuneRenewal.objects.filter(
            campaign__territory__slug=TERRITORY, campaign__closed_at__isnull=True
        ).select_related("commune")
        if name == "answer":
            row = rows.filter(answered_at__isnull=True).order_by("pk").first()
            return reverse("referents:renewal_answer", args=[row.token])
        if name == "renewal_reopen":
            row = rows.filter(answered_at__isnull=False).order_by("pk").first()
            return reverse(f"referents:{name}", args=[TERRITORY, row.commune.insee_code])
        if name == "renewal_letters":
            # One commune's letter: the same markup as all of them, without drawing 35 QR
            # codes (segno, pure Python: a few seconds on a loaded machine) for each check.
            row = rows.filter(answered_at__isnull=True).order_by("pk").first()
            path = reverse(f"referents:{name}", args=[TERRITORY])
            return f"{path}?commune={row.commune.insee_code}"
        return reverse(f"referents:{name}", args=[TERRITORY])

    return build


def _url(name, *args, query=""):
    return lambda: reverse(name, args=args) + query


@dataclass(frozen=True)
class PageType:
    name: str
    build: object  # () -> path
    personas: tuple = ("coordinator",)
    submit: bool = False
    status: int = 200

    def path(self):
        return self.build()


PUBLIC = ("visitor", "referent")
OUTSIDERS = ("visitor", "other_coordinator")  # the public variant of a published roadmap

PAGE_TYPES = [
    # Portal
    PageType("home", _url("home"), PUBLIC),
    PageType("home_coordinator", _url("home"), ("coordinator", "staff")),
    PageType("login", _url("login"), ("visitor",)),
    PageType("login_errors", _url("login"), ("visitor",), submit=True),
    PageType("legal_notice", _url("legal_notice"), PUBLIC),
    PageType("privacy", _url("privacy"), PUBLIC),
    PageType("accessibility", _url("accessibility"), PUBLIC),
    PageType("not_found", _url("home", query="page-qui-n-existe-pas/"), PUBLIC, status=404),
    PageType("password_reset", _url("password_reset"), ("visitor",)),
    PageType("password_reset_errors", _url("password_reset"), ("visitor",), submit=True),
    PageType("password_reset_done", _url("password_reset_done"), ("visitor",)),
    PageType(
        "password_reset_bad_link",
        _url("password_reset_confirm", "AA", "lien-perime"),
        ("visitor",),
    ),
    PageType("password_reset_complete", _url("password_reset_complete"), ("visitor",)),
    PageType("members", _url("members", TERRITORY)),
    PageType("members_errors", _url("members", TERRITORY), submit=True),
    PageType("member_remove", _member_remove),
    PageType("invitation_accept", _invitation, ("visitor",)),
    PageType("invitation_accept_errors", _invitation, ("visitor",), submit=True),
    PageType(
        "invitation_forged", _url("invitation_accept", "lien-invente"), ("visitor",), status=404
    ),
    PageType("password_change", _url("password_change"), ("referent",)),
    PageType("password_change_errors", _url("password_change"), ("referent",), submit=True),
    PageType("password_change_done", _url("password_change_done"), ("referent",)),
    # Partners
    PageType("partner_list", _url("partners:list"), PUBLIC),
    PageType("partner_search", _url("partners:list", query="?q=mecatronique"), PUBLIC),
    PageType("partner_detail", _partner, PUBLIC),
    PageType("partner_detail_coordinator", _partner, ("coordinator",)),
    PageType("partner_create_errors", _url("partners:create"), submit=True),
    PageType("partner_update", _url("partners:update", "uimm-charente")),
    PageType(
        "service_create_errors", _url("partners:service_create", "uimm-charente"), submit=True
    ),
    PageType("service_update", _service("service_update")),
    PageType("service_delete", _service("service_delete")),
    PageType("partner_report_errors", _url("partners:report", "uimm-charente"), submit=True),
    PageType("partner_review", _url("partners:review")),
    PageType("partner_network", _url("partners:network", TERRITORY)),
    PageType("forbidden", _url("partners:create"), ("referent",), status=403),
    # Public events
    PageType("event_list", _url("events:list"), PUBLIC),
    PageType("event_list_filtered", _url("events:list", query="?type=job-dating"), ("visitor",)),
    PageType("event_detail", _event(), PUBLIC),
    # The read API's documentation (its JSON answers are tested in tests/api)
    PageType("api_documentation", _url("api:api-root"), PUBLIC),
    PageType("event_register_errors", _event(), ("visitor",), submit=True),
    PageType("event_cancel", _event("cancel"), ("visitor",)),
    PageType("meeting_detail_public", _event("meeting_detail"), ("referent", "coordinator")),
    PageType("meeting_registrations", _event("meeting_registrations")),
    # Companies
    PageType("company_list", _url("companies:list", TERRITORY), ("referent", "coordinator")),
    PageType("company_search", _url("companies:list", TERRITORY, query="?q=mecanique&section=C")),
    PageType("company_map", _url("companies:map", TERRITORY), ("referent", "coordinator")),
    PageType("company_detail", _establishment, ("referent", "coordinator")),
    PageType("company_create_errors", _url("companies:create", TERRITORY), submit=True),
    PageType("company_followed", _establishment_url("detail"), ("referent", "coordinator")),
    PageType("exchange_create_errors", _establishment_url("exchange_create"), submit=True),
    PageType("exchange_update", _followup("exchange_update", "Exchange")),
    PageType("exchange_delete", _followup("exchange_delete", "Exchange")),
    PageType("need_create_errors", _establishment_url("need_create"), submit=True),
    PageType("need_detail", _open_recruitment_need, ("referent", "coordinator")),
    PageType("need_update", _followup("need_update", "Need")),
    PageType("need_delete", _followup("need_delete", "Need")),
    PageType("reminder_create_errors", _establishment_url("reminder_create"), submit=True),
    PageType("company_contact_create_errors", _establishment_url("contact_create"), submit=True),
    PageType("company_contact_delete", _followup("contact_delete", "CompanyContact")),
    PageType("company_followup_history", _establishment_url("history")),
    PageType("need_list", _url("companies:need_list", TERRITORY), ("referent", "coordinator")),
    PageType("company_summary", _url("companies:summary", TERRITORY), ("referent",)),
    # Roadmaps
    PageType("roadmap_list", _url("roadmaps:list"), ("referent", "coordinator")),
    PageType("roadmap_detail", _url("roadmaps:detail", TERRITORY), ("referent", "coordinator")),
    PageType("roadmap_update_errors", _url("roadmaps:update", TERRITORY), submit=True),
    PageType("roadmap_versions", _url("roadmaps:versions", TERRITORY)),
    PageType("roadmap_versions_compared", _versions_compared, ("referent",)),
    PageType("roadmap_revise_errors", _url("roadmaps:validate", TERRITORY), submit=True),
    PageType("facts_update", _url("roadmaps:facts_update", TERRITORY)),
    PageType("roadmap_dashboard", _url("roadmaps:dashboard", TERRITORY), ("referent",)),
    PageType("action_detail", _action, ("referent", "coordinator")),
    PageType("action_update_errors", _action_url("action_update"), submit=True),
    PageType("progress_errors", _action_url("progress_create"), submit=True),
    PageType("axis_create_errors", _url("roadmaps:axis_create", TERRITORY), submit=True),
    PageType("other_territory_action", _unpublished_action, ("coordinator",), status=404),
    # The published roadmap (Grand Angoulême's demo roadmap), as visitors read it
    PageType("roadmap_publication", _url("roadmaps:publication", TERRITORY)),
    PageType("public_roadmap_list", _url("roadmaps:list"), ("visitor",)),
    PageType("public_roadmap", _url("roadmaps:detail", TERRITORY), OUTSIDERS),
    PageType("public_dashboard", _url("roadmaps:dashboard", TERRITORY), ("visitor",)),
    PageType("public_action", _action, OUTSIDERS),
    PageType("signal_list", _url("roadmaps:signals", TERRITORY), ("referent", "coordinator")),
    PageType(
        "signal_list_filtered",
        _url("roadmaps:signals", TERRITORY, query="?statut=a_examiner&secteur=C"),
    ),
    PageType("signal_create", _url("roadmaps:signal_create", TERRITORY), ("referent",)),
    PageType(
        "signal_create_errors",
        _url("roadmaps:signal_create", TERRITORY),
        ("referent",),
        submit=True,
    ),
    PageType("signal_detail", _signal(), ("referent", "coordinator")),
    PageType("signal_update", _signal("signal_update")),
    PageType("signal_triage", _signal("signal_triage")),
    PageType("signal_action", _signal("signal_action")),
    PageType("signal_group", _signal("signal_group")),
    PageType("signal_trends", _url("roadmaps:signal_trends", TERRITORY), ("referent",)),
    # Référents
    PageType("referent_network", _url("referents:list", TERRITORY), ("referent", "coordinator")),
    PageType("referent_detail", _referent(), ("referent",)),
    PageType("referent_create_errors", _url("referents:create", TERRITORY), submit=True),
    PageType("meeting_list", _url("referents:meeting_list", TERRITORY), ("referent",)),
    PageType("meeting_detail", _meeting(), ("referent", "coordinator")),
    PageType("meeting_create_errors", _url("referents:meeting_create", TERRITORY), submit=True),
    PageType("meeting_attendance", _meeting("meeting_attendance")),
    PageType("meeting_cancel", _meeting("meeting_cancel")),
    PageType("meeting_unsubscribe", _unsubscribe, ("visitor",)),
    PageType("digest_preferences", _url("referents:digest_preferences"), ("referent",)),
    PageType("digest_unsubscribe", _digest_unsubscribe, ("visitor",)),
    PageType("attendance_rates", _url("referents:attendance", TERRITORY)),
    PageType("guide", _url("referents:guide", TERRITORY), ("referent",)),
    PageType("orientation", _url("referents:orientation", TERRITORY), ("referent",)),
    PageType(
        "orientation_errors", _url("referents:orientation", TERRITORY), ("referent",), submit=True
    ),
    PageType("observatory", _url("referents:observatory", TERRITORY)),
    PageType("outline", _url("referents:outline", TERRITORY)),
    PageType("section_update", _section),
    PageType("renewal", _renewal()),
    PageType("renewal_addresses", _renewal("renewal_addresses")),
    PageType("renewal_letters", _renewal("renewal_letters")),
    PageType("renewal_reopen", _renewal("renewal_reopen")),
    PageType("renewal_answer", _renewal("answer"), ("visitor",)),
    PageType("renewal_answer_errors", _renewal("answer"), ("visitor",), submit=True),
    PageType(
        "renewal_forged_link",
        _url("referents:renewal_answer", "lien-invente"),
        ("visitor",),
        status=404,
    ),
    # Communes
    PageType("commune_search", _url("communes:search", query="?q=16"), PUBLIC),
    PageType(
        "commune_search_errors",
        _url("communes:search", query="?q=" + "x" * 101),
        ("visitor",),
        status=400,
    ),
    PageType("commune_detail", _url("communes:detail", "16374", "soyaux"), ("visitor", "referent")),
]

BY_NAME = {page.name: page for page in PAGE_TYPES}

# (page name, persona) pairs, the unit of the accessibility checks.
CASES = [(page.name, persona) for page in PAGE_TYPES for persona in page.personas]

# Defects found in pages, each with the reason, marked as expected failures until fixed.
KNOWN_ISSUES = {}


def case_params(issues=KNOWN_ISSUES):
    """CASES as pytest params, the known defects marked as expected failures."""
    import pytest

    return [
        pytest.param(
            name,
            persona,
            id=f"{name}-{persona}",
            marks=[pytest.mark.xfail(reason=issues[name, persona], strict=False)]
            if (name, persona) in issues
            else [],
        )
        for name, persona in CASES
    ]
