"""Keep each partner's directory fields (Partner.directory_ids, zone_ids, services_text) in
step with its links, its services and its territories' EPCIs on every ORM path: forms, the
admin, the API. Bulk writers (file and data·inclusion imports, seeds) send no signal and call
refresh_directory_fields() themselves. Each receiver runs in the writer's transaction: the
change and its refresh commit together, so a page cached after the commit reads both."""

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


def _links_changed(*, sender, instance, action, reverse, pk_set, owners, partner_ids_of, **kw):
    """A link table changed: refresh the partners it concerns, `owners(instance)` when seen
    from the owning side, `partner_ids_of(pk_set)` from the other. Seen from the other side a
    clear names no pk: the links are read before they go (pre_clear)."""
    if action == "pre_clear" and reverse:
        column = sender._meta.get_field(type(instance)._meta.model_name).attname
        instance._directory_clearing = partner_ids_of(
            sender.objects.filter(**{column: instance.pk})
        )
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_directory_fields(owners(instance))
    elif action == "post_clear":
        refresh_directory_fields(instance.__dict__.pop("_directory_clearing", []))
    elif pk_set:
        refresh_directory_fields(partner_ids_of(pk_set))


@receiver(m2m_changed, sender=Partner.themes.through, dispatch_uid="partners_themes_changed")
@receiver(m2m_changed, sender=Partner.publics.through, dispatch_uid="partners_publics_changed")
@receiver(m2m_changed, sender=Partner.zone_communes.through, dispatch_uid="partners_zone_c")
@receiver(m2m_changed, sender=Partner.zone_territories.through, dispatch_uid="partners_zone_t")
@receiver(m2m_changed, sender=Partner.zone_departments.through, dispatch_uid="partners_zone_d")
@receiver(m2m_changed, sender=Partner.zone_regions.through, dispatch_uid="partners_zone_r")
def _partner_links_changed(**kwargs):
    _links_changed(owners=lambda partner: [partner.pk], partner_ids_of=_partner_ids, **kwargs)


@receiver(m2m_changed, sender=Service.themes.through, dispatch_uid="partners_service_themes")
@receiver(m2m_changed, sender=Service.publics.through, dispatch_uid="partners_service_publics")
def _service_links_changed(**kwargs):
    _links_changed(
        owners=lambda service: [service.partner_id],
        partner_ids_of=_service_partner_ids,
        **kwargs,
    )


@receiver(m2m_changed, sender=Territory.epcis.through, dispatch_uid="partners_territory_epcis")
def _territory_epcis_changed(**kwargs):
    """A territory's EPCIs decide which communes the zones naming it reach (Partner.zone_ids):
    the partners whose zone names the territory are read again."""
    _links_changed(
        owners=lambda territory: _zoned_to([territory.pk]),
        partner_ids_of=lambda links_or_pks: _zoned_to(_ids(links_or_pks, "territory_id")),
        **kwargs,
    )


def _ids(links_or_pks, column):
    """The pks of `pk_set`, or `column` of the link rows about to be cleared."""
    if isinstance(links_or_pks, set):
        return list(links_or_pks)
    return list(links_or_pks.values_list(column, flat=True))


def _partner_ids(links_or_pks):
    return _ids(links_or_pks, "partner_id")


def _service_partner_ids(links_or_pks):
    pks = links_or_pks if isinstance(links_or_pks, set) else links_or_pks.values("service_id")
    services = Service.objects.filter(pk__in=pks)
    return list(services.values_list("partner_id", flat=True).distinct())


def _zoned_to(territory_ids):
    links = Partner.zone_territories.through.objects.filter(territory_id__in=territory_ids)
    return list(links.values_list("partner_id", flat=True))
