from django.core.exceptions import ValidationError
from django.db import migrations

from partners import phones
from partners.reference_data import sync


def to_v1(apps, schema_editor):
    """The reference lists from the data-inclusion-schema package (labels, the v1 sub-themes
    under their categories, the local additions `employeurs`, `recruter` and the local partner
    categories marked as not standard); phones in E.164 (a value that is not a valid number is
    kept as it was, for a coordinator to correct)."""
    sync(
        apps.get_model("partners", "Category"),
        apps.get_model("partners", "Public"),
        apps.get_model("partners", "Theme"),
    )
    for name in ("Partner", "Contact"):
        model = apps.get_model("partners", name)
        changed = []
        for item in model.objects.exclude(phone="").only("pk", "phone"):
            try:
                value = phones.to_e164(item.phone)
            except ValidationError:
                continue
            if value != item.phone:
                item.phone = value
                changed.append(item)
        model.objects.bulk_update(changed, ["phone"], batch_size=500)


def back(apps, schema_editor):
    """Before this migration there were no sub-themes (their slugs are too long for it)."""
    apps.get_model("partners", "Theme").objects.filter(parent__isnull=False).delete()


class Migration(migrations.Migration):
    """Data of 0009, in a migration of its own: PostgreSQL refuses to alter a table with
    pending trigger events in the same transaction (reversing 0009 after deleting rows)."""

    dependencies = [("partners", "0009_data_inclusion_v1")]

    operations = [migrations.RunPython(to_v1, back)]
