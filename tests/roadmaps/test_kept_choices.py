"""The action form keeps what an action already has, even when a new action would not be
offered it (portal.forms.KeepCurrentChoicesMixin); an untouched save changes nothing."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Category
from portal.models import Commune
from roadmaps.models import Action
from tests.factories import PartnerFactory, UserFactory
from tests.submission import unchanged_submission

SLUG = "grand-angouleme"


def action_snapshot(action):
    action = Action.objects.get(pk=action.pk)
    return (
        Action.objects.filter(pk=action.pk).values().get(),
        sorted(action.partners.values_list("pk", flat=True)),
        sorted(action.communes.values_list("pk", flat=True)),
        sorted(action.publics.values_list("pk", flat=True)),
        action.history.count(),
    )


def links_of_elsewhere(action, other_territory):
    """A pilot and a partner owned by the other territory, a commune of the other territory
    and a coordinator who has left the territory: what the form would not offer a new action."""
    cnam = PartnerFactory(territory=other_territory, name="Cnam Nouvelle-Aquitaine")
    afpa = PartnerFactory(
        territory=other_territory, name="Afpa", category=Category.objects.get(slug="afpa")
    )
    bergerac = Commune.objects.get(insee_code="24037")
    former = UserFactory(username="ancienne.coordination")
    action.pilot_partner, action.coordinator = cnam, former
    with action.one_history_record():
        action.save()
        action.partners.add(cnam, afpa)
        action.communes.add(bergerac)
    return cnam, afpa, bergerac, former


def test_changing_only_the_title_keeps_the_links_the_form_would_not_offer(
    coordinator_client, action, other_territory
):
    cnam, afpa, bergerac, former = links_of_elsewhere(action, other_territory)
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    page = coordinator_client.get(url)
    page_text = page.content.decode()
    assert "Cnam Nouvelle-Aquitaine (autre territoire)" in page_text
    assert "Bergerac (hors du territoire)" in page_text
    data = unchanged_submission(page)
    data["title"] = ["Micro-forums 2025"]

    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Micro-forums 2025"
    assert (action.pilot_partner, action.coordinator) == (cnam, former)
    assert set(action.partners.all()) == {cnam, afpa}
    assert set(action.communes.all()) == {bergerac}
    latest = action.history.first()
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == ["title"]


def test_an_untouched_save_changes_nothing(coordinator_client, action, other_territory, communes):
    links_of_elsewhere(action, other_territory)
    action.communes.add(communes[0])
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    before = action_snapshot(action)

    response = coordinator_client.post(url, unchanged_submission(coordinator_client.get(url)))

    assert response.status_code == 302
    assert action_snapshot(action) == before  # same version, date, links; no history entry


def test_a_partner_of_another_territory_is_still_not_offered_to_a_new_link(
    coordinator_client, action, other_territory
):
    stranger = PartnerFactory(territory=other_territory, name="Hors réseau")
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    page = coordinator_client.get(url)
    assert "Hors réseau" not in page.content.decode()
    data = unchanged_submission(page)
    data["partners"] = [stranger.pk]

    response = coordinator_client.post(url, data)

    assert response.status_code == 400
    assert not action.partners.exists()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_kept_choices_cost_no_query_per_row(coordinator_client, action, other_territory):
    """The form page costs as many queries with one kept partner as with ten."""
    url = reverse("roadmaps:action_update", args=[SLUG, action.pk])
    action.partners.add(PartnerFactory(territory=other_territory))
    one = count_queries(coordinator_client, url)
    action.partners.add(*(PartnerFactory(territory=other_territory) for _ in range(9)))
    assert count_queries(coordinator_client, url) == one


def test_untouched_roadmap_and_axis_saves_write_no_history(coordinator_client, roadmap, axes):
    for url, model in (
        (reverse("roadmaps:update", args=[SLUG]), roadmap),
        (reverse("roadmaps:axis_update", args=[SLUG, 1]), axes[0]),
    ):
        count = model.history.count()
        response = coordinator_client.post(url, unchanged_submission(coordinator_client.get(url)))
        assert response.status_code == 302
        assert model.history.count() == count
