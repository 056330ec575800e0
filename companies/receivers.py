"""The register follows a renamed commune: its establishments carry a copy of the commune's
search name, the list's sort key (Establishment.commune_search_name)."""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save
from django.dispatch import receiver

from companies.models import Establishment
from portal.models import Commune
from portal.signals import communes_renamed


@receiver(post_save, sender=Commune, dispatch_uid="companies_commune_saved")
def commune_saved(sender, instance, created, raw=False, **kwargs):
    """A commune saved one by one (the administration): one UPDATE, of nothing when the name
    did not change."""
    if created or raw:
        return
    Establishment.objects.filter(commune_id=instance.pk).exclude(
        commune_search_name=instance.search_name
    ).update(commune_search_name=instance.search_name)


@receiver(communes_renamed, dispatch_uid="companies_communes_renamed")
def communes_renamed_in_bulk(sender, pks, **kwargs):
    """Communes renamed by the communes import: one UPDATE for all of them."""
    Establishment.objects.filter(commune_id__in=pks).update(
        commune_search_name=Subquery(
            Commune.objects.filter(pk=OuterRef("commune_id")).values("search_name")[:1]
        )
    )
