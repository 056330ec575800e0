"""What a territory's members see follows its coordination's consent (issue 10, item 9), and the
orientation helper ranks by proximity and names the needs no partner meets (item 15)."""

from html import unescape

import pytest
from django.urls import reverse

from partners.models import Contact, NetworkMembership
from portal.models import Department
from referents.models import OrientationCount
from tests.factories import CommuneFactory, DepartmentFactory, ReferentFactory
from tests.referents.conftest import make_partner
from tests.referents.test_orientation import boxes


@pytest.fixture
def pushed(other_territory, territory):
    """A Bergerac partner whose zone names Grand Angoulême (set before zones were limited)."""
    partner = make_partner(
        other_territory,
        "france-service",
        "France services de Bergerac",
        publics=["jeunes"],
        themes=["numerique"],
    )
    partner.zone_territories.add(territory)
    Contact.objects.create(partner=partner, first_name="Paul", last_name="Démo-Poussé")
    return partner


def test_partner_of_another_territory_enters_our_pages_only_once_accepted(
    referent_client, pushed, territory, soyaux
):
    referent = ReferentFactory(commune=soyaux)
    guide = reverse("referents:guide", args=[territory.slug])
    pages = [guide, guide + f"?commune={soyaux.pk}", referent.get_absolute_url()]
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    interview = {"commune": soyaux.pk, names["A besoin d'aide avec le numérique"]: "on"}

    def shown():
        texts = [referent_client.get(page).text for page in pages]
        orientation = referent_client.post(
            reverse("referents:orientation", args=[territory.slug]), interview
        )
        matches = [match.partner for match in orientation.context["matches"]]
        return (
            [pushed.name in text for text in texts],
            ["Démo-Poussé" in text for text in texts],
            pushed in matches,
        )

    assert shown() == ([False] * 3, [False] * 3, False)
    NetworkMembership.objects.create(territory=territory, partner=pushed)
    assert shown() == ([True] * 3, [True] * 3, True)


def test_orientation_ranks_the_nearest_first(
    referent_client, territory, other_territory, communes, soyaux
):
    """Nearest first, whatever the number of needs met: a partner whose address is in the
    Dordogne never comes above a Charente one for a Charente commune."""
    dordogne = DepartmentFactory(code="24", name="Dordogne")
    mouleydier = CommuneFactory(insee_code="24256", name="Mouleydier", department=dordogne)
    far = make_partner(
        other_territory,
        "france-service",
        "Bergerac tout en un",
        publics=["jeunes"],
        themes=["numerique", "mobilite"],
        commune=mouleydier,
    )
    far.zone_departments.add(Department.objects.get(code="16"))
    NetworkMembership.objects.create(territory=territory, partner=far)
    near = make_partner(
        territory,
        "france-service",
        "Angouleme numerique et mobilite",
        themes=["numerique", "mobilite"],
        commune=communes[0],
    )
    here = make_partner(
        territory, "france-service", "Soyaux mobilite", themes=["mobilite"], commune=soyaux
    )
    remote = make_partner(territory, "france-travail", "Ligne 3949", publics=["jeunes"])
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    response = referent_client.post(
        reverse("referents:orientation", args=[territory.slug]),
        {
            "commune": soyaux.pk,
            names["A moins de 26 ans"]: "on",
            names["A besoin d'aide avec le numérique"]: "on",
            names["A besoin d'une solution de mobilité"]: "on",
        },
    )
    # Soyaux itself, then the same EPCI, then the territory (zone, no address), then Dordogne.
    assert [match.partner for match in response.context["matches"]] == [here, near, remote, far]


def test_a_need_without_partner_is_named_and_counted(
    territory, as_persona, referent_client, soyaux, mission_locale
):
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    response = referent_client.post(
        reverse("referents:orientation", args=[territory.slug]),
        {
            "commune": soyaux.pk,
            names["A besoin d'aide avec le numérique"]: "on",
            names["A besoin d'une solution de mobilité"]: "on",
        },
    )
    assert [match.partner for match in response.context["matches"]] == [mission_locale]
    assert "Numérique : aucun partenaire connu pour ce besoin à Soyaux." in response.text
    assert "Mobilité : aucun partenaire connu" not in response.text
    count = OrientationCount.objects.get()
    assert [theme.slug for theme in count.unmet_needs.all()] == ["numerique"]
    assert {theme.slug for theme in count.needs.all()} == {"numerique", "mobilite"}
    row = (
        as_persona("coordinator")
        .get(reverse("referents:observatory", args=[territory.slug]))
        .context["rows"][0]
    )
    assert row["unmet"] == [("Numérique", "moins de 5")]  # one interview: not shown as 1


def test_no_partner_at_all_names_every_need(territory, referent_client, soyaux):
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    response = referent_client.post(
        reverse("referents:orientation", args=[territory.slug]),
        {"commune": soyaux.pk, names["A besoin d'aide avec le numérique"]: "on"},
    )
    assert response.context["matches"] == []
    assert "Numérique : aucun partenaire connu pour ce besoin à Soyaux." in response.text


def test_the_helper_says_honestly_what_it_asks_about_age(referent_client, territory):
    text = unescape(
        referent_client.get(reverse("referents:orientation", args=[territory.slug])).text
    )
    assert "ne sont jamais demandés" not in text
    assert "Quel âge avez-vous" not in text
    assert (
        "La personne a-t-elle moins de 26 ans ? Cette réponse sert seulement à proposer la "
        "Mission locale ; elle n'est pas enregistrée." in text
    )
