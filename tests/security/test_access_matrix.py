"""Access-control matrix: every named URL of the site × every persona → the expected status.

The URL list is read from the URL conf, so a new view without a row in EXPECTED fails
`test_every_url_has_an_expectation`: nobody can add a page and forget to decide who sees it.

Objects all belong to the coordinator's territory (Grand Angoulême): the coordinator of the
other territory must get a 404 wherever an object or a territory is named. Pages that work on
"the current territory" are called with `?territoire=grand-angouleme` for the same reason.

The member without territory (an account attached to none, not staff) gets the same 404 wherever
a territory or an object is named; the pages of "the current territory", reached as from the
menu (no `?territoire=`), answer them with the page that explains how to get attached
(`test_current_territory_pages_without_a_territory`), never a 404.

This is the one place that says who may reach what: per-view tests cover behaviour, and a test
that needs what a persona may do reads it here with `expected(name, persona)`. POST is checked
too (see `Expect`): a refused POST must change no row of the database.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.models import Commune, Invitation, Membership
from referents import renewals
from referents.digest import unsubscribe_token as digest_token
from referents.invitations import unsubscribe_token
from referents.models import OutlineSection
from referents.registrations import cancel_token
from referents.services import calendar_feed
from referents.urls import LEGACY_PATHS
from tests.conftest import PERSONAS  # the order of the columns of `get()`
from tests.factories import (
    ActionFactory,
    AxisFactory,
    CompanyContactFactory,
    ContactFactory,
    ErrorReportFactory,
    EstablishmentFactory,
    ExchangeFactory,
    IndicatorFactory,
    MeetingFactory,
    MembershipFactory,
    NeedFactory,
    PartnerFactory,
    PublicEventFactory,
    ReferentFactory,
    RegistrationFactory,
    ReminderFactory,
    RoadmapFactory,
    ServiceFactory,
    SignalFactory,
    StepFactory,
)

LOGIN = "login"  # a redirect to the sign-in page
ADMIN_LOGIN = "admin_login"  # a redirect to the admin's sign-in page
NO_TERRITORY = "no_territory"  # 200, the page "your account is attached to no territory yet"


REFUSED = {LOGIN, ADMIN_LOGIN, NO_TERRITORY, 403, 404, 405}  # answers that write nothing


@dataclass(frozen=True)
class Expect:
    """Statuses for GET (one per persona, in PERSONAS order) and, for POST-only views, for
    POST with an empty body. Other views answer POST as GET for every persona refused on GET.
    A refused POST writes nothing; an accepted one is rolled back before the next persona."""

    get: tuple
    post: dict = field(default_factory=dict)

    def posts(self):
        if self.post:
            return self.post
        answers = zip(PERSONAS, self.get, strict=True)
        return {persona: status for persona, status in answers if status in REFUSED}


def get(visitor, referent, coordinator, other, without_territory, staff):
    return Expect((visitor, referent, coordinator, other, without_territory, staff))


PUBLIC = get(200, 200, 200, 200, 200, 200)
SIGNED_IN = get(LOGIN, 200, 200, 200, 200, 200)  # any account, whatever its territory
MEMBERS = get(LOGIN, 200, 200, 404, 404, 200)  # members of the object's territory
EDITORS = get(LOGIN, 403, 200, 404, 404, 200)  # coordinators of the object's territory
COORDINATORS = EDITORS  # pages only coordinators read (figures of the network)
GUEST_ONLY = get(200, 302, 302, 302, 302, 302)  # sign-in page: signed-in users go home
# Pages of the user's own territories, without naming one: an account with none is told why.
OWN_TERRITORIES = get(LOGIN, 200, 200, 200, NO_TERRITORY, 200)
OWN_COORDINATION = get(LOGIN, 403, 200, 200, NO_TERRITORY, 200)  # for their own territory
LEGACY_REDIRECT = get(LOGIN, 302, 302, 404, 404, 302)  # an old address: to the new one


def post_only(*, referent=403, coordinator=302, other=404, without_territory=404):
    """A POST-only change: GET is refused (visitors are sent to sign in first)."""
    return Expect(
        get(LOGIN, 405, 405, 405, 405, 405).get,
        {
            "visitor": LOGIN,
            "referent": referent,
            "other_coordinator": other,
            "member_without_territory": without_territory,
            "coordinator": coordinator,
            "staff": coordinator,
        },
    )


EXPECTED = {
    # portal
    "home": get(200, 200, 200, 200, NO_TERRITORY, 200),  # the current territory's page
    "territory_home": MEMBERS,
    "territory_switch": post_only(referent=302, other=302, without_territory=302),
    "login": GUEST_ONLY,
    "logout": post_only(referent=302, other=302, without_territory=302),
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    # a forged invitation link: a clear page (404) for everyone, nothing changed
    # (tests/portal/test_invitations.py: used, expired, cancelled, another account)
    "invitation_accept": get(404, 404, 404, 404, 404, 404),
    "members": EDITORS,  # POST with an empty body shows the form's errors (200)
    "member_remove": EDITORS,  # GET asks for confirmation
    "invitation_resend": post_only(),
    "invitation_cancel": post_only(),
    "legal_notice": PUBLIC,
    "privacy": PUBLIC,
    "accessibility": PUBLIC,
    "health": PUBLIC,
    "admin:index": get(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    # partners: the directory and the records are public, changes are the coordinators'
    "partners:list": PUBLIC,
    "partners:detail": PUBLIC,
    "partners:vcard": PUBLIC,
    "partners:export_json": PUBLIC,
    "partners:export_structures_csv": PUBLIC,  # data·inclusion v1: public information only
    "partners:export_services_json": PUBLIC,
    "partners:export_services_csv": PUBLIC,
    "partners:contact_vcard": MEMBERS,  # contacts are personal data of the territory
    "partners:export_csv": SIGNED_IN,
    "partners:export_xlsx": SIGNED_IN,
    "partners:report": SIGNED_IN,
    "partners:create": OWN_COORDINATION,
    "partners:review": OWN_COORDINATION,
    "partners:update": EDITORS,
    "partners:service_create": EDITORS,
    "partners:service_update": EDITORS,
    "partners:service_delete": EDITORS,  # GET: the confirmation page
    "partners:verify": post_only(),
    "partners:report_resolve": post_only(),
    # a territory's network: its coordination accepts partners of other territories
    "partners:network": EDITORS,
    "partners:legacy_network": LEGACY_REDIRECT,
    "partners:network_accept": post_only(),
    "partners:network_decline": post_only(),
    # companies: the register of the territory's establishments (members read, coordinators add)
    "companies:legacy_list": LEGACY_REDIRECT,
    "companies:legacy_need_list": LEGACY_REDIRECT,
    "companies:list": MEMBERS,
    "companies:map": MEMBERS,
    "companies:export_csv": MEMBERS,
    "companies:export_xlsx": MEMBERS,
    "companies:create": EDITORS,
    "companies:detail": MEMBERS,
    # companies: the follow-up. Référents read the échanges (no private note), the contacts
    # and the open recruitment needs; the rest (forms, history, rappels) is the coordination's.
    "companies:exchange_create": EDITORS,
    "companies:exchange_update": EDITORS,
    "companies:exchange_delete": EDITORS,  # GET asks for confirmation
    "companies:need_create": EDITORS,
    "companies:need": MEMBERS,  # an open recruitment need: référents read it
    "companies:need_update": EDITORS,
    "companies:need_delete": EDITORS,  # GET asks for confirmation
    "companies:need_note_create": post_only(coordinator=400),  # an empty note is bad input
    "companies:need_list": MEMBERS,
    "companies:need_export_csv": MEMBERS,
    "companies:need_export_xlsx": MEMBERS,
    "companies:summary": MEMBERS,
    "companies:reminder_create": EDITORS,
    "companies:reminder_mark": post_only(coordinator=400),  # done=1 or 0 must be said
    "companies:contact_create": EDITORS,
    "companies:contact_update": EDITORS,
    "companies:contact_delete": EDITORS,  # GET asks for confirmation
    "companies:history": EDITORS,  # the history holds the private notes
    # referents
    "referents:list": MEMBERS,
    "referents:detail": MEMBERS,
    "referents:create": EDITORS,
    "referents:update": EDITORS,
    "referents:meeting_list": MEMBERS,
    "referents:meeting_detail": MEMBERS,
    "referents:meeting_create": EDITORS,
    "referents:meeting_update": EDITORS,
    "referents:meeting_attendance": EDITORS,
    "referents:meeting_cancel": EDITORS,  # GET asks; POST deletes it, sends the iTIP CANCEL
    # the unsubscribe link of the rendez-vous e-mails: its signature is the key (no account)
    "referents:unsubscribe": PUBLIC,
    # the weekly digest: one's own choice (any account), and the e-mail's signed link
    "referents:digest_preferences": SIGNED_IN,
    "referents:digest_unsubscribe": PUBLIC,
    "referents:attendance": COORDINATORS,
    "referents:calendar": PUBLIC,  # the secret token in the address is the credential
    "referents:calendar_renew": post_only(),
    # registrations to a public event: personal data, the coordination's only (référents see
    # the counts on the rendez-vous page)
    "referents:meeting_registrations": EDITORS,
    "referents:meeting_registrations_export_csv": EDITORS,
    "referents:meeting_registrations_export_xlsx": EDITORS,
    "referents:guide": MEMBERS,
    "referents:guide_pdf": MEMBERS,
    "referents:orientation": MEMBERS,
    "referents:observatory": COORDINATORS,
    "referents:outline": MEMBERS,
    "referents:outline_install": post_only(),
    "referents:section_create": EDITORS,
    "referents:section_update": EDITORS,
    "referents:section_delete": post_only(),
    "referents:renewal": COORDINATORS,
    "referents:renewal_addresses": COORDINATORS,
    "referents:renewal_letters": COORDINATORS,  # the secret links of every commune
    "referents:renewal_send": post_only(),
    "referents:renewal_remind": post_only(),
    "referents:renewal_close": post_only(),
    "referents:renewal_reopen": EDITORS,  # GET asks, POST gives a new link (site: answered)
    "referents:renewal_answer": PUBLIC,  # the mairie's secret link is the credential
    # communes: public pages (members of the commune's territory see more: tests/referents)
    "communes:search": PUBLIC,
    "communes:detail": PUBLIC,
    # the old référents addresses (territory from ?territoire= or the session) redirect to the
    # new ones (slug in the path) once the territory is found visible; test_legacy_* below.
    **{f"referents:legacy_{name}": LEGACY_REDIRECT for _, name in LEGACY_PATHS},
    # public events: every territory's, for everyone (the cancel link's signature is its key)
    "events:list": PUBLIC,
    "events:detail": PUBLIC,
    "events:ics": PUBLIC,
    "events:feed": PUBLIC,
    "events:feed_all": PUBLIC,
    "events:cancel": PUBLIC,
    # the read API (/api/v1/): public data only, for everyone; "api-root" is its documentation
    "api:api-root": PUBLIC,
    "api:schema": PUBLIC,
    "api:structures": PUBLIC,
    "api:services": PUBLIC,
    "api:evenements": PUBLIC,
    "api:feuilles_de_route": PUBLIC,  # the published ones only (tests/api/test_roadmaps.py)
    # an unpublished roadmap's actions: « aucune feuille de route publiée » (PUBLISHED below)
    "api:feuille_de_route_actions": get(404, 404, 404, 404, 404, 404),
    "sitemap": PUBLIC,  # the public pages only (tests/api/test_sitemap.py)
    "robots": PUBLIC,
    # roadmaps. Visitors read the published roadmaps' list; accounts, their territories' (and
    # the others' published ones). A roadmap's page, dashboard, PDF and actions are MEMBERS
    # while it is unpublished (this site) and PUBLIC once published (PUBLISHED below).
    "roadmaps:list": get(200, 200, 200, 200, NO_TERRITORY, 200),
    "roadmaps:publication": EDITORS,  # GET says what visitors will see and asks
    "roadmaps:detail": MEMBERS,
    "roadmaps:versions": MEMBERS,
    "roadmaps:dashboard": MEMBERS,
    "roadmaps:dashboard_pdf": MEMBERS,
    "roadmaps:export_csv": MEMBERS,
    "roadmaps:export_xlsx": MEMBERS,
    "roadmaps:action": MEMBERS,
    "roadmaps:update": EDITORS,
    "roadmaps:axis_create": EDITORS,
    "roadmaps:axis_update": EDITORS,
    "roadmaps:action_create": EDITORS,
    "roadmaps:action_update": EDITORS,
    "roadmaps:step_create": EDITORS,
    "roadmaps:progress_create": EDITORS,
    "roadmaps:indicator_create": EDITORS,
    "roadmaps:indicator_value_create": EDITORS,
    "roadmaps:facts_update": EDITORS,
    "roadmaps:validate": EDITORS,  # GET asks for confirmation
    "roadmaps:axis_move": post_only(),
    "roadmaps:action_move": post_only(),
    "roadmaps:action_move_axis": post_only(coordinator=400),  # an empty body is bad input
    "roadmaps:step_mark": post_only(coordinator=400),
    "roadmaps:need_action": post_only(),  # an empty body unlinks: nothing to unlink here
    # signaux faibles: every member records and reads them; the author (here the coordinator)
    # and the coordination edit one; only the coordination triages, groups, makes an action
    "roadmaps:signals": MEMBERS,
    "roadmaps:signal_create": MEMBERS,
    "roadmaps:signal": MEMBERS,
    "roadmaps:signal_update": EDITORS,
    "roadmaps:signal_triage": EDITORS,
    "roadmaps:signal_action": EDITORS,
    "roadmaps:signal_group": EDITORS,
    "roadmaps:signal_ungroup": post_only(),  # not grouped: nothing to do, back to the signal
    "roadmaps:signal_trends": MEMBERS,
}

# The same URLs once the site's roadmap is published (`test_published_roadmap_matrix`): its
# public pages open to everyone, everything else as in EXPECTED.
PUBLISHED = {
    **EXPECTED,
    "roadmaps:detail": PUBLIC,
    "roadmaps:dashboard": PUBLIC,
    "roadmaps:dashboard_pdf": PUBLIC,
    "roadmaps:action": PUBLIC,
    "api:feuille_de_route_actions": PUBLIC,
}

# Pages of "the current territory": the territory is named in the query string.
TERRITORY_IN_QUERY = {
    "companies:legacy_list",
    "companies:legacy_need_list",
    "partners:legacy_network",
    *(f"referents:legacy_{name}" for _, name in LEGACY_PATHS),
}

# Pages of one territory named by the slug in their path (`territory_slug`).
TERRITORY_IN_PATH = {
    "territory_home",
    "members",
    *(f"referents:{name}" for _, name in LEGACY_PATHS),
}


def url_names(patterns=None, namespace=None):
    """Every named URL of the URL conf, namespaced; of the admin, only its index."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                yield "admin:index"
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


URL_NAMES = sorted(set(url_names()))


class _NoPDF:
    """Stands for weasyprint.HTML: who may download a PDF does not depend on its layout."""

    def __init__(self, *args, **kwargs):
        pass

    def write_pdf(self, *args, **kwargs):
        return b"%PDF-1.7 (test)"


@pytest.fixture(autouse=True)
def no_pdf_rendering(monkeypatch):
    monkeypatch.setattr("weasyprint.HTML", _NoPDF)


@pytest.fixture
def site(territory, other_territory, coordinator):
    """One object of each kind, in the coordinator's territory."""
    angouleme = Commune.objects.get(insee_code="16015")
    partner = PartnerFactory(territory=territory, name="Mission locale", slug="mission-locale")
    partner.zone_territories.add(territory)
    # A partner of the other territory whose zone covers this one: proposed to its network.
    foreign = PartnerFactory(territory=other_territory, slug="cap-emploi-dordogne")
    foreign.zone_territories.add(territory)
    roadmap = RoadmapFactory(territory=territory)
    axis = AxisFactory(roadmap=roadmap, number=1)
    AxisFactory(roadmap=roadmap, number=2)
    action = ActionFactory(axis=axis, number=1)
    ActionFactory(axis=axis, number=2)
    referent = ReferentFactory(commune=angouleme)
    establishment = EstablishmentFactory(commune=angouleme)
    event = PublicEventFactory(territory=territory)
    # Angoulême has answered: its link says so, its answer may be reopened.
    renewal = renewals.start_campaign(territory=territory, title="Élections 2026").communes.get(
        commune=angouleme
    )
    renewal.answered_at = timezone.now()
    renewal.save(update_fields=["answered_at"])
    invitation = Invitation(territory=territory, email="invitee@example.org", role="referent")
    invitation.new_secret()
    invitation.save()
    return {
        "territory": territory,
        "partner": partner,
        "foreign_partner": foreign,
        "contact": ContactFactory(partner=partner),
        "service": ServiceFactory(partner=partner),
        "report": ErrorReportFactory(partner=partner, reported_by=coordinator),
        "roadmap": roadmap,
        "axis": axis,
        "action": action,
        "step": StepFactory(action=action),
        "indicator": IndicatorFactory(action=action),
        "referent": referent,
        "commune": angouleme,
        "establishment": establishment,
        "exchange": ExchangeFactory(
            establishment=establishment, territory=territory, private_note="Difficultés"
        ),
        "need": NeedFactory(establishment=establishment, territory=territory),
        "reminder": ReminderFactory(
            establishment=establishment, territory=territory, person=coordinator
        ),
        "company_contact": CompanyContactFactory(establishment=establishment, territory=territory),
        "meeting": MeetingFactory(territory=territory),
        "event": event,
        "registration": RegistrationFactory(meeting=event),
        "section": OutlineSection.objects.create(territory=territory, title="Situation"),
        "feed": calendar_feed(territory=territory),
        "renewal": renewal,
        "signal": SignalFactory(territory=territory, author=coordinator),
        "other_signal": SignalFactory(territory=territory, author=coordinator),
        "membership": MembershipFactory(territory=territory, role=Membership.Role.REFERENT),
        "invitation": invitation,
    }


def url_kwargs(name, site):
    """The URL's arguments, naming the objects of `site`."""
    slug = site["territory"].slug
    action = {"slug": slug, "pk": site["action"].pk}
    arguments = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "lien-perime"},
        "invitation_accept": {"token": "lien-invente"},
        "member_remove": {"territory_slug": slug, "pk": site["membership"].pk},
        "invitation_resend": {"territory_slug": slug, "pk": site["invitation"].pk},
        "invitation_cancel": {"territory_slug": slug, "pk": site["invitation"].pk},
        "partners:detail": {"slug": site["partner"].slug},
        "partners:update": {"slug": site["partner"].slug},
        "partners:verify": {"slug": site["partner"].slug},
        "partners:report": {"slug": site["partner"].slug},
        "partners:vcard": {"slug": site["partner"].slug},
        "partners:contact_vcard": {"slug": site["partner"].slug, "pk": site["contact"].pk},
        "partners:report_resolve": {"pk": site["report"].pk},
        "partners:service_create": {"slug": site["partner"].slug},
        "partners:service_update": {"slug": site["partner"].slug, "pk": site["service"].pk},
        "partners:service_delete": {"slug": site["partner"].slug, "pk": site["service"].pk},
        "partners:network": {"territory": slug},
        "partners:network_accept": {"territory": slug, "slug": site["foreign_partner"].slug},
        "partners:network_decline": {"territory": slug, "slug": site["foreign_partner"].slug},
        "companies:detail": {"siret": site["establishment"].siret},
        "companies:list": {"territory": slug},
        "companies:map": {"territory": slug},
        "companies:export_csv": {"territory": slug},
        "companies:export_xlsx": {"territory": slug},
        "companies:create": {"territory": slug},
        "companies:need_list": {"territory": slug},
        "companies:need_export_csv": {"territory": slug},
        "companies:need_export_xlsx": {"territory": slug},
        "companies:summary": {"territory": slug},
        "companies:exchange_create": {"siret": site["establishment"].siret},
        "companies:need_create": {"siret": site["establishment"].siret},
        "companies:reminder_create": {"siret": site["establishment"].siret},
        "companies:contact_create": {"siret": site["establishment"].siret},
        "companies:history": {"siret": site["establishment"].siret},
        "companies:exchange_update": {
            "siret": site["establishment"].siret,
            "pk": site["exchange"].pk,
        },
        "companies:exchange_delete": {
            "siret": site["establishment"].siret,
            "pk": site["exchange"].pk,
        },
        "companies:need": {"pk": site["need"].pk},
        "companies:need_update": {"pk": site["need"].pk},
        "companies:need_delete": {"pk": site["need"].pk},
        "companies:need_note_create": {"pk": site["need"].pk},
        "companies:reminder_mark": {
            "siret": site["establishment"].siret,
            "pk": site["reminder"].pk,
        },
        "companies:contact_update": {
            "siret": site["establishment"].siret,
            "pk": site["company_contact"].pk,
        },
        "companies:contact_delete": {
            "siret": site["establishment"].siret,
            "pk": site["company_contact"].pk,
        },
        "roadmaps:need_action": {"slug": slug, "pk": site["need"].pk},
        "referents:detail": {"pk": site["referent"].pk},
        "referents:update": {"pk": site["referent"].pk},
        "referents:meeting_detail": {"pk": site["meeting"].pk},
        "referents:meeting_update": {"pk": site["meeting"].pk},
        "referents:meeting_attendance": {"pk": site["meeting"].pk},
        "referents:meeting_cancel": {"pk": site["meeting"].pk},
        "referents:unsubscribe": {"token": unsubscribe_token(site["referent"])},
        "referents:digest_unsubscribe": {"token": digest_token(site["report"].reported_by)},
        "referents:calendar": {"territory_slug": slug, "token": site["feed"].token},
        "referents:meeting_registrations": {"pk": site["event"].pk},
        "referents:meeting_registrations_export_csv": {"pk": site["event"].pk},
        "referents:meeting_registrations_export_xlsx": {"pk": site["event"].pk},
        "events:detail": {"pk": site["event"].pk, "slug": site["event"].slug},
        "events:ics": {"pk": site["event"].pk, "slug": site["event"].slug},
        "events:feed": {"territory_slug": slug},
        "events:cancel": {"token": cancel_token(site["registration"])},
        "referents:section_update": {"pk": site["section"].pk},
        "referents:renewal_answer": {"token": site["renewal"].token},
        "referents:renewal_reopen": {
            "territory_slug": slug,
            "insee_code": site["renewal"].commune.insee_code,
        },
        **{
            f"referents:{name}": {"territory_slug": slug}
            for name in (
                "renewal",
                "renewal_addresses",
                "renewal_letters",
                "renewal_send",
                "renewal_remind",
                "renewal_close",
            )
        },
        "referents:section_delete": {"pk": site["section"].pk},
        "api:feuille_de_route_actions": {"territoire": slug},
        "communes:detail": {"insee_code": site["commune"].insee_code, "slug": site["commune"].slug},
        "roadmaps:axis_update": {"slug": slug, "number": 1},
        "roadmaps:axis_move": {"slug": slug, "number": 1, "direction": "descendre"},
        "roadmaps:action_create": {"slug": slug, "number": 1},
        "roadmaps:action": action,
        "roadmaps:action_update": action,
        "roadmaps:action_move_axis": action,
        "roadmaps:action_move": {**action, "direction": "descendre"},
        "roadmaps:step_create": action,
        "roadmaps:step_mark": {**action, "step_pk": site["step"].pk},
        "roadmaps:progress_create": action,
        "roadmaps:indicator_create": action,
        "roadmaps:indicator_value_create": {**action, "indicator_pk": site["indicator"].pk},
        **{
            f"roadmaps:{name}": {"slug": slug, "pk": site["signal"].pk}
            for name in (
                "signal",
                "signal_update",
                "signal_triage",
                "signal_action",
                "signal_group",
                "signal_ungroup",
            )
        },
    }
    if name in arguments:
        return arguments[name]
    if name.startswith("roadmaps:") and name != "roadmaps:list":
        return {"slug": slug}
    if name in TERRITORY_IN_PATH:
        return {"territory_slug": slug}
    return {}


def url_for(name, site):
    url = reverse(name, kwargs=url_kwargs(name, site))
    if name in TERRITORY_IN_QUERY:
        url += f"?territoire={site['territory'].slug}"
    return url


def outcome(response):
    """The status, with redirects to a sign-in page told apart from other redirects, and the
    "no territory yet" page told apart from other pages."""
    if response.status_code == 200 and "portal/no_territory.html" in template_names(response):
        return NO_TERRITORY
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            # Back to the page asked for once signed in.
            wanted = response.wsgi_request.get_full_path()
            return LOGIN if parse_qs(urlsplit(location).query).get("next") == [wanted] else location
    return response.status_code


def template_names(response):
    return {template.name for template in response.templates}


def expected(name, persona):
    """What `persona` gets on GET of the URL named `name`: persona tests read it from here."""
    return dict(zip(PERSONAS, EXPECTED[name].get, strict=True))[persona]


def snapshot():
    """Every row of the project's own tables but the accounts (signing in sets `last_login`)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for label in ["portal", "partners", "companies", "referents", "roadmaps"]
        for model in apps.get_app_config(label).get_models()
        if model._meta.label != "portal.User"
    }


def test_every_url_has_an_expectation():
    missing = [name for name in URL_NAMES if name not in EXPECTED]
    assert not missing, f"URLs without a row in EXPECTED (decide who may see them): {missing}"
    stale = [name for name in EXPECTED if name not in URL_NAMES]
    assert not stale, f"Rows of EXPECTED for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_access_matrix(name, site, as_persona):
    expect = EXPECTED.get(name)
    if expect is None:
        pytest.fail(f"{name} has no row in EXPECTED")
    url = url_for(name, site)
    got = {persona: outcome(as_persona(persona).get(url)) for persona in PERSONAS}
    # POST with an empty body: the refused personas first, and nothing may be written.
    wanted_post = expect.posts()
    before = snapshot()
    got_post = {}
    for persona, status in wanted_post.items():
        if status in REFUSED:
            answer = outcome(as_persona(persona).post(url))
            # A view that answers GET only may refuse the method before looking at the persona.
            got_post[persona] = status if answer == 405 and not expect.post else answer
    assert snapshot() == before, f"a refused POST to {url} wrote to the database"
    for persona, status in wanted_post.items():
        if status not in REFUSED:
            with transaction.atomic():  # each accepted POST starts from the same site
                got_post[persona] = outcome(as_persona(persona).post(url))
                transaction.set_rollback(True)
    assert (got, got_post) == (dict(zip(PERSONAS, expect.get, strict=True)), wanted_post), url


ROADMAP_URLS = [
    name
    for name in URL_NAMES
    if name.startswith("roadmaps:") or name == "api:feuille_de_route_actions"
]


@pytest.mark.parametrize("name", ROADMAP_URLS)
def test_published_roadmap_matrix(name, site, as_persona):
    """Published, the roadmap's public pages are open to every persona (visitors and members
    of other territories read the public variant); every other roadmap URL is unchanged."""
    from roadmaps.models import Roadmap

    Roadmap.objects.filter(pk=site["roadmap"].pk).update(
        status=Roadmap.Status.VALIDATED, is_published=True
    )
    url = url_for(name, site)
    got = {persona: outcome(as_persona(persona).get(url)) for persona in PERSONAS}
    assert got == dict(zip(PERSONAS, PUBLISHED[name].get, strict=True)), url


@pytest.mark.parametrize("name", sorted(TERRITORY_IN_QUERY))
def test_current_territory_pages_without_a_territory(name, site, as_persona):
    """Reached as from the menu (no `?territoire=`), every page of "the current territory"
    explains to a member without territory what is missing, for GET or (POST-only views) POST,
    and changes nothing; with `?territoire=` it is the 404 of the matrix above."""
    client = as_persona("member_without_territory")
    url = reverse(name, kwargs=url_kwargs(name, site))
    feed_token = site["feed"].token
    if EXPECTED[name].post:
        assert (outcome(client.get(url)), outcome(client.post(url))) == (405, NO_TERRITORY)
    else:
        assert outcome(client.get(url)) == NO_TERRITORY
    assert calendar_feed(territory=site["territory"]).token == feed_token
    assert list(OutlineSection.objects.all()) == [site["section"]]


# (old URL name, new URL name, the new URL's keyword for the territory)
LEGACY_URLS = [
    *(
        (f"referents:legacy_{name}", f"referents:{name}", "territory_slug")
        for _, name in LEGACY_PATHS
    ),
    ("partners:legacy_network", "partners:network", "territory"),
]


@pytest.mark.parametrize(("old_name", "name", "kwarg"), LEGACY_URLS)
def test_legacy_addresses_redirect_to_the_slug_in_the_path(old_name, name, kwarg, site, as_persona):
    """An old address (bookmark, shared link) keeps working: the territory it meant
    (`?territoire=`, else the current one) moves into the path, other parameters are kept;
    a POST keeps its method and body (307)."""
    slug = site["territory"].slug
    new = reverse(name, kwargs={kwarg: slug})
    old_url = reverse(old_name)
    assert new != old_url
    client = as_persona("coordinator")
    named = client.get(old_url, {"territoire": slug, "commune": "7", "q": ["a", "b"]})
    assert (named.status_code, named["Location"]) == (302, f"{new}?commune=7&q=a&q=b")
    current = client.get(old_url)
    assert (current.status_code, current["Location"]) == (302, new)
    posted = client.post(f"{old_url}?territoire={slug}")
    assert (posted.status_code, posted["Location"]) == (307, new)
    assert client.get(old_url, {"territoire": "pas un slug"}).status_code == 404


def test_the_old_home_address_of_a_territory_redirects(site, as_persona):
    slug = site["territory"].slug
    new = reverse("territory_home", kwargs={"territory_slug": slug})
    response = as_persona("coordinator").get("/", {"territoire": slug})
    assert (response.status_code, response["Location"]) == (302, new)
    assert outcome(as_persona("other_coordinator").get("/", {"territoire": slug})) == 404
    assert outcome(as_persona("visitor").get("/", {"territoire": slug})) == 200
