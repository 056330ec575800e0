"""A partner's zone of intervention on a map (portal/maps.py): the communes of its territory and
of the territories and communes of its zone, those it serves shaded."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.maps import Map, Style
from portal.models import Commune, Territory

ZONE_STYLES = (
    Style("zone", gettext_lazy("dans la zone d'intervention"), "#1d4e89", "hatch", ink="#ffffff"),
    Style("hors", gettext_lazy("hors de la zone"), "#e4e7ec"),
)


def zone_map(partner, zone):
    """The map of `partner`'s zone (`zone`: partners.search.zone_of). One query: the communes of
    its territory, of its zone's territories and its zone's communes, with their outline. A
    zone of départements or regions shades the communes drawn that lie there (the map stays the
    size of the territories concerned, never the whole region). None when nothing can be drawn."""
    territory_ids = [pk for pk, _name in zone["territories"]]
    if partner.territory_id:
        territory_ids.append(partner.territory_id)
    commune_ids = {pk for pk, _name in zone["communes"]}
    if not territory_ids and not commune_ids:
        return None
    served_territories = [pk for pk, _name in zone["territories"]]
    communes = (
        Commune.objects.filter(
            Q(
                epci__in=Territory.epcis.through.objects.filter(
                    territory_id__in=territory_ids
                ).values("epci_id")
            )
            | Q(pk__in=commune_ids),
            outline__isnull=False,
        )
        .annotate(
            in_served_territory=Exists(
                Territory.epcis.through.objects.filter(
                    epci_id=OuterRef("epci_id"), territory_id__in=served_territories
                )
            )
        )
        .select_related("outline", "department")
        .order_by("search_name")
    )
    departments = {pk for pk, _name in zone["departments"]}
    regions = {pk for pk, _name in zone["regions"]}
    figure = Map(
        id="carte-zone",
        title=_("Zone d'intervention de %(name)s") % {"name": partner.name},
    )
    for commune in communes:
        served = (
            partner.is_national
            or commune.pk in commune_ids
            or commune.in_served_territory
            or commune.department_id in departments
            or commune.department.region_id in regions
        )
        style = ZONE_STYLES[0 if served else 1]
        figure.add_area(commune.outline, style=style, label=f"{commune.name} : {style.label}")
    return figure
