"""Content versions per scope (portal/scopes.py): names such as `partner:<slug>` need more room
than 40 characters, and the single version "content" gives way to `all`."""

from django.db import migrations, models


def drop_single_version(apps, schema_editor):
    apps.get_model("portal", "ContentVersion").objects.filter(name="content").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_invitation_session_generation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contentversion",
            name="name",
            field=models.CharField(max_length=255, primary_key=True, serialize=False, verbose_name="nom"),
        ),
        migrations.RunPython(drop_single_version, migrations.RunPython.noop),
    ]
