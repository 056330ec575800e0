"""Fixtures of the referents tests: partners of the directory, référents, rendez-vous."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import Category, Partner, Public, Theme
from tests.factories import MeetingFactory, ReferentFactory


def make_partner(territory, category_slug, name, *, publics=(), themes=(), **fields):
    partner = Partner.objects.create(
        territory=territory,
        name=name,
        slug=name.lower().replace(" ", "-"),
        category=Category.objects.get(slug=category_slug),
        address="1 rue de la Paix",
        postal_code="16000",
        phone="01 99 00 12 34",
        **fields,
    )
    partner.zone_territories.add(territory)
    partner.publics.set(Public.objects.filter(slug__in=publics))
    partner.themes.set(Theme.objects.filter(slug__in=themes))
    return partner


@pytest.fixture
def mission_locale(territory):
    return make_partner(
        territory,
        "mission-locale",
        "Mission locale de test",
        publics=["jeunes"],
        themes=["trouver-un-emploi", "mobilite"],
    )


@pytest.fixture
def france_travail(territory):
    return make_partner(
        territory,
        "france-travail",
        "France Travail de test",
        publics=["demandeurs-emploi"],
        themes=["trouver-un-emploi", "se-former"],
    )


@pytest.fixture
def soyaux(communes):
    return communes[1]


@pytest.fixture
def pair(territory, soyaux):
    return [ReferentFactory(commune=soyaux), ReferentFactory(commune=soyaux, role="technicien")]


@pytest.fixture
def past_meeting(territory, pair, mission_locale):
    meeting = MeetingFactory(
        territory=territory, starts_at=timezone.now() - timedelta(days=20), host=mission_locale
    )
    meeting.invited.set(pair)
    return meeting


@pytest.fixture
def next_meeting(territory, pair):
    meeting = MeetingFactory(territory=territory, starts_at=timezone.now() + timedelta(days=5))
    meeting.invited.set(pair)
    return meeting


@pytest.fixture
def other_meeting(other_territory):
    return MeetingFactory(territory=other_territory)


from tests.smtp import smtp_server  # noqa: E402, F401 (the fixture of the e-mail tests)
