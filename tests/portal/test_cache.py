"""Pages kept in the cache (portal/cache.py): served again only to whoever would see the same
page, with their own header, messages and CSRF token, and stale as soon as the content changes."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import ErrorReport, Public
from portal import cache
from portal.imports import import_communes
from portal.models import Membership
from portal.security import LAST_ACTIVITY_KEY
from roadmaps.models import Action
from tests.factories import (
    ActionFactory,
    AxisFactory,
    ContactFactory,
    MembershipFactory,
    PartnerFactory,
    RoadmapFactory,
    UserFactory,
    reference,
)
from tests.portal.official_files import official_files
from tests.security.test_access_matrix import EXPECTED, site, url_for  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A creation form's token, new at each display (portal/submissions.py).
SUBMISSION_INPUT = re.compile(r'name="submission" value="([^"]+)"')


def without_tokens(response):
    return SUBMISSION_INPUT.sub("", CSRF_INPUT.sub("", response.content.decode()))


@pytest.fixture
def partner(territory):
    partner = PartnerFactory(territory=territory, name="Mission locale Démo", slug="ml-demo")
    partner.zone_territories.set([territory])
    ContactFactory(partner=partner, first_name="Inès", last_name="Contact-Secret")
    return partner


@pytest.fixture
def roadmap(territory):
    roadmap = RoadmapFactory(territory=territory)
    ActionFactory(axis=AxisFactory(roadmap=roadmap, number=1), number=1, title="Micro-forums")
    return roadmap


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_second_request_is_served_from_the_cache(
    coordinator_client, partner, django_assert_max_num_queries
):
    url = partner.get_absolute_url()
    first = coordinator_client.get(url)
    with django_assert_max_num_queries(4):  # session, user, memberships, content version
        second = coordinator_client.get(url)
    assert second.status_code == 200
    assert without_tokens(second) == without_tokens(first)
    assert "Contact-Secret" in second.text


def test_contacts_kept_for_members_never_reach_others(
    coordinator_client, partner, other_coordinator, client
):
    assert "Contact-Secret" in coordinator_client.get(partner.get_absolute_url()).text
    client.logout()
    assert "Contact-Secret" not in client.get(partner.get_absolute_url()).text
    other = signed_in(other_coordinator)
    assert "Contact-Secret" not in other.get(partner.get_absolute_url()).text


def test_people_with_the_same_access_share_pages_and_others_do_not(
    territory, roadmap, coordinator, referent, django_assert_max_num_queries
):
    colleague = MembershipFactory(territory=territory, role=Membership.Role.COORDINATOR).user
    url = reverse("roadmaps:detail", args=[territory.slug])
    edit = reverse("roadmaps:update", args=[territory.slug])
    assert edit in signed_in(coordinator).get(url).text
    colleague_client = signed_in(colleague)  # signing in changes no content
    with django_assert_max_num_queries(4):
        assert edit in colleague_client.get(url).text
    # A référent of the same territory gets their own page, without the coordinator's links.
    assert edit not in signed_in(referent).get(url).text


def header(response):
    return re.search(r"<header.*?</header>", response.text, re.S)[0]


def test_a_header_is_rendered_once_for_what_it_shows(territory, partner, coordinator):
    """The header is kept per process for each set of values it shows: a visitor's per app (its
    active link) and language, a member's also per person, territory and page; its CSRF tokens
    are each request's own. No visitor gets a member's, no member another's."""
    cache._HEADERS.clear()
    visitor = Client()
    member = signed_in(coordinator)
    colleague = signed_in(
        MembershipFactory(
            territory=territory, user=UserFactory(first_name="Zoé", last_name="Collègue")
        ).user
    )
    member_header = header(member.get(reverse("partners:list")))
    directory = header(visitor.get(reverse("partners:list")))
    events = header(visitor.get(reverse("events:list")))
    assert re.search(r'aria-current="page"\s+href="/partenaires/"', directory)
    assert re.search(r'aria-current="page"\s+href="/evenements/"', events)
    assert "Se connecter" in directory and "Se déconnecter" not in directory
    assert "Se déconnecter" in member_header and "Se connecter" not in member_header
    assert len(cache._HEADERS) == 3
    # a partner's record, the same app: the visitors' header kept for the directory
    assert header(visitor.get(partner.get_absolute_url())) == directory
    assert "Se déconnecter" in header(member.get(partner.get_absolute_url()))
    assert len(cache._HEADERS) == 4  # the member's on another page: its own (the switch's next)
    # the same page again: the member's kept copy, with a CSRF token of this request
    again = header(member.get(reverse("partners:list")))
    assert CSRF_INPUT.search(again)[1] != CSRF_INPUT.search(member_header)[1]
    assert CSRF_INPUT.sub("", again) == CSRF_INPUT.sub("", member_header)
    theirs = header(colleague.get(reverse("partners:list")))
    assert "Zoé Collègue" in theirs and "Zoé Collègue" not in again


def test_the_header_and_the_csrf_token_are_the_readers_own(territory, partner, coordinator):
    signed_in(coordinator).get(partner.get_absolute_url())  # kept in the cache
    colleague = MembershipFactory(
        territory=territory,
        role=Membership.Role.COORDINATOR,
        user=UserFactory(username="collegue", first_name="Zoé", last_name="Collègue"),
    ).user
    client = signed_in(colleague, enforce_csrf_checks=True)
    page = client.get(partner.get_absolute_url())
    header = page.text.split("<main")[0]
    assert "Zoé Collègue" in header
    assert (coordinator.get_full_name() or coordinator.username) not in header
    token = CSRF_INPUT.search(page.text).group(1)
    response = client.post(
        reverse("partners:report", args=[partner.slug]),
        {"message": "Nouvel horaire le lundi.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert ErrorReport.objects.get().reported_by == colleague


@pytest.mark.parametrize(
    "change",
    ["save", "m2m", "delete", "roadmap"],
)
def test_a_change_shows_at_once(coordinator_client, territory, partner, roadmap, change):
    urls = [
        partner.get_absolute_url(),
        reverse("partners:list"),
        reverse("roadmaps:detail", args=[territory.slug]),
        reverse("roadmaps:dashboard", args=[territory.slug]),
    ]
    for url in urls:
        coordinator_client.get(url)
    if change == "save":
        partner.name = "Mission locale Renommée"
        partner.save()
        expected, urls = "Mission locale Renommée", urls[:2]
    elif change == "m2m":
        partner.publics.add(reference(Public, "seniors"))
        expected, urls = str(reference(Public, "seniors")), urls[:1]
    elif change == "delete":
        partner.contacts.get().delete()
        expected, urls = "Contact-Secret", urls[:1]
    else:
        dashboard = without_tokens(coordinator_client.get(urls[3]))
        action = roadmap.axes.get().actions.get()
        action.title = "Forum de l'alternance"
        action.status = Action.Status.DONE
        action.save()
        assert without_tokens(coordinator_client.get(urls[3])) != dashboard
        expected, urls = "Forum de l&#x27;alternance", urls[2:3]
    for url in urls:
        text = coordinator_client.get(url).text
        if change == "delete":
            assert expected not in text, url
        else:
            assert expected in text, url


def test_an_import_of_communes_makes_pages_stale():
    communes, epcis = official_files()
    before = cache.content_token()
    import_communes(communes=communes, epcis=epcis)
    assert cache.content_token() != before
    unchanged = cache.content_token()
    import_communes(communes=communes, epcis=epcis)  # nothing to change: the pages stay valid
    assert cache.content_token() == unchanged


def test_a_change_rolled_back_leaves_no_token_for_a_later_change():
    cache.content_changed()
    committed = cache.content_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.content_changed()
        rolled_back = cache.content_token()
        raise RuntimeError
    assert cache.content_token() == committed
    cache.content_changed()
    assert cache.content_token() not in {committed, rolled_back}


def test_a_message_is_shown_on_a_page_from_the_cache(client, coordinator, partner):
    url = reverse("partners:list")
    assert client.get(url).status_code == 200  # kept for visitors
    client.force_login(coordinator)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 24 * 3600
    session.save()
    response = client.get(url)  # the session has expired: a visitor's page, with the notice
    assert "Votre session a expiré" in response.text
    assert "Se connecter" in response.text


def test_sign_in_does_not_make_pages_stale(client, coordinator):
    before = cache.content_token()
    client.post(reverse("login"), {"username": "coordination", "password": "wrong"})
    coordinator.set_password("un-mot-de-passe-solide-2026")
    coordinator.save(update_fields=["password"])
    client.post(
        reverse("login"),
        {"username": "coordination", "password": "un-mot-de-passe-solide-2026"},
    )
    assert "_auth_user_id" in client.session
    assert cache.content_token() == before


def test_the_day_is_part_of_the_key(rf, monkeypatch, territory):
    request = rf.get("/partenaires/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    today = cache.page_key(request)
    monkeypatch.setattr(cache.timezone, "localdate", lambda: datetime.date(2031, 1, 1))
    assert cache.page_key(request) != today


def test_the_cache_can_be_turned_off(
    settings, coordinator_client, partner, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    url = partner.get_absolute_url()
    coordinator_client.get(url)
    # the whole page again, without the content version (+ the services: none; + the
    # communes of the zone's map)
    with django_assert_num_queries(10):
        coordinator_client.get(url)


def test_a_partner_import_makes_pages_stale(territory, other_territory):
    from partners import services
    from tests.partners.test_import import GOOD

    before = cache.content_token()
    assert services.import_partners(data=GOOD.encode(), user=None).created == 2
    assert cache.content_token() != before
    unchanged = cache.content_token()
    assert services.import_partners(data=GOOD.encode(), user=None).updated == 0
    assert cache.content_token() == unchanged


def test_a_pdf_is_laid_out_once_between_two_changes(
    monkeypatch, referent_client, territory, partner, roadmap
):
    from portal import pdf

    laid_out = []
    real = pdf.render_pdf
    monkeypatch.setattr(
        pdf, "render_pdf", lambda *args, **kwargs: laid_out.append(args[0]) or real(*args, **kwargs)
    )
    urls = [
        reverse("referents:guide_pdf", args=[territory.slug]),
        reverse("roadmaps:dashboard_pdf", args=[territory.slug]),
    ]
    first = [referent_client.get(url) for url in urls]
    again = [referent_client.get(url) for url in urls]
    assert len(laid_out) == 2
    for before, after in zip(first, again, strict=True):
        assert after.status_code == 200 and after["Content-Type"] == "application/pdf"
        assert after.content == before.content
        assert after["Content-Disposition"] == before["Content-Disposition"]
    assert "guide-du-referent-grand-angouleme" in again[0]["Content-Disposition"]
    partner.name = "Mission locale Renommée"
    partner.save()
    referent_client.get(urls[0])
    assert len(laid_out) == 3


def test_an_orientation_interview_does_not_make_pages_stale(territory, communes):
    from partners.models import Theme
    from referents.services import count_orientation

    before = cache.content_token()
    count_orientation(territory=territory, commune=communes[0], themes=Theme.objects.all()[:2])
    assert cache.content_token() == before


# The marker the page cache used to replace with each reader's CSRF token (wherever it was).
OLD_MARKER = "maillage-csrf-0b4e7f19"


def test_text_typed_into_a_field_never_receives_a_token(territory, partner, coordinator):
    website = f"https://evil.example/?t={OLD_MARKER}"
    partner.website = website
    partner.description = "<maillage-slot-0:csrf> <!--maillage:header-->"
    partner.save()
    signed_in(coordinator).get(partner.get_absolute_url())  # kept in the cache
    colleague = MembershipFactory(territory=territory, role=Membership.Role.COORDINATOR).user
    page = signed_in(colleague).get(partner.get_absolute_url())
    token = CSRF_INPUT.search(page.text).group(1)  # the coordinator's forms keep their token
    assert f'href="{website}"' in page.text
    assert token not in page.text.replace(f'value="{token}"', "")
    assert "&lt;maillage-slot-0:csrf&gt; &lt;!--maillage:header--&gt;" in page.text


@pytest.mark.parametrize("page", ["directory", "record"])
def test_a_visitor_page_carries_no_csrf_token(client, partner, coordinator, page):
    partner.website = f"https://evil.example/?t={OLD_MARKER}"
    partner.save()
    url = reverse("partners:list") if page == "directory" else partner.get_absolute_url()
    for _ in range(2):  # rendered, then from the cache
        response = client.get(url)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" not in response.text
        assert settings.CSRF_COOKIE_NAME not in response.cookies
        if page == "record":
            assert f"?t={OLD_MARKER}" in response.text


def test_a_page_where_content_adds_a_slot_is_not_kept():
    slots = cache.Slots()
    written = f"<p>{slots.header()}</p>"
    assert slots.cut(written) == ["<p>", "header", "</p>"]
    forged = written + slots.separator + "csrf>"  # as if content had produced a separator
    assert slots.cut(forged) is None


def test_a_page_whose_places_do_not_add_up_is_served_but_not_kept(
    monkeypatch, coordinator_client, partner
):
    monkeypatch.setattr(cache.Slots, "cut", lambda self, html: None)
    for _ in range(2):
        page = coordinator_client.get(partner.get_absolute_url())
        assert page.status_code == 200 and "Contact-Secret" in page.text
        assert "maillage-slot" not in page.text
        assert CSRF_INPUT.search(page.text)  # the reader's own token, rendered directly
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(partner.get_absolute_url())
    assert len(queries) > 4  # rendered again: not served from the cache


def test_unknown_query_parameters_are_redirected_away(referent_client, territory, communes):
    commune = communes[0]
    guide = reverse("referents:guide_pdf", args=[territory.slug])
    response = referent_client.get(guide, {"x": "1"})
    assert response.status_code == 302 and response["Location"] == guide
    response = referent_client.get(f"{guide}?x=1&commune={commune.pk}&y=2")
    assert response["Location"] == f"{guide}?commune={commune.pk}"
    directory = reverse("partners:list")
    response = referent_client.get(f"{directory}?q=mission&utm_source=lettre&page=2")
    assert response["Location"] == f"{directory}?q=mission&page=2"
    detail = reverse("roadmaps:detail", args=[territory.slug])
    assert referent_client.get(f"{detail}?statut=en_cours").status_code == 200
    assert referent_client.get(f"{detail}?statut=en_cours&x=1")["Location"] == (
        f"{detail}?statut=en_cours"
    )


def test_query_variants_of_a_pdf_are_laid_out_once(
    monkeypatch, referent_client, territory, communes, partner
):
    from portal import pdf

    laid_out = []
    real = pdf.render_pdf
    monkeypatch.setattr(
        pdf, "render_pdf", lambda *args, **kwargs: laid_out.append(args[0]) or real(*args, **kwargs)
    )
    guide = reverse("referents:guide_pdf", args=[territory.slug])
    for query in ["x=1", "x=2", "", "x=3&x=4"]:
        response = referent_client.get(f"{guide}?{query}", follow=True)
        assert response["Content-Type"] == "application/pdf"
    assert len(laid_out) == 1
    commune = communes[0].pk
    for query in [f"commune={commune}", f"x=1&commune={commune}", f"commune=0&commune={commune}"]:
        assert referent_client.get(f"{guide}?{query}", follow=True).status_code == 200
    assert len(laid_out) == 2  # one for the whole territory, one for the commune


# Pages where a visitor posts a form: the token is needed there.
VISITOR_FORMS = {
    "login",
    "password_reset",
    "password_reset_confirm",
    "events:detail",  # the registration form
    "events:cancel",  # the button that cancels
    "referents:unsubscribe",  # the button that stops the rendez-vous e-mails
    "referents:digest_unsubscribe",  # the button that stops the weekly digest
    "referents:renewal_answer",  # a mairie's answer to the renewal campaign
}


def test_no_page_a_visitor_opens_carries_a_csrf_token(client, site):  # noqa: F811
    opened = 0
    for name, expect in EXPECTED.items():
        if expect.get[0] != 200 or name in VISITOR_FORMS or name.startswith("admin:"):
            continue
        response = client.get(url_for(name, site))
        assert response.status_code == 200, name
        assert b"csrfmiddlewaretoken" not in response.content, name
        assert settings.CSRF_COOKIE_NAME not in response.cookies, name
        opened += 1
    assert opened >= 5
