"""The API's tests: a few partners, services and events of two territories, and a checker that
validates each answer against the API's own OpenAPI description (/api/v1/schema/)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from portal.models import Commune
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    PartnerFactory,
    PublicEventFactory,
    RegistrationFactory,
    ServiceFactory,
)


@pytest.fixture
def openapi(client, db):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    return OpenAPI.from_dict(response.json())


@pytest.fixture
def checked(openapi):
    """check(response): the answer validates against the OpenAPI description; returns it."""

    def check(response):
        openapi.validate_response(
            DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )
        return response

    return check


@pytest.fixture
def world(territory, other_territory):
    """Partners of both territories with services and contacts (personal data that must never
    show), public events (one with a registration), an internal meeting and a past event."""
    angouleme = Commune.objects.get(insee_code="16015")
    soyaux = Commune.objects.get(insee_code="16374")
    bergerac = Commune.objects.get(insee_code="24037")
    mission = PartnerFactory(
        territory=territory,
        name="Mission locale de l'Angoumois",
        slug="mission-locale-angoumois",
        commune=angouleme,
        address="12 rue de Paris",
        postal_code="16000",
        description="Accompagnement des jeunes de 16 à 25 ans.",
        publics=["jeunes"],
        themes=["trouver-un-emploi"],
    )
    soyaux_partner = PartnerFactory(territory=territory, slug="pole-soyaux", commune=soyaux)
    cluster = PartnerFactory(territory=other_territory, slug="cluster-b", commune=bergerac)
    for partner in (mission, soyaux_partner, cluster):
        ContactFactory(partner=partner, first_name="Zéphyrine", last_name="Démo-Rivière")
        ServiceFactory(
            partner=partner,
            themes=["trouver-un-emploi--repondre-a-des-offres-demploi"],
            publics=["jeunes"],
        )
    now = timezone.now()
    forum = PublicEventFactory(
        territory=territory, host=mission, starts_at=now + timedelta(days=3), title="Forum"
    )
    RegistrationFactory(meeting=forum, name="Camille Secrète", email="camille.secrete@example.org")
    dating = PublicEventFactory(
        territory=territory,
        commune=soyaux,
        place="Salle des fêtes de Soyaux",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=2),
        registration_wanted=False,
    )
    bergerac_event = PublicEventFactory(
        territory=other_territory, commune=bergerac, starts_at=now + timedelta(days=8)
    )
    internal = MeetingFactory(territory=territory, agenda="Point confidentiel")
    past = PublicEventFactory(territory=territory, starts_at=now - timedelta(days=2))
    return {
        "partners": [mission, soyaux_partner, cluster],
        "events": [forum, dating, bergerac_event],
        "internal": internal,
        "past": past,
    }
