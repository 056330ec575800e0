"""The steering committee's dashboard: « faits marquants », late actions as links, and a PDF
drawn with the web charts' colours."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps.charts import PALETTE, STATUS_COLOURS
from roadmaps.models import Action, Signal
from roadmaps.services import versions
from roadmaps.views.dashboard import HIGHLIGHT_DAYS
from tests.factories import ActionFactory, IndicatorFactory, ProgressUpdateFactory, SignalFactory

SLUG = "grand-angouleme"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def taken(territory, actions, days=1, **fields):
    signal = SignalFactory(
        territory=territory,
        status=Signal.Status.TAKEN,
        triaged_at=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )
    signal.actions.set(actions)
    return signal


@pytest.fixture
def facts(roadmap, actions, territory, other_territory):
    ProgressUpdateFactory(action=actions[0], date=days_ago(3), note="Salle du forum réservée.")
    ProgressUpdateFactory(action=actions[1], date=days_ago(HIGHLIGHT_DAYS + 5), note="Ancien.")
    signal = taken(territory, actions[1:2], text="Trois employeurs cherchent des soudeurs")
    taken(territory, actions[:1], days=HIGHLIGHT_DAYS + 5, text="Signal trop ancien")
    SignalFactory(territory=territory, text="Signal encore nouveau")
    taken(territory, actions[:1], text="Regroupé avec un autre", grouped_into=signal)
    SignalFactory(
        territory=territory,
        status=Signal.Status.FILED,
        triaged_at=timezone.now(),
        text="Signal classé",
    )
    taken(other_territory, [], text="Signal d'un autre territoire")
    versions.validate_roadmap(roadmap=roadmap, name="Comité de juin", validated_on=days_ago(10))
    versions.validate_roadmap(
        roadmap=roadmap, name="Version de 2022", validated_on=datetime.date(2022, 2, 1)
    )
    return signal


def test_faits_marquants_show_the_recent_updates_signals_and_versions(
    referent_client, facts, actions
):
    response = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG]))
    page = response.text
    assert "Faits marquants" in page
    highlights = response.context["highlights"]
    assert [update.summary for update in highlights["updates"]] == ["Salle du forum réservée."]
    assert (
        f'<a href="{actions[0].get_absolute_url()}">1.1 Micro-forums pour l&#x27;emploi</a>' in page
    )
    assert [signal.summary for signal in highlights["signals"]] == [
        "Trois employeurs cherchent des soudeurs"
    ]
    assert [version.name for version in highlights["versions"]] == ["Comité de juin"]
    assert "« Comité de juin », validée le" in page
    for absent in ("Ancien.", "Signal trop ancien", "Signal encore nouveau", "Signal classé"):
        assert absent not in page
    assert "Regroupé avec un autre" not in page and "un autre territoire" not in page


def test_a_signal_links_to_its_page_and_its_actions(referent_client, facts, actions):
    page = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG])).text
    signal = reverse("roadmaps:signal", args=[SLUG, facts.pk])
    assert f'<a href="{signal}">Trois employeurs cherchent des soudeurs</a>' in page
    assert f'<a href="{actions[1].get_absolute_url()}">1.2 Parrainage</a>' in page


def test_nothing_remarkable_is_said(referent_client, roadmap, actions):
    page = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG])).text
    assert "Ni point d'étape, ni signal pris en compte, ni révision sur la période." in page


def test_late_actions_are_links(referent_client, actions):
    page = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG])).text
    late = actions[2]
    assert f'<a href="{late.get_absolute_url()}">2.1 Marque employeur</a>' in page


def test_the_pdf_links_to_the_site(referent_client, actions):
    from pypdf import PdfReader

    content = referent_client.get(reverse("roadmaps:dashboard_pdf", args=[SLUG])).content
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(content)).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert f"http://testserver{actions[2].get_absolute_url()}" in links


def fill_colours(pdf):
    """The fill colours (`r g b rg` operators) of the PDF's pages, as 0–255 triples."""
    from pypdf import PdfReader

    number = rb"(\d*\.?\d+)"
    colours = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents().get_data()
        for match in re.finditer(number + rb"\s+" + number + rb"\s+" + number + rb"\s+rg\b", data):
            colours.add(tuple(round(float(value) * 255) for value in match.groups()))
    return colours


def rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_pdf_draws_the_charts_with_the_web_colours(referent_client, axes, actions):
    for number, status in enumerate(Action.Status, start=3):
        ActionFactory(axis=axes[1], number=number, status=status)
    indicator = IndicatorFactory(action=actions[0], baseline=0, target=100)
    indicator.values.create(date=datetime.date(2026, 3, 1), value=40)
    web = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG])).text
    for colour in STATUS_COLOURS.values():
        assert f'fill="{colour}"' in web
    pdf = referent_client.get(reverse("roadmaps:dashboard_pdf", args=[SLUG])).content
    found = fill_colours(pdf)
    expected = [*STATUS_COLOURS.values(), *PALETTE.values()]
    missing = [
        colour
        for colour in expected
        if not any(all(abs(a - b) <= 1 for a, b in zip(rgb(colour), f, strict=True)) for f in found)
    ]
    assert not missing
