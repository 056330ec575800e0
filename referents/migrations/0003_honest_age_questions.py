"""The default outline asked « Quel âge avez-vous ? » while the orientation helper said the age is
never asked: outlines installed from the default get the honest wording (what is asked, why, and
that it is not stored). Questions a coordinator rewrote are left alone."""

from django.db import migrations

CHANGES = {
    "Quel âge avez-vous ? Moins de 26 ans ?": (
        "La personne a-t-elle moins de 26 ans ? Cette réponse sert seulement à proposer la "
        "Mission locale ; elle n'est pas enregistrée."
    ),
    "Quel âge avez-vous ? 50 ans ou plus ?": (
        "La personne a-t-elle 50 ans ou plus ? Cette réponse sert seulement à proposer les "
        "partenaires qui accompagnent les seniors ; elle n'est pas enregistrée."
    ),
}


def forwards(apps, schema_editor):
    OutlineQuestion = apps.get_model("referents", "OutlineQuestion")
    for old, new in CHANGES.items():
        OutlineQuestion.objects.filter(text=old).update(text=new)


def backwards(apps, schema_editor):
    OutlineQuestion = apps.get_model("referents", "OutlineQuestion")
    for old, new in CHANGES.items():
        OutlineQuestion.objects.filter(text=new).update(text=old)


class Migration(migrations.Migration):
    dependencies = [("referents", "0002_orientation_unmet_needs")]

    operations = [migrations.RunPython(forwards, backwards)]
