"""Publishing a roadmap: who publishes, what visitors then read, and what they never read."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from bench._data import build_large
from roadmaps.models import Roadmap
from roadmaps.services import publication
from tests.factories import (
    IndicatorFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    SignalFactory,
    StepFactory,
    UserFactory,
)

SLUG = "grand-angouleme"
PERSON = "Gwendoline Tartempion"
PILOT_PERSON = "Barnabé Hautecloque"
AUTHOR = "Philibert Quincampoix"


@pytest.fixture
def filled(roadmap, actions, territory, coordinator):
    """A validated roadmap with everything internal filled in: a person-named coordination,
    a pilot person, budgets and funders, « à discuter », signals, a point d'étape's author."""
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.VALIDATED)
    person = UserFactory(first_name="Gwendoline", last_name="Tartempion", email="gt@example.org")
    author = UserFactory(first_name="Philibert", last_name="Quincampoix")
    pilot = PartnerFactory(territory=territory, name="Mission locale de la Charente")
    for action in actions:
        action.coordinator = person
        action.pilot_name = PILOT_PERSON
        action.pilot_partner = pilot
        action.budget = 123456
        action.funders = "Fonds secret du département"
        action.save()
    ProgressUpdateFactory(
        action=actions[0],
        author=author,
        note="Premier micro-forum tenu à Soyaux.",
        date=timezone.localdate(),
    )
    StepFactory(action=actions[0], title="Réserver la salle", done=True)
    IndicatorFactory(action=actions[0], label="Personnes reçues")
    SignalFactory(territory=territory, author=coordinator, text="Fermeture annoncée chez Leroy")
    roadmap.refresh_from_db()
    return roadmap


def publish(roadmap, *, budget_public=False, by=None):
    return publication.publish(roadmap=roadmap, budget_public=budget_public, by=by)


PUBLIC_PAGES = ["roadmaps:detail", "roadmaps:dashboard"]


def public_urls(roadmap):
    urls = [reverse(name, args=[SLUG]) for name in PUBLIC_PAGES]
    action = roadmap.axes.get(number=1).actions.get(number=1)
    return [*urls, reverse("roadmaps:action", args=[SLUG, action.pk])]


INTERNAL = [
    PERSON,
    "Gwendoline",
    "Tartempion",
    "gt@example.org",
    PILOT_PERSON,
    AUTHOR,
    "Quincampoix",
    "à discuter",
    "123456",
    "123 456",
    "Fonds secret",
    "Fermeture annoncée",
    "Signaux",
    "Modifier",
    "Historique",
    "/modifier/",
    "/signaux/",
    "/versions/",
    "actions.csv",
]


@pytest.mark.parametrize("persona", ["visitor", "other_coordinator"])
def test_public_pages_show_nothing_internal(filled, as_persona, persona):
    publish(filled)
    client = as_persona(persona)
    for url in public_urls(filled):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.text
        assert "Micro-forums pour l&#x27;emploi" in page
        assert "Mission locale de la Charente" in page
        assert "Dernière mise à jour le" in page
        for text in INTERNAL:
            assert text not in page, (url, text)
    page = client.get(public_urls(filled)[-1]).text
    assert "Premier micro-forum tenu à Soyaux." in page  # dated points d'étape are public
    assert "Réserver la salle" in page
    assert "Personnes reçues" in page


def test_budget_shows_when_ticked_public(filled, client):
    publish(filled, budget_public=True)
    for url in public_urls(filled)[::2]:
        page = client.get(url).text
        assert "123456" in page
    assert "Fonds secret du département" in client.get(public_urls(filled)[-1]).text
    assert PERSON not in client.get(public_urls(filled)[0]).text


def test_public_pdf_has_the_roadmap_and_no_names(filled, client):
    from pypdf import PdfReader

    publish(filled)
    response = client.get(reverse("roadmaps:dashboard_pdf", args=[SLUG]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Micro-forums pour l" in text
    assert "Mission locale de la Charente" in text
    for name in [PERSON, "Tartempion", PILOT_PERSON, AUTHOR, "Fonds secret", "Fermeture"]:
        assert name not in text


def test_members_keep_their_full_pages(filled, referent_client):
    publish(filled)
    page = referent_client.get(reverse("roadmaps:detail", args=[SLUG])).text
    assert "à discuter" in page
    assert PILOT_PERSON in page
    preview = referent_client.get(reverse("roadmaps:detail", args=[SLUG]), {"apercu": "public"})
    assert "Aperçu de ce que voit le public" in preview.text
    assert PILOT_PERSON not in preview.text


def test_without_publication_nothing_is_public(filled, as_persona):
    for url in public_urls(filled):
        assert as_persona("visitor").get(url).status_code == 302
        assert as_persona("other_coordinator").get(url).status_code == 404
    assert filled.territory.name not in as_persona("visitor").get(reverse("roadmaps:list")).text


def test_unpublished_disappears_at_once_even_from_the_cache(filled, as_persona, coordinator):
    publish(filled)
    visitor = as_persona("visitor")
    urls = [*public_urls(filled), reverse("roadmaps:dashboard_pdf", args=[SLUG])]
    for url in urls:
        assert visitor.get(url).status_code == 200  # now in the cache
    assert "Grand Angoulême" in visitor.get(reverse("roadmaps:list")).text
    publication.unpublish(roadmap=filled, by=coordinator)
    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert "Grand Angoulême" not in visitor.get(reverse("roadmaps:list")).text
    other = as_persona("other_coordinator")
    assert all(other.get(url).status_code == 404 for url in urls)


def test_a_roadmap_put_back_into_construction_is_no_longer_public(filled, client):
    publish(filled)
    Roadmap.objects.filter(pk=filled.pk).update(status=Roadmap.Status.DRAFT)
    assert client.get(reverse("roadmaps:detail", args=[SLUG])).status_code == 302


def test_coordinator_publishes_and_unpublishes(filled, coordinator_client, coordinator):
    url = reverse("roadmaps:publication", args=[SLUG])
    page = coordinator_client.get(url)
    assert "Ce que le public ne voit jamais" in page.text
    response = coordinator_client.post(url, {"decision": "publier", "budget_public": "on"})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert (filled.is_published, filled.budget_public) == (True, True)
    assert filled.published_at is not None
    assert filled.history.first().history_user == coordinator
    coordinator_client.post(url, {"decision": "retirer"})
    filled.refresh_from_db()
    assert (filled.is_published, filled.budget_public) == (False, False)


def test_a_draft_cannot_be_published(roadmap, coordinator_client):
    url = reverse("roadmaps:publication", args=[SLUG])
    response = coordinator_client.post(url, {"decision": "publier"})
    assert response.status_code == 400
    assert "en construction ne peut pas être publiée" in response.text
    roadmap.refresh_from_db()
    assert not roadmap.is_published


def test_bad_decision_is_refused_with_a_message(filled, coordinator_client):
    url = reverse("roadmaps:publication", args=[SLUG])
    response = coordinator_client.post(url, {"decision": "n'importe quoi"})
    assert response.status_code == 400
    assert "Choisissez de publier" in response.text
    filled.refresh_from_db()
    assert not filled.is_published


def test_editing_the_roadmap_never_republishes_it(filled, coordinator_client, coordinator):
    """The edit form reads the roadmap before an unpublish and saves after it."""
    from roadmaps.forms import RoadmapForm
    from roadmaps.services import writes

    publish(filled)
    stale = Roadmap.objects.get(pk=filled.pk)
    publication.unpublish(roadmap=filled, by=coordinator)
    data = {**RoadmapForm(instance=stale).initial, "title": "Nouveau titre"}
    form = RoadmapForm(data, instance=stale)
    assert form.is_valid(), form.errors
    writes.save_roadmap(
        form=form, territory=filled.territory, expected_version=stale.version, by=coordinator
    )
    filled.refresh_from_db()
    assert (filled.title, filled.is_published) == ("Nouveau titre", False)


def test_visitor_home_links_to_the_published_roadmaps(client, filled):
    publish(filled)
    home = client.get("/").text
    assert f'href="{reverse("roadmaps:list")}"' in home
    listing = client.get(reverse("roadmaps:list"))
    assert listing.status_code == 200
    assert "Grand Angoulême" in listing.text


def test_members_list_shows_other_territories_published(other_roadmap, coordinator_client):
    Roadmap.objects.filter(pk=other_roadmap.pk).update(
        status=Roadmap.Status.VALIDATED, is_published=True
    )
    page = coordinator_client.get(reverse("roadmaps:list")).text
    assert "Feuilles de route publiées des autres territoires" in page
    assert "CADET" in page


# 1 publication, 2 content version; on a miss: 3 roadmap with territory, 4 axes, 5 actions,
# 6 step counts, 7 last point d'étape, 8 diagnostic figures, 9 latest points d'étape
PUBLIC_ROADMAP_QUERIES = 9
# 1 publication, 2 content version, 3 roadmap, 4 axes, 5 actions, 6 step counts, 7 last point
# d'étape, 8 indicators, 9 their values, 10 communes with outline, 11 communes of open actions,
# 12 latest points d'étape
PUBLIC_DASHBOARD_QUERIES = 12
# 1 publication, 2 content version, 3 roadmap, 4 action, 5 axis, 6 steps, 7 points d'étape,
# 8 partners, 9 publics, 10 communes, 11 indicators, 12 their values
PUBLIC_ACTION_QUERIES = 12


@pytest.fixture
def large(filled, actions):
    build_large(filled)
    for action in actions:
        ProgressUpdateFactory.create_batch(5, action=action, date=timezone.localdate())
        StepFactory.create_batch(3, action=action, due_date=datetime.date(2030, 1, 1))
    return filled


@pytest.mark.parametrize("size", ["filled", "large"])
def test_public_pages_query_count(client, django_assert_num_queries, request, size, actions):
    roadmap = request.getfixturevalue(size)
    publish(roadmap)
    pages = [
        (reverse("roadmaps:detail", args=[SLUG]), PUBLIC_ROADMAP_QUERIES),
        (reverse("roadmaps:dashboard", args=[SLUG]), PUBLIC_DASHBOARD_QUERIES),
        (reverse("roadmaps:action", args=[SLUG, actions[0].pk]), PUBLIC_ACTION_QUERIES),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(2):  # the publication, the content version
            assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # the content version, the published roadmaps
        assert client.get(reverse("roadmaps:list")).status_code == 200


def test_the_commune_page_shows_the_published_actions_that_concern_it(
    filled, actions, communes, client
):
    soyaux, champniers = communes[1], communes[2]
    actions[0].communes.set([soyaux])  # Soyaux's own action
    actions[1].communes.set([champniers])  # another commune's: not on Soyaux's page
    url = reverse("communes:detail", args=[soyaux.insee_code, soyaux.slug])
    assert "Actions de la feuille de route" not in client.get(url).text  # not published yet
    publish(filled)
    page = client.get(url).text
    assert "Actions de la feuille de route" in page
    assert "1.1 Micro-forums pour l&#x27;emploi" in page
    assert reverse("roadmaps:action", args=[SLUG, actions[0].pk]) in page
    assert "Parrainage" not in page
    assert "1 action concerne tout le territoire." in page  # 2.1 names no commune
    for text in INTERNAL[:7]:
        assert text not in page
