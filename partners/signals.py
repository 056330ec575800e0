"""Keep each partner's directory fields (Partner.directory_ids, Partner.services_text) in step
with its links and services on every ORM path: forms, the admin, the API. Bulk writers (file
and data·inclusion imports, seeds) send no signal and call refresh_directory_fields()
themselves. Each receiver runs in the writer's transaction: the change and its refresh commit
together, so a page cached after the commit reads both."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from partners.models import Partner, Service, refresh_directory_fields
from portal.models import Territory


@receiver(post_save, sender=Service, dispatch_uid="partners_service_saved")
def _service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_directory_fields([instance.partner_id])


@receiver(post_delete, sender=Service, dispatch_uid="partners_service_deleted")
def _service_deleted(sender, instance, **kwargs):
    refresh_directory_fields([instance.partner_id])


def _links_changed(*, owner, instance, action, reverse, pk_set, partner_ids_of, **kwargs):
    """A link table changed: refresh the partners it concerns. Seen from the theme or public
    (`reverse`), a clear names no pk: the links are read before they go (pre_clear)."""
    if action == "pre_clear" and reverse:
        through = kwargs["sender"]
        column = through._meta.get_field(type(instance)._meta.model_name).attname
        instance._directory_clearing = partner_ids_of(
            through.objects.filter(**{column: instance.pk})
        )
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_directory_fields([owner(instance)])
    elif action == "post_clear":
        refresh_directory_fields(instance.__dict__.pop("_directory_clearing", []))
    elif pk_set:
        refresh_directory_fields(partner_ids_of(pk_set))


@receiver(m2m_changed, sender=Partner.themes.through, dispatch_uid="partners_themes_changed")
@receiver(m2m_changed, sender=Partner.publics.through, dispatch_uid="partners_publics_changed")
@receiver(m2m_changed, sender=Service.themes.through, dispatch_uid="partners_service_themes")
@receiver(m2m_changed, sender=Service.publics.through, dispatch_uid="partners_service_publics")
@receiver(m2m_changed, sender=Partner.zone_communes.through, dispatch_uid="partners_zone_c")
@receiver(m2m_changed, sender=Partner.zone_territories.through, dispatch_uid="partners_zone_t")
@receiver(m2m_changed, sender=Partner.zone_departments.through, dispatch_uid="partners_zone_d")
@receiver(m2m_changed, sender=Partner.zone_regions.through, dispatch_uid="partners_zone_r")
def _any_links_changed(sender, **kwargs):
    if sender not in (Service.themes.through, Service.publics.through):
        owner, partner_ids_of = (lambda partner: partner.pk), _partner_ids
    else:
        owner, partner_ids_of = (lambda service: service.partner_id), _service_partner_ids
    _links_changed(sender=sender, owner=owner, partner_ids_of=partner_ids_of, **kwargs)


def _partner_ids(links_or_pks):
    if isinstance(links_or_pks, set):
        return list(links_or_pks)
    return list(links_or_pks.values_list("partner_id", flat=True))


def _service_partner_ids(links_or_pks):
    if isinstance(links_or_pks, set):
        services = Service.objects.filter(pk__in=links_or_pks)
        return list(services.values_list("partner_id", flat=True).distinct())
    return list(links_or_pks.values_list("service__partner_id", flat=True))


@receiver(m2m_changed, sender=Territory.epcis.through, dispatch_uid="partners_territory_epcis")
def _territory_epcis_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A territory's EPCIs decide which communes the zones naming it reach (Partner.zone_ids):
    its partners' zones are read again. From the EPCI's side, `pk_set` names territories."""
    if action == "pre_clear" and reverse:
        territories = sender.objects.filter(epci_id=instance.pk).values_list("territory_id")
        instance._directory_clearing = [pk for (pk,) in territories]
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        territories = [instance.pk]
    elif action == "post_clear":
        territories = instance.__dict__.pop("_directory_clearing", [])
    else:
        territories = list(pk_set or [])
    links = Partner.zone_territories.through.objects.filter(territory_id__in=territories)
    refresh_directory_fields(links.values_list("partner_id", flat=True))
