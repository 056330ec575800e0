import io

from django.urls import reverse
from pypdf import PdfReader

from referents.services import install_default_outline
from referents.views import guide
from tests.factories import PartnerFactory


def test_guide_html_has_contents_and_live_data(
    territory, referent_client, pair, mission_locale, soyaux
):
    response = referent_client.get(
        reverse("referents:guide", args=[territory.slug]) + f"?commune={soyaux.pk}"
    )
    content = response.content.decode()
    assert "Sommaire" in content and "Qui orienter vers qui" in content
    assert mission_locale.name in content and pair[0].email in content
    assert "RQTH" in content  # the default outline
    # data·inclusion mobilisation modes (the template's line breaks are only white space)
    assert "Pour les joindre :</span> téléphoner" in " ".join(content.split())


def test_guide_of_a_commune_of_another_territory_is_404(
    territory, referent_client, other_territory
):
    bergerac = other_territory.communes.get()
    response = referent_client.get(
        reverse("referents:guide", args=[territory.slug]) + f"?commune={bergerac.pk}"
    )
    assert response.status_code == 404


def test_guide_pdf(referent_client, pair, mission_locale, territory):
    install_default_outline(territory=territory)
    response = referent_client.get(reverse("referents:guide_pdf", args=[territory.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_network_too_large_for_one_guide_asks_for_a_commune(
    territory, referent_client, soyaux, monkeypatch
):
    """Past GUIDE_PARTNERS_MAX partners a guide lists none (a metropolis' would be 10,000
    entries) and says why; a commune's guide still lists those serving it when they are few."""
    monkeypatch.setattr(guide, "GUIDE_PARTNERS_MAX", 2)
    install_default_outline(territory=territory)
    elsewhere = [PartnerFactory(territory=territory, name=f"Partenaire {n}") for n in range(3)]
    here = PartnerFactory(territory=territory, name="Partenaire de Soyaux", commune=soyaux)
    url = reverse("referents:guide", args=[territory.slug])

    response = referent_client.get(url)

    text = " ".join(response.text.split())
    assert "Plus de 2 partenaires interviennent dans le territoire" in text
    assert "Choisissez une commune en haut de la page du guide" in text
    assert not any(partner.name in text for partner in [*elsewhere, here])
    assert "voir le guide d'une commune" in text  # « qui orienter vers qui » says the same
    assert "aucun partenaire identifié" not in text

    commune_page = referent_client.get(url, {"commune": soyaux.pk})
    assert "Partenaire de Soyaux" in commune_page.text
    assert "Plus de 2 partenaires" not in commune_page.text

    pdf = referent_client.get(reverse("referents:guide_pdf", args=[territory.slug]))
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    pdf_text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Plus de 2 partenaires interviennent dans le territoire" in pdf_text
    assert "Partenaire 0" not in pdf_text


def test_a_commune_served_by_too_many_partners_points_to_the_directory(
    territory, referent_client, soyaux, monkeypatch
):
    monkeypatch.setattr(guide, "GUIDE_PARTNERS_MAX", 2)
    for n in range(3):
        PartnerFactory(territory=territory, name=f"Partenaire {n}", commune=soyaux)
    response = referent_client.get(
        reverse("referents:guide", args=[territory.slug]), {"commune": soyaux.pk}
    )
    text = " ".join(response.text.split())
    assert f"Plus de 2 partenaires interviennent à {soyaux.name}" in text
    assert f'href="{reverse("partners:list")}?commune={soyaux.insee_code}"' in response.text
    assert "Partenaire 0" not in text
