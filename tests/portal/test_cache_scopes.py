"""Content versions per scope (portal/scopes.py): for each kind of change, which cached pages go
stale and which stay in the cache, with two territories A (Grand Angoulême) and B (Grand
Bergeracois); and, whatever the expectation says, no page that shows the change once rendered
anew is still served from an older copy."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from companies.models import Need
from partners.models import NetworkMembership
from portal import cache, scopes
from portal.models import ContentVersion
from roadmaps.models import Roadmap
from roadmaps.services import publication
from tests.factories import (
    ActionFactory,
    AxisFactory,
    ContactFactory,
    EstablishmentFactory,
    ExchangeFactory,
    MeetingFactory,
    MembershipFactory,
    NeedFactory,
    PartnerFactory,
    PublicEventFactory,
    ReferentFactory,
    RegistrationFactory,
    ReminderFactory,
    RoadmapFactory,
    ServiceFactory,
    SignalFactory,
    StepFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The cached pages and the scopes their views name (besides `all`).
A, B = "territory:grand-angouleme", "territory:grand-bergeracois"
PAGE_SCOPES = {
    "roadmap A": (A,),
    "dashboard A": (A,),
    "public roadmap A": (A,),
    "guide A": (A,),
    "guide PDF A": (A,),
    "home A": (A,),
    "referents A": (A,),
    "companies A": (A,),
    "companies A, open needs": (A,),
    "roadmap B": (B,),
    "home B": (B,),
    "directory": ("listing",),
    "directory Q": ("listing",),
    "partner P": ("partner:partenaire-p",),
    "partner Q": ("partner:partenaire-q",),
    "published roadmaps": ("roadmaps",),
    "API structures": ("directory",),
    "API services": ("directory",),
    "API roadmaps": ("national",),
    "events": ("events",),
    "API events": ("events",),
    "commune of A": (A, "listing"),
}
EVERY_PAGE = set(PAGE_SCOPES)
TERRITORY_A = {
    "roadmap A",
    "dashboard A",
    "public roadmap A",
    "guide A",
    "guide PDF A",
    "home A",
    "referents A",
    "companies A",
    "companies A, open needs",
    "commune of A",
}
TERRITORY_B = {"roadmap B", "home B"}
NATIONAL = {"API roadmaps"}  # and, when a roadmap changes, "published roadmaps"
DIRECTORY = {"directory", "directory Q", "API structures", "API services", "commune of A"}
EVENTS = {"events", "API events"}
# The partners a page lists, whose versions it checks on each request (portal.cache.show_rows):
# the directory shows P, Q and N, its search for « Partenaire Q » Q only.
PAGE_ROWS = {
    "directory": ("partner:partenaire-n", "partner:partenaire-p", "partner:partenaire-q"),
    "directory Q": ("partner:partenaire-q",),
    "commune of A": ("partner:partenaire-n", "partner:partenaire-p"),  # its own, a national one
}

TOKENS = re.compile(r'name="(?:csrfmiddlewaretoken|submission)" value="[^"]+"')


class World:
    """Two territories with a roadmap each (A's published), partners P (at A's commune) and Q
    of A, a national partner N of B, a public event of A at P's, and the rows of A each change
    below edits."""

    def __init__(self, territory, other_territory, communes):
        self.a, self.b = territory, other_territory
        self.commune = communes[0]
        self.roadmap = RoadmapFactory(territory=territory, status=Roadmap.Status.VALIDATED)
        self.action = ActionFactory(
            axis=AxisFactory(roadmap=self.roadmap, number=1), number=1, title="Micro-forums"
        )
        self.step = StepFactory(action=self.action, title="Réserver la salle")
        RoadmapFactory(territory=other_territory)
        publication.publish(roadmap=self.roadmap, budget_public=False, by=None)
        self.p = PartnerFactory(
            territory=territory, name="Partenaire P", slug="partenaire-p", commune=self.commune
        )
        self.q = PartnerFactory(territory=territory, name="Partenaire Q", slug="partenaire-q")
        self.n = PartnerFactory(
            territory=other_territory, name="Partenaire N", slug="partenaire-n", is_national=True
        )
        self.service = ServiceFactory(partner=self.p)
        self.contact = ContactFactory(partner=self.p)
        self.signal = SignalFactory(territory=territory)
        self.meeting = MeetingFactory(territory=territory)
        self.event = PublicEventFactory(territory=territory, host=self.p, title="Forum de l'emploi")
        self.referent = ReferentFactory(commune=self.commune)
        self.establishment = EstablishmentFactory(commune=self.commune)
        self.exchange = ExchangeFactory(territory=territory, establishment=self.establishment)
        self.need = NeedFactory(territory=territory, establishment=self.establishment)
        self.coordinator_a = MembershipFactory(territory=territory).user
        # On the home page of A, for its coordinator only (rendered for each request)
        self.reminder = ReminderFactory(
            territory=territory, person=self.coordinator_a, establishment=self.establishment
        )
        self.coordinator_b = MembershipFactory(territory=other_territory).user

    def pages(self):
        """{name: (client, url)} of the pages rendered through HTTP (the PDF by its key only)."""
        member_a, member_b, visitor = Client(), Client(), Client()
        member_a.force_login(self.coordinator_a)
        member_b.force_login(self.coordinator_b)
        a, b = self.a.slug, self.b.slug
        return {
            "roadmap A": (member_a, reverse("roadmaps:detail", args=[a])),
            "dashboard A": (member_a, reverse("roadmaps:dashboard", args=[a])),
            "public roadmap A": (visitor, reverse("roadmaps:detail", args=[a])),
            "guide A": (member_a, reverse("referents:guide", args=[a])),
            "home A": (member_a, reverse("territory_home", args=[a])),
            "referents A": (member_a, reverse("referents:list", args=[a])),
            "companies A": (member_a, reverse("companies:list", args=[a])),
            "companies A, open needs": (
                member_a,
                reverse("companies:list", args=[a]) + "?besoin=tous",
            ),
            "roadmap B": (member_b, reverse("roadmaps:detail", args=[b])),
            "home B": (member_b, reverse("territory_home", args=[b])),
            "directory": (visitor, reverse("partners:list")),
            "directory Q": (visitor, reverse("partners:list") + "?q=Partenaire+Q"),
            "partner P": (visitor, self.p.get_absolute_url()),
            "partner Q": (visitor, self.q.get_absolute_url()),
            "published roadmaps": (visitor, reverse("roadmaps:list")),
            "API structures": (visitor, reverse("api:structures")),
            "API services": (visitor, reverse("api:services")),
            "API roadmaps": (visitor, reverse("api:feuilles_de_route")),
            "events": (visitor, reverse("events:list")),
            "API events": (visitor, reverse("api:evenements")),
            "commune of A": (
                visitor,
                reverse("communes:detail", args=[self.commune.insee_code, self.commune.slug]),
            ),
        }


@pytest.fixture
def world(territory, other_territory, communes):
    return World(territory, other_territory, communes)


def edit(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def accept_in_b_network(world):
    NetworkMembership.objects.create(territory=world.b, partner=world.p)


def rename_user(world):
    edit(world.coordinator_a, last_name="Renommée")


# kind of change: (setup before the pages are cached, the change, the pages it makes stale)
CHANGES = {
    "partner of A edited": (
        None,
        lambda w: edit(w.p, name="Partenaire P renommé"),
        # the public event it hosts shows its name and address on the events list
        TERRITORY_A | NATIONAL | DIRECTORY | EVENTS | {"partner P"},
    ),
    "partner of A: new phone number (the lists keep their order)": (
        None,
        lambda w: edit(w.p, phone="+33545000000"),
        # P hosts A's public event: the events list shows its name
        TERRITORY_A | NATIONAL | EVENTS | DIRECTORY - {"directory Q"} | {"partner P"},
    ),
    "partner of A accepted in B's network, then edited": (
        accept_in_b_network,
        lambda w: edit(w.p, description="Nouvelle présentation"),
        TERRITORY_A | NATIONAL | DIRECTORY | EVENTS | {"partner P"} | TERRITORY_B,
    ),
    "national partner edited": (
        None,
        lambda w: edit(w.n, name="Partenaire N renommé"),
        NATIONAL | DIRECTORY | TERRITORY_B,
    ),
    "partner moved from A to B": (
        None,
        lambda w: edit(w.q, territory=w.b),
        TERRITORY_A | NATIONAL | DIRECTORY | {"partner Q"} | TERRITORY_B,
    ),
    "partner's service edited": (
        None,
        lambda w: edit(w.service, name="Atelier CV renommé"),
        TERRITORY_A | NATIONAL | DIRECTORY | EVENTS | {"partner P"},
    ),
    "partner's contact edited": (
        None,
        lambda w: edit(w.contact, last_name="Nouveau-Nom"),
        TERRITORY_A | NATIONAL | DIRECTORY | EVENTS | {"partner P"},
    ),
    "action of A edited": (
        None,
        lambda w: edit(w.action, title="Micro-forums de printemps"),
        TERRITORY_A | NATIONAL,
    ),
    "roadmap of A edited": (
        None,
        lambda w: edit(w.roadmap, title="Feuille de route 2027"),
        TERRITORY_A | NATIONAL | {"published roadmaps"},
    ),
    "signal of A edited": (
        None,
        lambda w: edit(w.signal, text="Pénurie de conducteurs"),
        TERRITORY_A | NATIONAL,
    ),
    "meeting of A edited": (
        None,
        lambda w: edit(w.meeting, title="Réunion de rentrée"),
        # it may have been, or be made, public
        TERRITORY_A | NATIONAL | EVENTS,
    ),
    "public event of A edited": (
        None,
        lambda w: edit(w.event, title="Forum de l'emploi d'automne"),
        # its host's record lists it; so the directory, which shows P, checks it again
        TERRITORY_A | NATIONAL | EVENTS | {"partner P", "directory"},
    ),
    "public event of A made private": (
        None,
        lambda w: edit(w.event, is_public=False),
        TERRITORY_A | NATIONAL | EVENTS | {"partner P", "directory"},
    ),
    "registration to the public event of A": (
        None,
        lambda w: RegistrationFactory(meeting=w.event),
        set(),  # no cached page shows registrations
    ),
    "référent mandate of A edited": (
        None,
        lambda w: edit(w.referent, function="maire"),
        TERRITORY_A | NATIONAL,
    ),
    "establishment of A edited": (
        None,
        lambda w: edit(w.establishment, name="Atelier renommé"),
        TERRITORY_A | NATIONAL,
    ),
    "exchange of A edited": (
        None,
        lambda w: edit(w.exchange, summary="Nouvelle visite"),
        TERRITORY_A | NATIONAL,
    ),
    "legal unit of an establishment of A renamed": (
        None,
        lambda w: edit(w.establishment.legal_unit, name="Forges réunies"),
        TERRITORY_A | NATIONAL,
    ),
    "need of A closed": (
        None,
        lambda w: edit(w.need, status=Need.Status.ACHIEVED),
        TERRITORY_A | NATIONAL,
    ),
    "rappel of A's coordinator edited": (
        None,
        lambda w: edit(w.reminder, text="Rappeler pour la visite"),
        TERRITORY_A | NATIONAL,
    ),
    "territory's presentation edited": (
        None,
        lambda w: edit(w.a, presentation="Un territoire d'industrie."),
        EVERY_PAGE,
    ),
    "commune renamed": (None, lambda w: edit(w.commune, name="Angoulême-Ville"), EVERY_PAGE),
    "user renamed": (None, rename_user, TERRITORY_A | NATIONAL),
    "membership added": (
        lambda w: setattr(w, "newcomer", UserFactory()),  # an account nothing shows yet: `all`
        lambda w: MembershipFactory(territory=w.a, user=w.newcomer),
        TERRITORY_A | NATIONAL,
    ),
    "step of A deleted": (None, lambda w: w.step.delete(), TERRITORY_A | NATIONAL),
    "partner added to an action of A (m2m)": (
        None,
        lambda w: w.action.partners.add(w.q),
        TERRITORY_A | NATIONAL,
    ),
    "partner removed from an action of A (m2m, from the partner's side)": (
        lambda w: w.action.partners.add(w.q),
        lambda w: w.q.contributed_actions.remove(w.action),
        # the partner's scopes, taken before the link goes: A (referenced) and its own pages
        TERRITORY_A | NATIONAL | DIRECTORY | {"partner Q"},
    ),
}


def listed(html):
    """The slugs of the partners a page lists: the directory's results, a commune page's
    partners serving it."""
    results = re.findall(r'<h3 class="h5 mb-1"><a href="/partenaires/([^/]+)/"', html)
    block = re.search(r'<ul class="list-unstyled commune-partners">(.*?)</ul>', html, re.S)
    return set(results) | set(
        re.findall(r'href="/partenaires/([^/?]+)/"', block[1] if block else "")
    )


def tokens():
    """The versions each page is kept under, with those of the rows it lists."""
    return {
        name: cache.content_token(*names) + cache._tokens(PAGE_ROWS.get(name, ()))
        for name, names in PAGE_SCOPES.items()
    }


def normalized(response):
    if response["Content-Type"].startswith("application/json"):
        return response.content.decode()
    return TOKENS.sub("", response.content.decode())


@pytest.mark.parametrize("kind", CHANGES)
def test_a_change_makes_stale_exactly_the_pages_that_can_show_it(world, settings, kind):
    setup, change, expected = CHANGES[kind]
    if setup:
        setup(world)
    pages = world.pages()
    cached = {name: client.get(url) for name, (client, url) in pages.items()}
    assert all(response.status_code == 200 for response in cached.values())
    for name, rows in PAGE_ROWS.items():
        assert {f"partner:{slug}" for slug in listed(cached[name].text)} == set(rows), name
    before = tokens()

    change(world)

    after = tokens()
    stale = {name for name in PAGE_SCOPES if after[name] != before[name]}
    assert stale == expected
    for name, (client, url) in pages.items():
        served = client.get(url)
        if hasattr(served.wsgi_request, "page_cache"):  # the API's lists: ETags of their own
            assert served.wsgi_request.page_cache == ("miss" if name in stale else "hit"), name
        settings.PAGE_CACHE_SECONDS = 0
        fresh = client.get(url)
        settings.PAGE_CACHE_SECONDS = 300
        # No page that shows the change is served from an older copy.
        assert normalized(served) == normalized(fresh), name
        if name.startswith("API"):  # same content, same ETag; new content, new ETag
            same = normalized(fresh) == normalized(cached[name])
            assert same or fresh["ETag"] != cached[name]["ETag"], name
        elif name not in stale:
            assert normalized(served) == normalized(cached[name]), name


def test_the_public_pages_show_what_the_changes_edit(world):
    """The events list and the commune page show the rows the changes above edit (else their
    freshness would prove nothing): the event, its host, the partners serving the commune."""
    pages = world.pages()
    events = pages["events"][0].get(pages["events"][1]).text
    assert "Forum de l&#x27;emploi" in events and "Partenaire P" in events
    client, url = pages["commune of A"]
    commune = client.get(url).text
    assert "Forum de l&#x27;emploi" in commune
    assert "Partenaire P" in commune and "Partenaire N" in commune  # its own, a national one


def test_a_change_rolled_back_keeps_the_cached_copy(world):
    client, url = world.pages()["roadmap A"]
    kept = normalized(client.get(url))
    before = tokens()
    with pytest.raises(RuntimeError), transaction.atomic():
        edit(world.action, title="Titre jamais validé")
        during = client.get(url)  # cached under the transaction's own token
        assert "Titre jamais validé" in during.text
        raise RuntimeError
    assert tokens() == before
    again = client.get(url)
    assert "Titre jamais validé" not in again.text
    assert normalized(again) == kept
    edit(world.action, title="Titre validé")  # a later change never reuses that token
    assert "Titre validé" in client.get(url).text


def test_a_page_reads_all_its_tokens_in_one_query(django_assert_num_queries, db):
    cache.content_changed("territory:x", "partner:y")
    with django_assert_num_queries(1):
        key = cache.content_token("territory:x", "partner:y", "directory")
    names = [part.split("=")[0] for part in key.split("\x1e")]
    assert names == ["all", "directory", "partner:y", "territory:x"]
    assert key.split("\x1e")[1] == "directory="  # no row yet: an empty token


def test_one_upsert_writes_every_scope_of_a_change(django_assert_num_queries, db):
    ContentVersion.objects.all().delete()
    with django_assert_num_queries(1):
        cache.content_changed("territory:b", "partner:a")
    assert sorted(ContentVersion.objects.values_list("name", flat=True)) == [
        "national",
        "partner:a",
        "territory:b",
    ]
    first = dict(ContentVersion.objects.values_list("name", "token"))
    cache.content_changed("territory:b")
    second = dict(ContentVersion.objects.values_list("name", "token"))
    assert second["partner:a"] == first["partner:a"]
    assert second["territory:b"] != first["territory:b"]


def test_a_bulk_write_without_scope_makes_every_page_stale(db):
    before = cache.content_token("territory:x")
    cache.content_changed()
    assert cache.content_token("territory:x") != before
    assert cache.content_token() != before.split("\x1e")[0]


def test_too_many_scopes_are_written_as_all(db):
    names = [f"territory:t{number}" for number in range(scopes.MAX_SCOPES + 1)]
    assert scopes.finish(names) == ["all"]


def test_every_watched_model_has_scopes(db):
    """Over the demo's rows (every app): scopes_in_db never raises and never answers nothing."""
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    seen = 0
    for model in apps.get_models():
        if not scopes.is_watched(model):
            continue
        for pk in model._base_manager.values_list("pk", flat=True)[:3]:
            found = scopes.scopes_in_db(model, pk)
            assert found, model
            assert all(isinstance(name, str) and len(name) <= 255 for name in found), model
            seen += 1
    assert seen > 100


def test_an_edit_reads_its_scopes_once_and_writes_them_in_one_upsert(
    world, django_assert_num_queries
):
    # 1 the service's partner (its column read too), 2 the partner's slug and territory, 3 the
    # territories whose rows reference it (one UNION), 4 update, 5-7 its partner's directory
    # fields (links, services' texts, update), 8 upsert (its partner_id did not change: its
    # scopes are not read again)
    with django_assert_num_queries(8):
        edit(world.service, name="Atelier")
    # 1 the action's territory (its axis_id read too), 2 update, 3 history row, 4 the history
    # row's territory, 5 its upsert, 6-11 the history of the links (django-simple-history),
    # 12 the action's upsert
    with django_assert_num_queries(12):
        edit(world.action, title="Micro-forums d'été")
