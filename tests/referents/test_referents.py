from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from portal.models import Membership
from referents.models import Referent
from referents.services import save_referent
from tests.factories import MembershipFactory, ReferentFactory


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def referent_data(commune, **overrides):
    data = {
        "first_name": "Lina",
        "last_name": "Testeuse",
        "role": "elu",
        "function": "maire",
        "email": "lina@example.org",
        "phone": "01 99 00 00 01",
        "commune": commune.pk,
        "mandate_start": "2026-01-01",
        "mandate_end": "",
        "user": "",
    }
    data.update(overrides)
    return data


def test_network_shows_coverage_and_contacts(territory, referent_client, pair, communes):
    response = referent_client.get(reverse("referents:list", args=[territory.slug]))
    assert response.context["coverage"] == {
        "total": 3,
        "none": 2,
        "one": 0,
        "pair": 1,
        "covered": 1,
        "rate": 33,
    }
    assert pair[0].email in response.content.decode()


def test_network_filters(territory, referent_client, pair, communes):
    url = reverse("referents:list", args=[territory.slug])
    names = lambda r: [row["commune"].name for row in r.context["rows"]]  # noqa: E731
    assert names(referent_client.get(url + "?couverture=aucun")) == ["Angoulême", "Champniers"]
    assert names(referent_client.get(url + "?couverture=binome")) == ["Soyaux"]
    assert names(referent_client.get(url + "?q=angouleme")) == ["Angoulême"]
    assert names(referent_client.get(url + f"?q={pair[1].last_name}")) == ["Soyaux"]
    assert names(referent_client.get(url + "?role=technicien")) == ["Soyaux"]


def test_former_referents_leave_the_directory(territory, referent_client, soyaux):
    ReferentFactory(commune=soyaux, mandate_start=date(2014, 4, 1), mandate_end=date(2020, 6, 30))
    response = referent_client.get(reverse("referents:list", args=[territory.slug]))
    assert response.context["coverage"]["covered"] == 0


def test_network_page_is_kept_per_kind_of_viewer(
    territory, referent, coordinator, other_coordinator, pair, communes
):
    """A référent's copy, served again to a colleague, never carries the coordination's links;
    a new référent shows at once; another territory's coordinator gets a 404, even once kept."""
    url = reverse("referents:list", args=[territory.slug])
    add = reverse("referents:create", args=[territory.slug])
    colleague = MembershipFactory(territory=territory, role=Membership.Role.REFERENT).user
    assert add not in signed_in(referent).get(url).text
    response = signed_in(colleague).get(url)
    assert response.wsgi_request.page_cache == "hit"
    assert add not in response.text
    response = signed_in(coordinator).get(url)
    assert response.wsgi_request.page_cache == "miss"
    assert add in response.text
    assert signed_in(other_coordinator).get(url).status_code == 404
    ReferentFactory(commune=communes[0], last_name="Nouvelle-Venue")
    assert "Nouvelle-Venue" in signed_in(referent).get(url).text


def test_network_page_reads_only_its_filters(territory, referent_client, pair):
    url = reverse("referents:list", args=[territory.slug])
    response = referent_client.get(url, {"couverture": "binome", "utm_source": "lettre"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?couverture=binome"
    assert "Soyaux" in referent_client.get(response["Location"]).text
    kept = referent_client.get(url, {"couverture": "aucun"})
    assert kept.wsgi_request.page_cache == "miss"  # each filter has its own copy
    assert "Soyaux</a>" not in kept.text


def test_coordinator_adds_a_referent(territory, coordinator_client, soyaux):
    response = coordinator_client.post(
        reverse("referents:create", args=[territory.slug]), referent_data(soyaux)
    )
    referent = Referent.objects.get()
    assert response.status_code == 302 and referent.commune == soyaux


def test_third_active_referent_is_refused(territory, coordinator_client, pair, soyaux):
    response = coordinator_client.post(
        reverse("referents:create", args=[territory.slug]), referent_data(soyaux)
    )
    assert response.status_code == 200
    assert "déjà deux référents" in response.content.decode()
    assert Referent.objects.count() == 2


def test_third_referent_accepted_once_a_mandate_ends(territory, coordinator_client, pair, soyaux):
    pair[0].mandate_end = date(2025, 12, 31)
    pair[0].save()
    coordinator_client.post(
        reverse("referents:create", args=[territory.slug]), referent_data(soyaux)
    )
    assert Referent.objects.count() == 3


def test_service_refuses_a_third_referent_without_the_form(pair, soyaux):
    with pytest.raises(ValidationError):
        save_referent(referent=Referent(first_name="A", last_name="B", commune=soyaux))
    assert Referent.objects.count() == 2


def test_mandate_ending_before_it_starts_is_refused(territory, coordinator_client, soyaux):
    data = referent_data(soyaux, mandate_start="2026-03-01", mandate_end="2026-02-01")
    response = coordinator_client.post(reverse("referents:create", args=[territory.slug]), data)
    assert "ne peut pas précéder son début" in response.content.decode()
    assert not Referent.objects.exists()


def test_database_refuses_mandate_ending_before_start(soyaux):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferentFactory(
            commune=soyaux, mandate_start=date(2026, 3, 1), mandate_end=date(2026, 1, 1)
        )


def test_crafted_commune_of_another_territory_is_refused(
    territory, coordinator_client, other_territory
):
    bergerac = other_territory.communes.get()
    response = coordinator_client.post(
        reverse("referents:create", args=[territory.slug]), referent_data(bergerac)
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Referent.objects.exists()


def test_referent_page_lists_partners_serving_the_commune(
    referent_client, pair, mission_locale, next_meeting
):
    response = referent_client.get(pair[0].get_absolute_url())
    content = response.content.decode()
    assert mission_locale.name in content and next_meeting.title in content


def test_referent_update_keeps_pair(coordinator_client, pair, soyaux):
    data = referent_data(
        soyaux, first_name="Nouveau", last_name=pair[0].last_name, mandate_start="2020-07-01"
    )
    response = coordinator_client.post(reverse("referents:update", args=[pair[0].pk]), data)
    assert response.status_code == 302
    pair[0].refresh_from_db()
    assert pair[0].first_name == "Nouveau"
