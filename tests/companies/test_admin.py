"""The register in the administration."""

from django.urls import reverse


def test_establishment_admin_pages(staff_client, establishment):
    assert staff_client.get(reverse("admin:companies_establishment_changelist")).status_code == 200
    url = reverse("admin:companies_establishment_change", args=[establishment.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.get(reverse("admin:companies_nafcode_changelist"), {"q": "62.01Z"})
    assert "Programmation informatique" in response.text


def test_nomenclatures_are_read_only(staff_client):
    assert staff_client.get(reverse("admin:companies_nafcode_add")).status_code == 403
