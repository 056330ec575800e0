"""The portal pages: home, legal pages, territory switcher, health check (who may reach them:
tests/security/test_access_matrix.py)."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from portal import access
from portal.models import Membership
from tests.conftest import PERSONAS
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    EstablishmentFactory,
    MembershipFactory,
    ReminderFactory,
    SignalFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LEGAL_PAGES = {
    "/mentions-legales/": [
        "Mentions légales",
        "Éditeur",
        "Directeur de la publication",
        "Hébergeur",
    ],
    "/donnees-personnelles/": [
        "Responsable de traitement",
        "Finalités",
        "Base légale",
        "Destinataires et sous-traitants",
        "Durée de conservation",
        "Vos droits",
        "dpo@maillage.example.org",
    ],
    "/accessibilite/": ["Déclaration d'accessibilité", "non conforme", "Voies de recours"],
}

# What the home page shows each persona: its territory, and how the user is named in it.
HOME = {
    "referent": ("Grand Angoulême", "vous êtes référent ou référente"),
    "coordinator": ("Grand Angoulême", "vous êtes coordinateur ou coordinatrice"),
    "other_coordinator": ("Grand Bergeracois", "vous êtes coordinateur ou coordinatrice"),
    "staff": ("Grand Angoulême", "administration"),
}


def assert_in_layout(response):
    """The page is in the site's layout: French, landmarks, skip link, one h1, the footer."""
    html = response.text
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert 'href="#contenu"' in html
    assert '<main id="contenu"' in html
    assert "<header" in html
    assert "<footer" in html
    assert "Accessibilité : non conforme" in html
    assert 'href="/mentions-legales/"' in html
    assert 'href="/donnees-personnelles/"' in html


# Home


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_visitor_home_explains_portal_and_sets_no_cookie(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_in_layout(response)
    assert "Maillage est le portail du réseau territorial" in response.text
    assert f'href="{reverse("login")}"' in response.text
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("persona", ["referent", "coordinator", "other_coordinator", "staff"])
def test_member_home_shows_their_territory(as_persona, persona, territory, other_territory):
    response = as_persona(persona).get("/")
    name, role = HOME[persona]
    assert response.status_code == 200
    assert_in_layout(response)
    assert f"<h1>{name}</h1>" in response.text
    assert role in response.text
    slug = {"Grand Angoulême": territory.slug, "Grand Bergeracois": other_territory.slug}[name]
    for url in [
        reverse("partners:list"),
        reverse("referents:list", args=[slug]),
        reverse("roadmaps:list"),
    ]:
        assert f'href="{url}"' in response.text


def test_member_home_shows_figures_derived_from_the_communes(referent_client, territory):
    response = referent_client.get("/")
    # 41 000 + 9 500 + 5 600 inhabitants, summed from the communes (French thousands separator).
    assert "56\N{NO-BREAK SPACE}100" in response.text
    assert "64\N{NO-BREAK SPACE}000" in response.text  # jobs
    assert "mécatronique, filière de l&#x27;image" in response.text
    assert "CA du Grand Angoulême" in response.text
    assert response.context["figures"] == {"commune_count": 3, "population": 56100}


def test_only_staff_see_the_administration_link(as_persona, territory):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link in as_persona("staff").get("/").text
    for persona in ["visitor", "referent", "coordinator"]:
        assert admin_link not in as_persona(persona).get("/").text


def test_member_without_territory_is_told_to_ask_the_coordination(client):
    client.force_login(UserFactory(username="sans.territoire"))
    response = client.get("/")
    assert response.status_code == 200
    assert "rattaché à aucun territoire" in response.text


def test_home_query_count_is_constant(
    django_assert_num_queries, referent_client, referent, territory
):
    # 1 session, 2 user, 3 memberships with their territories (roles and menu), 4 content
    # versions (page cache), 5 the territory, 6 its EPCIs, 7 communes and population (one
    # aggregate); from the cache, the first four only
    url = reverse("territory_home", args=[territory.slug])
    with django_assert_num_queries(7):
        referent_client.get(url)
    with django_assert_num_queries(4):
        assert referent_client.get(url).wsgi_request.page_cache == "hit"
    epci = territory.epcis.get()
    CommuneFactory.create_batch(50, epci=epci)
    other_epcis = EPCIFactory.create_batch(5)
    territory.epcis.add(*other_epcis)
    for other in other_epcis:
        CommuneFactory.create_batch(5, epci=other)
    for _ in range(5):
        MembershipFactory(user=referent, territory=TerritoryFactory())
    with django_assert_num_queries(7):
        response = referent_client.get(url)
    assert response.context["figures"]["commune_count"] == 3 + 50 + 25
    with django_assert_num_queries(4):
        response = referent_client.get(url)
    assert "78 communes" not in response.text and ">78<" in response.text  # from the cache


def test_coordinator_home_from_the_cache_renders_only_the_panels(
    django_assert_num_queries, coordinator_client, coordinator, territory
):
    """The panels are rendered for each request, in one query each (rappels, signals)."""
    url = reverse("territory_home", args=[territory.slug])
    with django_assert_num_queries(9):
        coordinator_client.get(url)
    with django_assert_num_queries(6):
        coordinator_client.get(url)
    establishment = EstablishmentFactory(commune=territory.communes.first())
    ReminderFactory.create_batch(
        10, territory=territory, person=coordinator, establishment=establishment
    )
    SignalFactory.create_batch(10, territory=territory)
    coordinator_client.get(url)
    with django_assert_num_queries(6):
        response = coordinator_client.get(url)
    assert response.text.count("Rappeler l&#x27;entreprise") == 10


def test_the_home_page_is_shared_by_colleagues_but_not_their_rappels(
    territory, other_territory, coordinator, referent, other_coordinator
):
    """Two coordinators of a territory share its home page from the cache; each sees their own
    rappels, a new one at once; a référent and another territory's coordinator get their own
    copies (or none: a territory one is not a member of is a 404, even when kept)."""
    colleague = MembershipFactory(territory=territory, role=Membership.Role.COORDINATOR).user
    establishment = EstablishmentFactory(commune=territory.communes.first())
    ReminderFactory(
        territory=territory, person=coordinator, establishment=establishment, text="Rappel de A"
    )
    url = reverse("territory_home", args=[territory.slug])
    mine, theirs = signed_in(coordinator), signed_in(colleague)
    assert "Rappel de A" in mine.get(url).text
    response = theirs.get(url)
    assert response.wsgi_request.page_cache == "hit"
    assert "Mes rappels" in response.text
    assert "Rappel de A" not in response.text
    ReminderFactory(
        territory=territory, person=colleague, establishment=establishment, text="Rappel de B"
    )
    assert "Rappel de B" in theirs.get(url).text
    assert "Rappel de B" not in mine.get(url).text
    page = signed_in(referent).get(url)
    assert page.wsgi_request.page_cache == "miss"
    assert "vous êtes référent ou référente" in page.text
    assert "Mes rappels" not in page.text and "Signaux faibles" not in page.text
    assert signed_in(other_coordinator).get(url).status_code == 404
    other = signed_in(other_coordinator).get(reverse("territory_home", args=[other_territory.slug]))
    assert other.wsgi_request.page_cache == "miss"
    assert "<h1>Grand Bergeracois</h1>" in other.text


# Legal pages


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", list(LEGAL_PAGES))
def test_legal_pages_have_their_content_for_everyone(as_persona, persona, url):
    response = as_persona(persona).get(url)
    assert response.status_code == 200
    assert_in_layout(response)
    for text in LEGAL_PAGES[url]:
        assert text in response.text


@pytest.mark.parametrize("url", list(LEGAL_PAGES))
def test_legal_pages_set_no_cookie_for_visitors(client, url):
    assert client.get(url).cookies == {}


@pytest.mark.parametrize("url", ["/", *LEGAL_PAGES])
def test_public_pages_refuse_post(client, url):
    assert client.post(url).status_code in {403, 405}


# Territory switcher


@pytest.fixture
def two_territories_user(territory, other_territory):
    user = UserFactory(username="deux.territoires")
    MembershipFactory(user=user, territory=territory, role=Membership.Role.COORDINATOR)
    MembershipFactory(user=user, territory=other_territory, role=Membership.Role.REFERENT)
    return user


def test_switcher_lists_the_users_territories(client, two_territories_user):
    client.force_login(two_territories_user)
    response = client.get("/")
    # \s+: the template formatter (djlint) may put each attribute on its own line
    assert re.search(r'<select\s+id="choix-territoire"\s+name="territoire"', response.text)
    assert '<option value="grand-angouleme" selected>Grand Angoulême</option>' in response.text
    assert '<option value="grand-bergeracois">Grand Bergeracois</option>' in response.text
    assert "<h1>Grand Angoulême</h1>" in response.text


def test_switching_territory_changes_the_current_territory(client, two_territories_user):
    client.force_login(two_territories_user)
    response = client.post(
        reverse("territory_switch"), {"territoire": "grand-bergeracois", "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.get("/")
    assert "<h1>Grand Bergeracois</h1>" in response.text
    assert "vous êtes référent ou référente" in response.text
    assert '<option value="grand-bergeracois" selected>' in response.text


def test_cannot_switch_to_a_territory_one_does_not_belong_to(client, territory, other_territory):
    user = UserFactory(username="un.territoire")
    MembershipFactory(user=user, territory=territory)
    MembershipFactory(user=user, territory=TerritoryFactory(name="Pays de Cognac", slug="cognac"))
    client.force_login(user)

    response = client.post(
        reverse("territory_switch"), {"territoire": "grand-bergeracois"}, follow=True
    )

    assert "Vous ne faites pas partie de ce territoire." in response.text
    assert "<h1>Grand Angoulême</h1>" in response.text
    assert access.SESSION_KEY not in client.session


def test_a_stale_territory_in_the_session_falls_back_to_the_first(client, two_territories_user):
    client.force_login(two_territories_user)
    session = client.session
    session[access.SESSION_KEY] = 999999
    session.save()
    assert "<h1>Grand Angoulême</h1>" in client.get("/").text


def test_switcher_does_not_redirect_elsewhere(client, two_territories_user):
    client.force_login(two_territories_user)
    response = client.post(
        reverse("territory_switch"),
        {"territoire": "grand-bergeracois", "next": "https://ailleurs.example/"},
    )
    assert response["Location"] == "/"


def test_switcher_is_post_only_and_needs_an_account(client, two_territories_user):
    response = client.post(reverse("territory_switch"), {"territoire": "grand-angouleme"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(two_territories_user)
    assert client.get(reverse("territory_switch")).status_code == 405


def test_a_single_territory_is_shown_without_switcher(referent_client, territory):
    response = referent_client.get("/")
    assert 'id="choix-territoire"' not in response.text
    assert '<span class="navbar-text current-territory">Grand Angoulême</span>' in response.text


def test_staff_may_switch_to_any_territory(staff_client, territory, other_territory):
    staff_client.post(reverse("territory_switch"), {"territoire": "grand-bergeracois"})
    assert "<h1>Grand Bergeracois</h1>" in staff_client.get("/").text


# Health check


def test_health_answers_200_when_the_database_answers(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert response.cookies == {}


def test_health_answers_503_when_the_database_is_down(client):
    with mock.patch("portal.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert "base de données indisponible" in response.text


# A territory's own address (Territory.get_absolute_url)


def test_territory_address_shows_that_territory(client, two_territories_user, other_territory):
    client.force_login(two_territories_user)
    response = client.get(other_territory.get_absolute_url())
    assert response.status_code == 200
    assert "<h1>Grand Bergeracois</h1>" in response.text


def test_unknown_territory_address_is_404(referent_client):
    assert referent_client.get("/territoires/nulle-part/").status_code == 404
    assert referent_client.get("/?territoire=nulle-part").status_code == 404
    assert referent_client.get("/?territoire=../%3Cb%3E").status_code == 404


def test_old_territory_address_redirects_to_the_slug_in_the_path(client, two_territories_user):
    client.force_login(two_territories_user)
    response = client.get("/?territoire=grand-bergeracois")
    assert response.status_code == 302
    assert response["Location"] == "/territoires/grand-bergeracois/"
    # The plain home page still shows the current territory, under its own address too.
    assert "<h1>Grand Angoulême</h1>" in client.get("/").text


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
