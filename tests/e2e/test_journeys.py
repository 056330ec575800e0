"""Journeys in a real browser: what the référent, the coordinator, a coordinator of another
territory and the administrator do with the portal, click by click."""

import json
import re

from django.urls import reverse

from portal.demo import DEMO_PASSWORD
from portal.models import Commune
from roadmaps.models import Action
from tests.e2e.conftest import ACCOUNTS

TERRITORY = "grand-angouleme"


def sign_in(tab, persona):
    page = tab.page
    tab.go(reverse("login"))
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill(
        ACCOUNTS[persona]
    )
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("button", name="Se déconnecter").count() == 1


def test_referent_finds_a_partner_downloads_its_vcard_and_prints_the_guide(open_tab):
    tab = open_tab()
    page = tab.page
    sign_in(tab, "referent")

    # The directory, searched without accents: « interim » finds « Intérim ».
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Partenaires", exact=True).click()
    page.get_by_label("Mots-clés").fill("charente interim")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button").first.click()
    result = page.get_by_role("link", name="Charente Intérim Insertion")
    assert result.count() == 1
    result.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Charente Intérim Insertion"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Carte de visite (vCard)").click()
    vcard = open(download_info.value.path(), encoding="utf-8").read()
    assert vcard.startswith("BEGIN:VCARD")
    assert "Charente Intérim Insertion" in vcard
    assert vcard.rstrip().endswith("END:VCARD")

    # The guide: its print version hides the buttons, and the PDF downloads.
    nav.get_by_role("link", name="Référents", exact=True).click()
    assert page.url.endswith(reverse("referents:list", args=[TERRITORY]))
    tab.go(reverse("referents:guide", args=[TERRITORY]))
    print_button = page.get_by_role("button", name="Imprimer")
    assert print_button.is_visible()
    page.emulate_media(media="print")
    assert not print_button.is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    page.emulate_media(media="screen")
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read(5) == b"%PDF-"
    assert tab.errors == []


def status_count(page, label):
    row = page.locator("#statuts").locator("xpath=..").locator("tr", has_text=label)
    return int(row.locator("td.num").inner_text())


def test_coordinator_records_progress_seen_in_timeline_and_dashboard(open_tab):
    action = (
        Action.objects.filter(axis__roadmap__territory__slug=TERRITORY)
        .exclude(status=Action.Status.PAUSED)
        .order_by("pk")
        .first()
    )
    tab = open_tab("coordinator")
    page = tab.page
    tab.go(reverse("roadmaps:dashboard", args=[TERRITORY]))
    paused = status_count(page, "En pause")

    tab.go(action.get_absolute_url())
    page.get_by_text("Ajouter un point d'étape").click()
    form = page.locator("form", has=page.get_by_label("Note"))
    form.get_by_label("Note").fill("Point d'étape du test : comité reporté à septembre.")
    form.get_by_label("Statut").select_option("en_pause")
    with page.expect_navigation():
        form.get_by_role("button", name="Enregistrer").click()
    timeline = page.locator(".timeline")
    assert "comité reporté à septembre" in timeline.locator("li").first.inner_text()

    tab.go(reverse("roadmaps:dashboard", args=[TERRITORY]))
    assert status_count(page, "En pause") == paused + 1
    assert tab.errors == []


def test_coordinator_of_another_territory_cannot_edit(open_tab):
    action = Action.objects.filter(axis__roadmap__territory__slug=TERRITORY).first()
    tab = open_tab("other_coordinator")
    page = tab.page
    for path in (
        reverse("roadmaps:action_update", args=[TERRITORY, action.pk]),
        reverse("roadmaps:update", args=[TERRITORY]),
    ):
        response = tab.go(path)
        assert response.status == 404
        assert page.get_by_role("heading", level=1).count() == 1
    # A partner of the other territory can be read (the directory is public) but not edited.
    response = tab.go(reverse("partners:update", args=["uimm-charente"]))
    assert response.status in (403, 404)
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("link", name=re.compile("Modifier")).count() == 0


def test_admin_imports_communes(open_tab, tmp_path):
    communes = [
        {
            "code": "16997",
            "nom": "Villeneuve-du-Test",
            "typeLiaison": 0,
            "zone": "metro",
            "arrondissement": "161",
            "departement": "16",
            "region": "75",
            "type": "commune-actuelle",
            "rangChefLieu": 0,
            "siren": "211699970",
            "codesPostaux": ["16999"],
            "population": 1234,
        }
    ]
    epcis = [
        {
            "code": "200099997",
            "nom": "CC du Test",
            "type": "CC",
            "modeFinancement": "FPU",
            "populationTotale": 1234,
            "populationMunicipale": 1234,
            "membres": [{"code": "16997", "siren": "211699970", "nom": "Villeneuve-du-Test"}],
        }
    ]
    (tmp_path / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
    (tmp_path / "epci.json").write_text(json.dumps(epcis), encoding="utf-8")

    tab = open_tab("staff")
    page = tab.page
    tab.go(reverse("admin:portal_commune_changelist"))
    page.get_by_role("link", name=re.compile("Importer")).first.click()
    page.get_by_label("Fichier communes.json").set_input_files(tmp_path / "communes.json")
    page.get_by_label("Fichier epci.json").set_input_files(tmp_path / "epci.json")
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    assert page.url.endswith(reverse("admin:portal_commune_changelist"))
    assert page.locator(".messagelist .success").count() == 1
    assert Commune.objects.get(insee_code="16997").name == "Villeneuve-du-Test"
