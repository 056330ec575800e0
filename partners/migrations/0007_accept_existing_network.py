"""Accept into each territory's network the partners of other territories that its guide showed
before consent existed through a zone their coordination could legitimately set: a department,
a region or the whole country. Partners that reached another territory only through its
communes or the territory itself (the zone a coordinator could push into a territory that is not
theirs) are not accepted: they wait in that territory's « partenaires proposés »."""

from django.db import migrations
from django.db.models import Q


def accept_existing(apps, schema_editor):
    Territory = apps.get_model("portal", "Territory")
    Commune = apps.get_model("portal", "Commune")
    Partner = apps.get_model("partners", "Partner")
    NetworkMembership = apps.get_model("partners", "NetworkMembership")
    rows = []
    for territory in Territory.objects.all():
        departments = list(
            Commune.objects.filter(epci__territories=territory)
            .values_list("department_id", flat=True)
            .distinct()
        )
        partners = (
            Partner.objects.exclude(territory=territory)
            .filter(
                Q(is_national=True)
                | Q(zone_departments__in=departments)
                | Q(zone_regions__departments__in=departments)
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        rows += [NetworkMembership(territory=territory, partner_id=pk) for pk in partners]
    NetworkMembership.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_network_membership"),
        ("portal", "0001_initial"),
    ]

    operations = [migrations.RunPython(accept_existing, migrations.RunPython.noop)]
