"""Operations on the register across several models, each in one transaction."""

from django.db import transaction

from companies.models import Establishment, LegalUnit


@transaction.atomic
def add_establishment(*, form, by):
    """Create the establishment of a valid EstablishmentCreateForm, and its legal unit when the
    register does not know its SIREN yet (an existing one keeps its Sirene name)."""
    data = form.cleaned_data
    establishment = form.save(commit=False)
    legal_unit, created = LegalUnit.objects.get_or_create(
        siren=establishment.siret[:9],
        defaults={
            "name": data["legal_unit_name"],
            "is_ess": data.get("is_ess"),
            "is_employer": data.get("is_employer"),
        },
    )
    establishment.legal_unit = legal_unit
    establishment.is_ess = legal_unit.is_ess
    establishment.naf_id = data["naf_code"]
    establishment.activity_code = data["naf_code"]
    establishment.activity_nomenclature = "NAFRev2"
    establishment.source = Establishment.Source.MANUAL
    establishment.created_by = by
    establishment.search_text = establishment.build_search_text()
    establishment.full_clean()
    establishment.save()
    return establishment
