"""The page a signed-in account attached to no territory gets wherever a territory is needed
(portal.views.no_territory, reached through access.NoTerritory), instead of a bare 404."""

import html5lib
import pytest
from django.test import override_settings
from django.urls import reverse

from portal.models import Membership, Territory
from tests.factories import MembershipFactory, PartnerFactory, TerritoryFactory, UserFactory
from tests.portal.test_pages import assert_in_layout

pytestmark = pytest.mark.django_db

TEMPLATE = "portal/no_territory.html"
H1 = "<h1>Votre compte n'est rattaché à aucun territoire</h1>"

# Pages that need a territory, reached as from the menu (the old référents addresses, without
# ?territoire=: the menu links to them for an account without a current territory).
PAGES = [
    "home",
    "referents:legacy_list",
    "referents:legacy_create",
    "referents:legacy_meeting_list",
    "referents:legacy_meeting_create",
    "referents:legacy_attendance",
    "referents:legacy_guide",
    "referents:legacy_guide_pdf",
    "referents:legacy_orientation",
    "referents:legacy_observatory",
    "referents:legacy_outline",
    "referents:legacy_section_create",
    "roadmaps:list",
    "partners:create",
    "partners:review",
]


def templates_of(response):
    return [template.name for template in response.templates]


@pytest.mark.parametrize("name", PAGES)
def test_pages_needing_a_territory_explain_it(member_without_territory_client, territory, name):
    response = member_without_territory_client.get(reverse(name))
    assert response.status_code == 200
    assert TEMPLATE in templates_of(response)
    assert H1 in response.text
    assert_in_layout(response)


def test_page_says_whom_to_ask_and_what_remains(member_without_territory_client):
    response = member_without_territory_client.get(reverse("referents:legacy_list"))
    html = response.text
    assert "Demandez à la coordination de votre territoire" in html
    assert "<strong>sans.territoire</strong>" in html  # the account to attach
    assert 'href="mailto:contact@maillage.example.org"' in html  # settings.MAILLAGE
    for name in ["partners:list", "accessibility", "privacy", "legal_notice", "password_change"]:
        assert f'href="{reverse(name)}"' in html, name
    assert reverse("admin:portal_territory_from_epci") not in html
    assert "no-store" in response["Cache-Control"]  # a signed-in page, as any other
    html5lib.HTMLParser(strict=True).parse(response.content)


@override_settings(MAILLAGE={"CONTACT_EMAIL": ""})
def test_page_without_a_site_contact_leaves_the_address_out(member_without_territory_client):
    response = member_without_territory_client.get(reverse("referents:legacy_list"))
    assert "Demandez à la coordination de votre territoire" in response.text
    assert "mailto:" not in response.text


def test_post_to_a_change_of_the_current_territory_explains_and_writes_nothing(
    member_without_territory_client, territory
):
    response = member_without_territory_client.post(reverse("referents:legacy_outline_install"))
    assert response.status_code == 200
    assert TEMPLATE in templates_of(response)
    assert not territory.outline_sections.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/?territoire=grand-angouleme",
        "/referents/?territoire=grand-angouleme",
        "/referents/guide/?territoire=grand-angouleme",
        "/referents/grand-angouleme/",
        "/referents/grand-angouleme/guide/",
        "/feuilles-de-route/grand-angouleme/",
        "/referents/?territoire=n-existe-pas",
    ],
)
def test_a_named_territory_stays_a_404(member_without_territory_client, territory, url):
    assert member_without_territory_client.get(url).status_code == 404


def test_once_attached_the_same_address_shows_the_territory(
    member_without_territory_client, member_without_territory, territory
):
    url = reverse("referents:legacy_list")
    assert TEMPLATE in templates_of(member_without_territory_client.get(url))
    MembershipFactory(
        user=member_without_territory, territory=territory, role=Membership.Role.REFERENT
    )
    response = member_without_territory_client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("referents:list", args=[territory.slug]), 302)]
    assert "referents/network.html" in templates_of(response)


def test_members_never_see_it(as_persona, territory, other_territory):
    for persona in ["referent", "coordinator", "other_coordinator", "staff"]:
        response = as_persona(persona).get(reverse("referents:legacy_list"), follow=True)
        assert response.status_code == 200, persona
        assert TEMPLATE not in templates_of(response), persona


def test_staff_are_told_to_create_a_territory_while_none_exists(staff_client):
    assert not Territory.objects.exists()
    for url in [reverse("home"), reverse("referents:legacy_list"), reverse("roadmaps:list")]:
        response = staff_client.get(url)
        assert response.status_code == 200
        assert "Aucun territoire n'a encore été créé" in response.text
        assert f'href="{reverse("admin:portal_territory_from_epci")}"' in response.text
        assert "Demandez à la coordination" not in response.text


@pytest.fixture(params=[1, 10], ids=["small", "ten-times"])
def portal_size(request, territory, other_territory):
    """Other territories, their members and partners: none of them may cost a query."""
    for index in range(request.param):
        extra = TerritoryFactory()
        MembershipFactory(user=UserFactory(), territory=extra)
        PartnerFactory(territory=extra, name=f"Partenaire {index}", slug=f"partenaire-{index}")
    return request.param


@pytest.mark.parametrize(
    "name", ["home", "referents:legacy_list", "roadmaps:list", "partners:create"]
)
def test_query_count_is_constant(
    member_without_territory_client, portal_size, django_assert_num_queries, name
):
    # 1 session, 2 user, 3 memberships (none: the territory list is then empty, no query)
    with django_assert_num_queries(3):
        response = member_without_territory_client.get(reverse(name))
    assert TEMPLATE in templates_of(response)
