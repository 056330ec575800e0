"""Store `EPCI.Kind` values lower-case ("CA" -> "ca", "METRO" -> "metro"), like every other choice.

`EPCI.Kind` was the only choice stored upper-case: `Territory.Kind` and all the other
`TextChoices` (statuses, priorities, roles, scales, meeting kinds, data·inclusion modes) are
lower-case, and the same code was spelled two ways ("CA" for an EPCI, "ca" for a territory). No
other choice mixes cases. The official files keep their upper-case codes: the import maps them
(`EPCI.Kind.from_official_code`); the portal's own export/import (`export_portal`) carries no
EPCI. Reversible: the reverse upper-cases the stored rows back.
"""

from django.db import migrations, models
from django.db.models.functions import Lower, Upper


def lower_case(apps, schema_editor):
    apps.get_model("portal", "EPCI").objects.update(kind=Lower("kind"))


def upper_case(apps, schema_editor):
    apps.get_model("portal", "EPCI").objects.update(kind=Upper("kind"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_form_submission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="epci",
            name="kind",
            field=models.CharField(
                choices=[
                    ("ca", "communauté d'agglomération"),
                    ("cc", "communauté de communes"),
                    ("cu", "communauté urbaine"),
                    ("metro", "métropole"),
                    ("met69", "métropole de Lyon"),
                ],
                max_length=5,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(lower_case, upper_case),
    ]
