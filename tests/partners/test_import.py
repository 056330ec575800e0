"""CSV import in the admin: a preview listing each row's errors, then all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import services
from partners.models import Partner

pytestmark = pytest.mark.django_db
URL = reverse("admin:partners_partner_import")
HEADER = "nom;categorie;territoire;code_insee;courriel;publics;thematiques;zone_communes\n"
GOOD = (
    HEADER + "Mission locale Arc Charente;mission-locale;grand-angouleme;16015;ml@example.org;"
    "jeunes;trouver-un-emploi|mobilite;16374\n"
    + "Cluster.b;club-entreprises;grand-bergeracois;24037;;employeurs;recruter;\n"
)


def upload(text, name="partenaires.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_preview_then_confirm_imports_every_row(staff_client, staff, territory, other_territory):
    preview = staff_client.post(URL, {"file": upload(GOOD)})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.is_valid and len(result.rows) == 2
    assert not Partner.objects.exists()  # a preview writes nothing
    assert "Confirmer" in preview.text

    response = staff_client.post(URL, {"payload": preview.context["payload"]})
    assert response.status_code == 302
    assert Partner.objects.count() == 2
    ml = Partner.objects.get(slug="mission-locale-arc-charente")
    assert ml.commune.insee_code == "16015"
    assert sorted(ml.themes.values_list("slug", flat=True)) == ["mobilite", "trouver-un-emploi"]
    assert list(ml.zone_communes.values_list("insee_code", flat=True)) == ["16374"]
    assert ml.verified_by == staff
    assert "mission locale" in ml.search_text


def test_one_bad_row_imports_nothing_and_lists_each_error(staff_client, territory, other_territory):
    text = (
        GOOD + "<b>Sans catégorie</b>;inconnue;grand-angouleme;99999;pas-un-courriel;martiens;;\n"
    )
    response = staff_client.post(URL, {"file": upload(text)})
    result = response.context["result"]
    assert not result.is_valid
    bad = result.rows[2]
    assert bad.line == 4
    joined = " ".join(bad.errors)
    assert "Catégorie inconnue" in joined
    assert "Code INSEE inconnu" in joined
    assert "courriel" in joined.lower()
    assert "martiens" in joined
    assert "<b>Sans" not in response.text  # escaped
    assert response.context["payload"] == ""
    assert not Partner.objects.exists()
    # Even forced through the service, nothing is written.
    assert services.import_partners(data=text.encode(), user=None).created == 0
    assert not Partner.objects.exists()


def test_windows_1252_file_is_read(staff_client, territory, other_territory):
    response = staff_client.post(URL, {"file": upload(GOOD, encoding="cp1252")})
    assert response.context["result"].is_valid


def test_comma_separated_file_is_read(territory, other_territory):
    text = "nom,categorie,territoire\nCCAS,ccas-cias,grand-angouleme\n"
    assert services.read_import(text.encode()).is_valid


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("partenaires.xlsx", "nom;categorie;territoire\n", "extension .csv"),
        ("partenaires.csv", "a;b\n1;2\n", "Colonnes obligatoires absentes"),
        ("partenaires.csv", "", "est vide"),
    ],
)
def test_wrong_files_are_refused(staff_client, territory, name, content, message):
    response = staff_client.post(URL, {"file": upload(content, name=name)})
    assert response.status_code == 200
    assert message in response.text
    assert not Partner.objects.exists()


def test_oversized_file_is_refused(staff_client, territory):
    big = "nom;categorie;territoire\n" + ("x;y;z\n" * 200_000)
    response = staff_client.post(URL, {"file": upload(big)})
    assert "dépasse 1 Mo" in response.text


def test_binary_file_is_refused(territory):
    result = services.read_import(b"nom;categorie;territoire\n\x00\x01")
    assert not result.is_valid


def test_duplicate_names_get_distinct_slugs(territory):
    text = (
        "nom;categorie;territoire\nCCAS;ccas-cias;grand-angouleme\nCCAS;ccas-cias;grand-angouleme\n"
    )
    result = services.import_partners(data=text.encode(), user=None)
    assert result.created == 2
    assert sorted(Partner.objects.values_list("slug", flat=True)) == ["ccas", "ccas-2"]


def test_tampered_payload_is_refused(staff_client, territory):
    response = staff_client.post(URL, {"payload": "faux"}, follow=True)
    assert "Aperçu expiré ou altéré" in response.text
    assert not Partner.objects.exists()


@pytest.mark.parametrize("persona", ["referent", "coordinator"])
def test_import_is_for_staff_only(as_persona, territory, persona):
    response = as_persona(persona).get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_pages_render(staff_client, france_travail):
    assert staff_client.get(reverse("admin:partners_partner_changelist")).status_code == 200
    assert (
        staff_client.get(
            reverse("admin:partners_partner_changelist"), {"q": "pole", "fraicheur": "a-verifier"}
        ).status_code
        == 200
    )
    assert (
        staff_client.get(
            reverse("admin:partners_partner_change", args=[france_travail.pk])
        ).status_code
        == 200
    )
    assert staff_client.get(reverse("admin:partners_errorreport_changelist")).status_code == 200
    assert "Importer un CSV" in staff_client.get(reverse("admin:partners_partner_changelist")).text
