from django.db import migrations

from partners.reference_data import CATEGORIES, PUBLICS, THEMES


def seed(apps, schema_editor):
    Category = apps.get_model("partners", "Category")
    Public = apps.get_model("partners", "Public")
    Theme = apps.get_model("partners", "Theme")
    for position, (slug, label, is_standard) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            slug=slug, defaults={"label": label, "is_standard": is_standard, "position": position}
        )
    for model, items in ((Public, PUBLICS), (Theme, THEMES)):
        for position, (slug, label) in enumerate(items):
            model.objects.update_or_create(slug=slug, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
