from django.urls import reverse

from referents.services import install_default_outline


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
