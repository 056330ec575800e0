"""The directory page: search, filters, zone of intervention, sorting, pagination, bad input."""

import pytest
from django.urls import reverse

from partners.models import Category, Partner
from portal.models import Commune, Department, Region
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    EPCIFactory,
    PartnerFactory,
    RegionFactory,
    TerritoryFactory,
    reference,
)

pytestmark = pytest.mark.django_db
URL = reverse("partners:list")


def names(response):
    return [partner.name for partner in response.context["page"].object_list]


def test_directory_is_public_and_lists_partners(client, france_travail, bergerac_partner):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Cluster.b", "France Travail Angoulême"]
    assert "2 partenaires" in response.text
    # Results show category, commune, phone, publics and themes.
    assert "France Travail" in response.text and "Angoulême" in response.text
    assert "05 00 00 00 10" in response.text
    assert "Demandeurs d&#x27;emploi" in response.text and "Mobilité" in response.text


@pytest.mark.parametrize(
    "query",
    ["angouleme", "ANGOULÊME", "Angoulême", "pole emploi", "PÔLE", "atelier cv", "mobilite"],
)
def test_search_ignores_case_and_accents_and_finds_other_names(client, france_travail, query):
    response = client.get(URL, {"q": query})
    assert names(response) == ["France Travail Angoulême"]


def test_search_needs_every_word(client, france_travail):
    assert names(client.get(URL, {"q": "pole bergerac"})) == []


def test_search_looks_in_description_and_services(client, france_travail, bergerac_partner):
    assert names(client.get(URL, {"q": "créé en 2017"})) == ["Cluster.b"]
    assert names(client.get(URL, {"q": "ateliers"})) == ["France Travail Angoulême"]


def test_search_column_follows_edits(client, france_travail):
    france_travail.also_known_as = "ANPE"
    france_travail.save()
    assert names(client.get(URL, {"q": "pole emploi"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"public": "jeunes"}, ["France Travail Angoulême"]),
        ({"public": "employeurs"}, ["Cluster.b"]),
        ({"theme": "recruter"}, ["Cluster.b"]),
        ({"theme": "mobilite"}, ["France Travail Angoulême"]),
        ({"category": "club-entreprises"}, ["Cluster.b"]),
        ({"category": "caf"}, []),
        ({"scale": "local"}, ["Cluster.b", "France Travail Angoulême"]),
        ({"scale": "national"}, []),
        ({"accueil": "en-presentiel"}, ["Cluster.b", "France Travail Angoulême"]),
        ({"accueil": "a-distance"}, []),
    ],
)
def test_each_filter(client, france_travail, bergerac_partner, params, expected):
    assert names(client.get(URL, params)) == expected


def test_reception_mode_filter_remote(client, france_travail, bergerac_partner):
    Partner.objects.filter(pk=bergerac_partner.pk).update(reception_remote=True)
    assert names(client.get(URL, {"accueil": "a-distance"})) == ["Cluster.b"]


@pytest.fixture
def elsewhere():
    """A commune in another department and region, outside both territories."""
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    department = DepartmentFactory(code="69", name="Rhône", region=region)
    return CommuneFactory(
        insee_code="69123", name="Lyon", department=department, epci=EPCIFactory()
    )


def test_zone_by_commune_territory_department_region_country(client, territory, soyaux, elsewhere):
    by_commune = PartnerFactory(name="Par commune", territory=territory)
    by_commune.zone_communes.set([soyaux])
    by_territory = PartnerFactory(name="Par territoire", territory=territory)
    by_territory.zone_territories.set([territory])
    by_department = PartnerFactory(name="Par département", territory=territory)
    by_department.zone_departments.set([Department.objects.get(code="16")])
    by_region = PartnerFactory(name="Par région", territory=territory)
    by_region.zone_regions.set([Region.objects.get(code="75")])
    PartnerFactory(name="National", territory=territory, is_national=True)
    PartnerFactory(name="Seulement Lyon", territory=territory, commune=elsewhere)

    soyaux_results = names(client.get(URL, {"commune": "Soyaux"}))
    assert soyaux_results == [
        "National",
        "Par commune",
        "Par département",
        "Par région",
        "Par territoire",
    ]
    champniers = names(client.get(URL, {"commune": "16102"}))
    assert "Par commune" not in champniers and "Par territoire" in champniers
    assert names(client.get(URL, {"commune": "Lyon (69123)"})) == ["National", "Seulement Lyon"]


def test_commune_filter_accepts_datalist_label_code_and_name(client, france_travail, angouleme):
    for value in ["Angoulême (16015)", "16015", "angouleme", "  ANGOULÊME "]:
        response = client.get(URL, {"commune": value})
        assert names(response) == ["France Travail Angoulême"], value


def test_commune_datalist_is_limited_to_the_current_territory(referent_client, other_territory):
    response = referent_client.get(URL)
    options = response.context["commune_options"]
    assert "Angoulême (16015)" in options and "Bergerac (24037)" not in options
    assert options.count("<option") == 3
    assert 'list="communes-connues"' in response.text


def test_ambiguous_commune_name_asks_for_the_code(client, territory):
    CommuneFactory(insee_code="16998", name="Saint-Martin")
    CommuneFactory(insee_code="16999", name="Saint-Martin")
    response = client.get(URL, {"commune": "saint martin"})
    assert "précisez son code INSEE" not in response.text  # "saint martin" is no name
    response = client.get(URL, {"commune": "Saint-Martin"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "précisez son code INSEE" in response.text


def test_sorting_by_commune_and_by_verification(client, france_travail, bergerac_partner):
    assert names(client.get(URL, {"tri": "commune"})) == ["France Travail Angoulême", "Cluster.b"]
    Partner.objects.filter(pk=france_travail.pk).update(verified_at=None)
    assert names(client.get(URL, {"tri": "verification"})) == [
        "Cluster.b",
        "France Travail Angoulême",
    ]


def test_pagination_keeps_the_search(client, territory):
    for number in range(25):
        PartnerFactory(territory=territory, name=f"Mission {number:02d}", slug=f"mission-{number}")
    response = client.get(URL, {"q": "mission", "page": 2})
    assert names(response) == [f"Mission {number:02d}" for number in range(20, 25)]
    assert "Page 2 sur 2" in response.text
    assert "?q=mission&amp;page=1" in response.text
    # A page number out of range or not a number shows a valid page, never an error.
    assert client.get(URL, {"q": "mission", "page": "999"}).status_code == 200
    assert client.get(URL, {"q": "mission", "page": "abc"}).status_code == 200


def test_empty_result_suggests_widening_filters(client, france_travail):
    response = client.get(URL, {"q": "astronaute"})
    assert "0 partenaire" in response.text
    assert "Aucun partenaire ne correspond" in response.text
    assert "Élargissez la recherche" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"commune": "Atlantide"},
        {"commune": "99999"},
        {"public": "martiens"},
        {"theme": "<script>"},
        {"category": "' OR 1=1 --"},
        {"scale": "galactique"},
        {"accueil": "telepathie"},
        {"tri": "DROP TABLE"},
        {"q": "x" * 2000},
    ],
)
def test_bad_input_gives_a_message_never_an_error(client, france_travail, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "La recherche n'a pas pu aboutir" in response.text


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>", "'; DROP TABLE partners_partner; --", "%", "_", "\\"]
)
def test_html_and_sql_in_the_query_are_harmless_and_escaped(client, france_travail, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert names(response) == []
    assert Partner.objects.filter(pk=france_travail.pk).exists()


def test_html_in_partner_data_is_escaped(client, territory):
    PartnerFactory(territory=territory, name="<b>Gras</b>", description="<img src=x>")
    response = client.get(URL)
    assert "<b>Gras</b>" not in response.text
    assert "&lt;b&gt;Gras&lt;/b&gt;" in response.text


def test_selects_keep_the_choices_and_escape_the_labels(client, territory):
    from partners.models import Public

    Public.objects.create(slug="a-et-b", label="Jeunes & <seniors>", position=99)
    response = client.get(URL, {"public": "a-et-b", "scale": "local", "tri": "commune"})
    text = response.text
    assert '<option value="a-et-b" selected>Jeunes &amp; &lt;seniors&gt;</option>' in text
    assert '<option value="local" selected>' in text
    assert '<option value="commune" selected>commune</option>' in text
    assert text.count(" selected>") == 3  # the others are absent from the query: none chosen


def test_page_is_accessible_plain_html(client, france_travail):
    response = client.get(URL, {"q": "pole"})
    text = response.text
    assert text.count("<h1") == 1
    assert 'role="search"' in text and 'method="get"' in text
    for name in ["q", "commune", "public", "theme", "category", "scale", "accueil", "tri"]:
        assert f'for="id_{name}"' in text
    assert "<script>" not in text and " style=" not in text and " onclick=" not in text


def test_outdated_and_due_flags_in_results(client, territory):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    PartnerFactory(territory=territory, name="Ancien", verified_at=now - timedelta(days=800))
    PartnerFactory(territory=territory, name="En retard", verified_at=now - timedelta(days=200))
    PartnerFactory(territory=territory, name="À jour", verified_at=now - timedelta(days=10))
    text = client.get(URL).text
    assert text.count("probablement obsolète") == 1
    assert text.count(">à vérifier<") == 1


def test_category_unknown_to_standard_still_filterable(client, territory):
    PartnerFactory(
        territory=territory, name="Club", category=reference(Category, "club-entreprises")
    )
    assert names(client.get(URL, {"category": "club-entreprises"})) == ["Club"]


def test_other_territory_partner_is_in_the_public_directory(client, bergerac_partner):
    other = TerritoryFactory(slug="autre")
    PartnerFactory(territory=other, name="Ailleurs")
    assert names(client.get(URL)) == ["Ailleurs", "Cluster.b"]
    assert Commune.objects.count() >= 1
