"""Exports (PDF, CSV, XLSX) of the dashboard and the actions, and the demo loader."""

import datetime
import io
import zlib

import pytest
from django.urls import reverse

from portal.demo import load as load_portal_demo
from roadmaps import demo
from roadmaps.models import Action, Roadmap, RoadmapVersion, Signal
from roadmaps.services import versions

SLUG = "grand-angouleme"


def test_csv_lists_every_action(referent_client, actions):
    response = referent_client.get(reverse("roadmaps:export_csv", args=[SLUG]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("Numéro;Axe;Action;Statut;Priorité;Avancement (%)")
    assert len(lines) == 4
    assert lines[3].startswith("2.1;2. Faciliter le recrutement;Marque employeur;à venir;moyenne;0")
    assert ";oui;non;" in lines[3]  # late, not to discuss


def test_csv_neutralises_formulas(referent_client, action):
    action.title = '=HYPERLINK("http://exemple.org")'
    action.save()
    text = referent_client.get(reverse("roadmaps:export_csv", args=[SLUG])).content.decode()
    assert "'=HYPERLINK" in text


def test_xlsx_is_a_workbook(referent_client, actions):
    from openpyxl import load_workbook

    response = referent_client.get(reverse("roadmaps:export_xlsx", args=[SLUG]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["C1"].value == "Action"
    assert sheet["C2"].value == "Micro-forums pour l'emploi"
    assert sheet.max_row == 4


def pdf_text(content):
    """Text of a WeasyPrint PDF, with pypdf when installed, else from the inflated streams."""
    try:
        from pypdf import PdfReader
    except ImportError:
        chunks = []
        for part in content.split(b"stream")[1:]:
            body = part.split(b"endstream")[0].strip(b"\r\n")
            try:
                chunks.append(zlib.decompress(body))
            except zlib.error:
                continue
        return b"".join(chunks)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_dashboard_pdf(referent_client, actions, roadmap):
    versions.validate_roadmap(roadmap=roadmap, name="Mars", validated_on=datetime.date(2024, 3, 1))
    response = referent_client.get(reverse("roadmaps:dashboard_pdf", args=[SLUG]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    text = pdf_text(response.content)
    if isinstance(text, str):  # pypdf is installed
        assert "Tableau de bord" in text and "Marque employeur" in text
    else:
        # Without pypdf: fonts are subset, so page text is glyph ids; the headings are in the
        # bookmarks (PDF outline) and the document title is UTF-16 hex in the metadata.
        assert b"Avancement par axes" in text and b"Indicateurs et cibles" in text
        title = "Tableau de bord du comité de pilotage".encode("utf-16-be").hex()
        assert title in text.decode("latin-1").lower()


def test_dashboard_shows_charts_with_text_equivalents(referent_client, actions, roadmap):
    response = referent_client.get(reverse("roadmaps:dashboard", args=[SLUG]))
    page = response.text
    assert "<svg" in page and 'aria-hidden="true"' in page
    assert "<caption>" in page
    assert "1 action en retard" in page
    assert "Aucune version validée" in page
    assert "style=" not in page and "<style" not in page and "<script>" not in page


@pytest.mark.django_db
def test_demo_loads_with_history_and_is_idempotent(settings):
    load_portal_demo()
    try:
        from partners.demo import load as load_partners_demo
    except ImportError:
        pass
    else:
        load_partners_demo()
    demo.load()
    angouleme = Roadmap.objects.get(territory__slug="grand-angouleme")
    bergerac = Roadmap.objects.get(territory__slug="grand-bergeracois")
    assert list(angouleme.axes.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert bergerac.axis_label == Roadmap.AxisLabel.WORKSTREAM
    # Grand Angoulême's roadmap is published without its budget, Bergerac's is not published
    assert (angouleme.is_public, angouleme.budget_public, bergerac.is_public) == (
        True,
        False,
        False,
    )
    assert angouleme.validated_on == datetime.date(2023, 6, 15)  # revised
    assert Action.objects.filter(axis__roadmap=angouleme, to_discuss=True).count() >= 2
    assert Action.objects.filter(title__icontains="BTS usinage").exists()
    assert Action.objects.filter(title__icontains="Cluster.b").exists()
    revision, first = angouleme.versions.all()
    assert revision.summary.startswith("Le recrutement est devenu le principal problème")
    assert revision.signals.count() == 2
    comparison = versions.compare(first.snapshot, revision.snapshot)
    assert comparison.added and comparison.moved and comparison.replanned
    assert comparison.status_changed
    assert {
        "stakes",
        "diagnostic_text",
        "fact_value",
        "axis_renamed",
        "action_added",
        "action_moved",
        "action_replanned",
        "action_status",
        "indicator_target",
    } <= comparison.kinds
    since = versions.compare(revision.snapshot, versions.snapshot(angouleme))
    assert since.kinds == {"action_status"}  # the guide, done in September 2023
    assert Action.objects.get(title__startswith="Micro-forums").updates.exists()
    for territory in ("grand-angouleme", "grand-bergeracois"):
        signals = Signal.objects.filter(territory__slug=territory)
        assert set(signals.values_list("status", flat=True)) == set(Signal.Status.values)
        assert signals.filter(grouped_into__isnull=False).count() == 1
        for taken in signals.filter(status=Signal.Status.TAKEN):  # Angoulême's revision's too
            assert taken.actions.filter(axis__roadmap__territory__slug=territory).exists()
    counts = (
        Roadmap.objects.count(),
        Action.objects.count(),
        RoadmapVersion.objects.count(),
        Signal.objects.count(),
    )
    demo.load()
    assert (
        Roadmap.objects.count(),
        Action.objects.count(),
        RoadmapVersion.objects.count(),
        Signal.objects.count(),
    ) == counts
