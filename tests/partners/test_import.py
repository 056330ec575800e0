"""CSV import in the admin: a preview saying per row "créé", "mis à jour (champs : …)",
"inchangé" or its errors, then every row or none. Matching rules: test_import_matching.py."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from partners import imports, services
from partners.models import Category, Partner
from tests.factories import PartnerFactory, UserFactory, reference

pytestmark = pytest.mark.django_db
URL = reverse("admin:partners_partner_import")
HEADER = "nom;categorie;territoire;code_insee;courriel;publics;thematiques;zone_communes\n"
GOOD = (
    HEADER + "Mission locale Arc Charente;mission-locale;grand-angouleme;16015;ml@example.org;"
    "jeunes;trouver-un-emploi|mobilite;16374\n"
    + "Cluster.b;club-entreprises;grand-bergeracois;24037;;employeurs;recruter;\n"
)
# Three rows against the france_travail fixture: one new, one update, one unchanged.
MIXED = (
    "identifiant;nom;categorie;territoire;courriel;thematiques\n"
    "france-travail-angouleme;France Travail Angoulême;france-travail;grand-angouleme;"
    "angouleme@example.org;trouver-un-emploi|mobilite|numerique\n"
    ";CCAS de Soyaux;ccas-cias;grand-angouleme;ccas@example.org;\n"
    "ccas-champniers;CCAS de Champniers;ccas-cias;grand-angouleme;;\n"
)


def upload(text, name="partenaires.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def confirm(client, preview):
    return client.post(URL, {"payload": preview.context["payload"]})


def snapshot():
    """Every partner's columns and links: what an import may change."""
    partners = list(Partner.objects.order_by("pk").values())
    links = {
        relation: sorted(getattr(Partner, relation).through.objects.values_list())
        for relation in imports.RELATION_COLUMNS.values()
    }
    return partners, links


def test_preview_then_confirm_imports_every_row(staff_client, staff, territory, other_territory):
    preview = staff_client.post(URL, {"file": upload(GOOD)})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.is_valid and len(result.rows) == 2
    assert [row.outcome for row in result.rows] == ["créé", "créé"]
    assert not Partner.objects.exists()  # a preview writes nothing
    assert "Confirmer" in preview.text

    response = confirm(staff_client, preview)
    assert response.status_code == 302
    assert Partner.objects.count() == 2
    ml = Partner.objects.get(slug="mission-locale-arc-charente")
    assert ml.commune.insee_code == "16015"
    assert sorted(ml.themes.values_list("slug", flat=True)) == ["mobilite", "trouver-un-emploi"]
    assert list(ml.zone_communes.values_list("insee_code", flat=True)) == ["16374"]
    assert ml.verified_by == staff
    assert "mission locale" in ml.search_text
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Import terminé : 2 partenaires créés, 0 mis à jour."]


def test_preview_says_created_updated_or_unchanged(staff_client, france_travail):
    ccas = PartnerFactory(
        territory=france_travail.territory,
        name="CCAS de Champniers",
        slug="ccas-champniers",
        category=reference(Category, "ccas-cias"),
        email="",
    )
    before = snapshot()
    response = staff_client.post(URL, {"file": upload(MIXED)})
    assert response.status_code == 200
    update, create, unchanged = response.context["result"].rows
    assert update.outcome == "mis à jour (champs : courriel, thématiques)"
    assert create.outcome == "créé" and create.partner.slug == "ccas-de-soyaux"
    assert unchanged.outcome == "inchangé" and unchanged.partner.pk == ccas.pk
    for text in ["mis à jour (champs : courriel, thématiques)", "créé", "inchangé"]:
        assert text in response.text
    assert "1 à créer, 1 à mettre à jour, 1 inchangé." in response.text
    assert "<code>ccas-de-soyaux</code>" in response.text
    assert snapshot() == before  # a preview writes nothing


def test_confirm_updates_the_file_columns_only(staff_client, staff, france_travail):
    verified_at, updated_at = france_travail.verified_at, france_travail.updated_at
    preview = staff_client.post(URL, {"file": upload(MIXED)})
    response = confirm(staff_client, preview)
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Import terminé : 2 partenaires créés, 1 mis à jour."]
    france_travail.refresh_from_db()
    assert france_travail.email == "angouleme@example.org"
    assert sorted(france_travail.themes.values_list("slug", flat=True)) == [
        "mobilite",
        "numerique",
        "trouver-un-emploi",
    ]
    # Columns absent from the file keep their values.
    assert france_travail.phone == "+33500000010"  # stored in E.164
    assert france_travail.description.startswith("Inscription")
    assert france_travail.commune.insee_code == "16015"
    assert sorted(france_travail.publics.values_list("slug", flat=True)) == [
        "demandeurs-emploi",
        "jeunes",
    ]
    assert list(france_travail.zone_communes.values_list("insee_code", flat=True)) == ["16015"]
    assert france_travail.contacts.count() == 2
    # An update is not a verification; it is an update.
    assert france_travail.verified_at == verified_at
    assert france_travail.updated_at > updated_at
    created = Partner.objects.get(slug="ccas-de-soyaux")
    assert created.email == "ccas@example.org" and created.verified_by == staff


def test_rename_through_the_identifiant_keeps_the_address(staff_client, france_travail):
    text = (
        "identifiant;nom;categorie;territoire\n"
        "france-travail-angouleme;France Travail Ma Campagne;france-travail;grand-angouleme\n"
    )
    confirm(staff_client, staff_client.post(URL, {"file": upload(text)}))
    france_travail.refresh_from_db()
    assert france_travail.name == "France Travail Ma Campagne"
    assert france_travail.slug == "france-travail-angouleme"
    assert "ma campagne" in france_travail.search_text
    assert Partner.objects.count() == 1


def test_reimporting_the_same_file_changes_nothing(staff_client, france_travail):
    text = MIXED
    confirm(staff_client, staff_client.post(URL, {"file": upload(text)}))
    assert Partner.objects.count() == 3
    first = snapshot()

    preview = staff_client.post(URL, {"file": upload(text)})
    result = preview.context["result"]
    assert [row.outcome for row in result.rows] == ["inchangé"] * 3
    assert preview.context["payload"] == ""  # nothing to confirm
    assert "Rien à importer" in preview.text
    result = services.import_partners(data=text.encode(), user=None)
    assert result.is_valid and (result.created, result.updated) == (0, 0)
    assert snapshot() == first  # same rows, same links, same updated_at


def test_reimporting_a_file_without_identifiant_changes_nothing(
    staff_client, territory, other_territory
):
    confirm(staff_client, staff_client.post(URL, {"file": upload(GOOD)}))
    first = snapshot()
    preview = staff_client.post(URL, {"file": upload(GOOD)})
    assert [row.outcome for row in preview.context["result"].rows] == ["inchangé", "inchangé"]
    assert services.import_partners(data=GOOD.encode(), user=None).updated == 0
    assert snapshot() == first


def test_one_bad_row_imports_nothing_and_lists_each_error(
    staff_client, france_travail, other_territory
):
    text = MIXED + ";<b>Sans catégorie</b>;inconnue;grand-angouleme;pas-un-courriel;martiens\n"
    before = snapshot()
    response = staff_client.post(URL, {"file": upload(text)})
    result = response.context["result"]
    assert not result.is_valid
    bad = result.rows[3]
    assert bad.line == 5
    joined = " ".join(bad.errors)
    assert "Catégorie inconnue" in joined
    assert "courriel" in joined.lower()
    assert "martiens" in joined
    assert "<b>Sans" not in response.text  # escaped
    assert response.context["payload"] == ""
    assert "erreurs : rien ne sera importé" in response.text
    # Even forced through the service, nothing is written: no creation, no update.
    forced = services.import_partners(data=text.encode(), user=None)
    assert (forced.created, forced.updated) == (0, 0)
    assert snapshot() == before


def test_a_failing_write_leaves_nothing_behind(staff_client, france_travail, monkeypatch):
    """The updates run before the links: a failure in between rolls the updates back too."""
    before = snapshot()
    preview = staff_client.post(URL, {"file": upload(MIXED)})
    through = Partner.themes.through

    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(through.objects, "bulk_create", fail)
    response = confirm(staff_client, preview)
    assert response.status_code == 200
    assert "Un autre enregistrement est intervenu" in response.text
    assert snapshot() == before


def test_confirm_after_a_change_shows_the_new_preview(staff_client, france_travail):
    preview = staff_client.post(URL, {"file": upload(MIXED)})
    PartnerFactory(
        territory=france_travail.territory,
        name="CCAS de Soyaux",
        slug="ccas-soyaux",
        category=reference(Category, "ccas-cias"),
    )
    before = snapshot()
    response = confirm(staff_client, preview)
    assert response.status_code == 200
    assert "Des partenaires ont changé depuis" in response.text
    assert snapshot() == before
    rows = response.context["result"].rows
    assert rows[1].outcome == "mis à jour (champs : courriel)"  # now matches the new CCAS
    assert confirm(staff_client, response).status_code == 302  # the new preview confirms
    assert Partner.objects.get(slug="ccas-soyaux").email == "ccas@example.org"


def test_windows_1252_file_is_read(staff_client, territory, other_territory):
    response = staff_client.post(URL, {"file": upload(GOOD, encoding="cp1252")})
    assert response.context["result"].is_valid


def test_comma_separated_file_is_read(territory, other_territory):
    text = "nom,categorie,territoire\nCCAS,ccas-cias,grand-angouleme\n"
    assert imports.read_import(text.encode()).is_valid


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("partenaires.xlsx", "nom;categorie;territoire\n", "extension .csv"),
        ("partenaires.csv", "a;b\n1;2\n", "Colonnes obligatoires absentes"),
        ("partenaires.csv", "", "est vide"),
        ("partenaires.csv", "nom;categorie;territoire\n", "aucune ligne"),
        (
            "partenaires.csv",
            "nom;categorie;territoire;thématiques\nCCAS;ccas-cias;grand-angouleme;emploi\n",
            "Colonnes inconnues : thématiques.",
        ),
        (
            "partenaires.csv",
            "nom;categorie;territoire;publics;publics\nCCAS;ccas-cias;grand-angouleme;;\n",
            "Colonnes en double : publics.",
        ),
    ],
)
def test_wrong_files_are_refused(staff_client, france_travail, name, content, message):
    before = snapshot()
    response = staff_client.post(URL, {"file": upload(content, name=name)})
    assert response.status_code == 200
    assert message in response.text
    assert response.context["payload"] == ""
    assert snapshot() == before


def test_oversized_file_is_refused(staff_client, territory):
    big = "nom;categorie;territoire\n" + ("x;y;z\n" * 200_000)
    response = staff_client.post(URL, {"file": upload(big)})
    assert "dépasse 1 Mo" in response.text


def test_too_many_rows_are_refused(territory):
    text = "nom;categorie;territoire\n" + "x;y;z\n" * (imports.IMPORT_MAX_ROWS + 1)
    assert imports.read_import(text.encode()).errors == [
        "Trop de lignes : 2000 au plus par fichier."
    ]


def test_binary_file_is_refused(territory):
    result = imports.read_import(b"nom;categorie;territoire\n\x00\x01")
    assert not result.is_valid


def test_tampered_payload_is_refused(staff_client, territory):
    response = staff_client.post(URL, {"payload": "faux"}, follow=True)
    assert "Aperçu expiré ou altéré" in response.text
    assert not Partner.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "referent", "coordinator", "other_coordinator"])
def test_import_is_for_staff_only(as_persona, france_travail, persona):
    before = snapshot()
    client = as_persona(persona)
    for response in [client.get(URL), client.post(URL, {"file": upload(MIXED)})]:
        assert response.status_code == 302  # to the sign-in page (the site's or the admin's)
        assert response["Location"].startswith(("/admin/login/", "/comptes/connexion/"))
    assert snapshot() == before


def staff_with(*codenames):
    user = UserFactory(username="equipe", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="partners", codename__in=codenames)
    )
    return user


def test_staff_without_partner_rights_is_refused(client, territory):
    client.force_login(staff_with("view_partner"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(GOOD)}).status_code == 403


def test_staff_who_may_only_add_cannot_update(client, france_travail):
    client.force_login(staff_with("add_partner"))
    response = client.post(URL, {"file": upload(MIXED)})
    update, create, _ = response.context["result"].rows
    assert update.errors == ["Vous n'avez pas le droit de modifier des partenaires."]
    assert not create.errors
    assert response.context["payload"] == ""


def test_staff_who_may_only_change_cannot_create(client, france_travail):
    client.force_login(staff_with("change_partner"))
    text = MIXED.splitlines()[0] + "\n" + MIXED.splitlines()[1] + "\n"
    preview = client.post(URL, {"file": upload(text)})
    assert preview.context["result"].rows[0].outcome.startswith("mis à jour")
    assert confirm(client, preview).status_code == 302
    france_travail.refresh_from_db()
    assert france_travail.email == "angouleme@example.org"


def many_rows(territory, count):
    """`count` existing partners and a file updating each one (by name or by identifiant,
    replacing a public) and creating `count` more, with three list columns."""
    lines = ["identifiant;nom;categorie;territoire;code_insee;publics;thematiques;zone_communes"]
    for number in range(count):
        PartnerFactory(
            territory=territory,
            name=f"Existant {number}",
            slug=f"existant-{number}",
            publics=["seniors"],
        )
        key = f"existant-{number}" if number % 2 else ""
        lines.append(f"{key};Existant {number};ccas-cias;grand-angouleme;;jeunes;mobilite;16015")
        lines.append(f";Nouveau {number};ccas-cias;grand-angouleme;16374;seniors;numerique;16374")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("count", [2, 12])
def test_preview_and_confirm_queries_do_not_grow_with_rows(
    staff_client, territory, django_assert_num_queries, count
):
    data = many_rows(territory, count)
    # 1 session, 2 user, 3-8 categories, publics, themes, territories, communes of the file,
    # departments, 9 partners named by identifiant or in the rows' territories, 10 partners to
    # update (locked on PostgreSQL when confirming), 11-13 their links (publics, themes,
    # communes), 14 every slug (new rows without identifiant), 15 territories (admin sidebar)
    with django_assert_num_queries(15):
        preview = staff_client.post(URL, {"file": upload(data)})
    result = preview.context["result"]
    assert (
        result.is_valid
        and result.summary == f"{count} à créer, {count} à mettre à jour, 0 inchangé."
    )
    # 1-2 session, user, 3 savepoint, 4-15 the preview's reads, 16 insert partners, 17 update
    # partners, 18 delete replaced publics, 19-21 insert links, 22-24 the directory fields of
    # the rows (links, services' texts, one update), 25 content version (the cached pages are
    # stale), 26 release savepoint
    with django_assert_num_queries(26):
        assert confirm(staff_client, preview).status_code == 302
    assert Partner.objects.filter(publics__slug="jeunes").count() == count


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


# Export in the import's own format, then import back


def export_for_import(client, partners):
    return client.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "export_for_import", "_selected_action": [partner.pk for partner in partners]},
    )


def test_an_export_for_import_imports_back_unchanged(staff_client, france_travail, soyaux):
    france_travail.phone = "+33545000010"  # stored in E.164
    france_travail.description = "- inscription\n- ateliers =CV"
    france_travail.is_national = True
    france_travail.save()
    france_travail.zone_communes.add(soyaux)
    france_travail.zone_departments.add(soyaux.department)
    other = PartnerFactory(territory=france_travail.territory, name="=Club", slug="club")
    before = snapshot()

    response = export_for_import(staff_client, [france_travail, other])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ";".join(imports.IMPORT_COLUMNS)
    assert "'+33545000010" in text and "'=Club" in text  # safe to open in a spreadsheet
    assert "16015,16374" in text and "demandeurs-emploi,jeunes" in text

    preview = staff_client.post(URL, {"file": upload(text)})
    result = preview.context["result"]
    assert result.is_valid, result.errors
    assert [row.outcome for row in result.rows] == ["inchangé", "inchangé"]
    edited = text.replace("France Travail Angoulême", "France Travail Angoulême Est")
    preview = staff_client.post(URL, {"file": upload(edited)})
    outcomes = [row.outcome for row in preview.context["result"].rows]
    assert outcomes[0] == "inchangé" and outcomes[1].startswith("mis à jour")  # by name
    confirm(staff_client, preview)
    france_travail.refresh_from_db()
    assert france_travail.name == "France Travail Angoulême Est"
    assert france_travail.phone == "+33545000010"
    assert snapshot() != before


@pytest.mark.parametrize("count", [1, 15])
def test_export_for_import_queries_do_not_grow(
    staff_client, territory, django_assert_num_queries, count
):
    partners = PartnerFactory.create_batch(count, territory=territory, publics=["jeunes"])
    for partner in partners:
        partner.zone_communes.set(territory.communes)
    # 1 session, 2 user, 3-11 the admin's change list before it runs an action (the choices of
    # its territory, category, public and theme filters, twice, and a count), 12 the selected
    # partners (with category, territory, commune), 13-16 publics, themes, zone communes and
    # departments
    with django_assert_num_queries(16):
        response = export_for_import(staff_client, partners)
    assert len(response.content.decode("utf-8-sig").splitlines()) == count + 1


def test_export_for_import_is_for_staff(coordinator_client, territory):
    partner = PartnerFactory(territory=territory)
    response = export_for_import(coordinator_client, [partner])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_cell_over_the_csv_limit_is_refused_with_its_file_and_line(staff_client, territory):
    """The csv module refuses a cell over 131,072 characters (`_csv.Error`): it was a 500."""
    before = snapshot()
    text = "nom;categorie;territoire;presentation\n" + "CCAS;ccas-cias;grand-angouleme;ok\n"
    text += "CCAS 2;ccas-cias;grand-angouleme;" + "x" * 131_073 + "\n"
    response = staff_client.post(URL, {"file": upload(text, name="longue.csv")})
    assert response.status_code == 200
    assert response.context["result"].errors == [
        "longue.csv, ligne 3 : une cellule dépasse 131\u202f072 caractères."
    ]
    assert response.context["payload"] == ""
    assert snapshot() == before


def test_control_characters_are_removed_from_the_cells(staff_client, territory, other_territory):
    text = "nom;categorie;territoire;horaires\nCCAS\x0bde Soyaux\x08;ccas-cias;grand-angouleme;"
    text += '"lundi\x0c\r\nmardi\t9h"\n'
    preview = staff_client.post(URL, {"file": upload(text)})
    assert preview.context["result"].is_valid
    assert confirm(staff_client, preview).status_code == 302
    partner = Partner.objects.get()
    assert partner.name == "CCAS de Soyaux"
    assert partner.opening_hours == "lundi \r\nmardi\t9h"
