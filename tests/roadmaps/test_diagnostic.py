"""Coordinators edit the diagnostic indicators in the portal; years read « 2019 »."""

import decimal
import re

import pytest
from django.urls import reverse

from roadmaps.models import DiagnosticIndicator

SLUG = "grand-angouleme"
URL = reverse("roadmaps:facts_update", args=[SLUG])


@pytest.fixture
def fact(roadmap):
    return DiagnosticIndicator.objects.create(
        roadmap=roadmap, label="Taux de chômage", value=decimal.Decimal("9.4"), unit="%", year=2019
    )


def management(total, initial):
    return {
        "indicateurs-TOTAL_FORMS": str(total),
        "indicateurs-INITIAL_FORMS": str(initial),
        "indicateurs-MIN_NUM_FORMS": "0",
        "indicateurs-MAX_NUM_FORMS": "100",
    }


def row(index, fact=None, **values):
    data = {"label": "", "value": "", "unit": "", "year": "", "source": "", "position": "0"}
    if fact is not None:
        data |= {
            "id": str(fact.pk),
            "label": fact.label,
            "value": str(fact.value),
            "unit": fact.unit,
            "year": str(fact.year or ""),
            "source": fact.source,
            "position": str(fact.position),
        }
    data |= values
    return {f"indicateurs-{index}-{key}": value for key, value in data.items()}


def facts():
    return list(DiagnosticIndicator.objects.order_by("pk").values())


def test_roadmap_page_shows_year_without_thousands_separator(coordinator_client, fact):
    html = coordinator_client.get(reverse("roadmaps:detail", args=[SLUG])).content.decode()
    assert "<td>2019</td>" in html
    assert "2\xa0019" not in html and "2 019" not in html
    assert URL in html  # the coordinator's way in, from the roadmap page


def test_referent_sees_no_edit_link_and_gets_403(referent_client, fact):
    html = referent_client.get(reverse("roadmaps:detail", args=[SLUG])).content.decode()
    assert URL not in html
    assert referent_client.get(URL).status_code == 403
    response = referent_client.post(URL, management(1, 1) | row(0, fact, label="Piraté"))
    assert response.status_code == 403
    assert DiagnosticIndicator.objects.get().label == "Taux de chômage"


def test_other_territory_gets_404(other_coordinator_client, fact):
    assert other_coordinator_client.get(URL).status_code == 404
    response = other_coordinator_client.post(URL, management(1, 1) | row(0, fact, label="x"))
    assert response.status_code == 404
    assert DiagnosticIndicator.objects.get().label == "Taux de chômage"


def test_form_lists_the_indicators_with_blank_rows(coordinator_client, fact):
    response = coordinator_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Taux de chômage"' in html
    assert 'value="2019"' in html
    assert html.count("Nouvel indicateur") == 2


def test_coordinator_adds_changes_and_deletes(coordinator_client, roadmap, fact):
    gone = DiagnosticIndicator.objects.create(roadmap=roadmap, label="Ancien", value=1)
    data = (
        management(3, 2)
        | row(0, fact, value="8.1", year="2023")
        | row(1, gone, DELETE="on")
        | row(2, label="Part des non-diplômés", value="21", unit="%", year="2020", source="Insee")
    )
    response = coordinator_client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("roadmaps:detail", args=[SLUG]) + "#phases"
    rows = [(f.label, f.value, f.year, f.roadmap_id) for f in DiagnosticIndicator.objects.all()]
    assert rows == [
        ("Taux de chômage", decimal.Decimal("8.10"), 2023, roadmap.pk),
        ("Part des non-diplômés", decimal.Decimal("21.00"), 2020, roadmap.pk),
    ]
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Part des non-diplômés" in page and "<td>2020</td>" in page


def test_a_double_submit_adds_the_new_indicator_once(coordinator_client, roadmap):
    page = coordinator_client.get(URL).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    data = management(1, 0) | row(0, label="Taux d'emploi", value="64") | {"submission": token}
    first = coordinator_client.post(URL, data)
    second = coordinator_client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert list(roadmap.facts.values_list("label", flat=True)) == ["Taux d'emploi"]


def test_bad_input_gets_french_messages_and_changes_nothing(coordinator_client, fact):
    before = facts()
    data = (
        management(2, 1)
        | row(0, fact, value="beaucoup", year="19")
        | row(1, label="", value="12", year="2019")
    )
    response = coordinator_client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez un nombre." in html
    assert "Indiquez une année à quatre chiffres, par exemple 2019." in html
    assert "Ce champ est obligatoire." in html
    assert facts() == before


def test_row_of_another_roadmap_cannot_be_named(coordinator_client, fact, other_roadmap):
    foreign = DiagnosticIndicator.objects.create(roadmap=other_roadmap, label="CADET", value=3)
    before = facts()
    response = coordinator_client.post(URL, management(1, 1) | row(0, foreign, label="Volé"))
    assert response.status_code == 400
    assert "Un des indicateurs n&#x27;existe plus" in response.content.decode()
    assert facts() == before


def test_missing_management_form_is_a_400_not_a_500(coordinator_client, fact):
    response = coordinator_client.post(URL, {"indicateurs-0-label": "x"})
    assert response.status_code == 400
    assert DiagnosticIndicator.objects.count() == 1


@pytest.mark.parametrize("count", [1, 20])
def test_form_page_queries_do_not_grow_with_the_indicators(
    coordinator_client, roadmap, count, django_assert_num_queries
):
    DiagnosticIndicator.objects.bulk_create(
        DiagnosticIndicator(roadmap=roadmap, label=f"Indicateur {n}", value=n, year=2019)
        for n in range(count)
    )
    # 1 session, 2 user, 3 memberships with their territories, 4 roadmap with its territory,
    # 5 its indicators
    with django_assert_num_queries(5):
        response = coordinator_client.get(URL)
    assert response.content.decode().count('value="2019"') == count
