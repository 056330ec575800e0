"""A territory's coordination may also set a proposed partner aside (« écarter »): a status on
NetworkMembership (existing rows are acceptances), and accepted_by/accepted_at become
decided_by/decided_at (renamed: the rows keep who accepted and when)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0007_accept_existing_network"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="networkmembership",
            options={
                "ordering": ["territory", "partner"],
                "verbose_name": "décision sur un partenaire proposé",
                "verbose_name_plural": "partenaires des réseaux (acceptés ou écartés)",
            },
        ),
        migrations.RenameField(
            model_name="networkmembership", old_name="accepted_at", new_name="decided_at"
        ),
        migrations.RenameField(
            model_name="networkmembership", old_name="accepted_by", new_name="decided_by"
        ),
        migrations.AlterField(
            model_name="networkmembership",
            name="decided_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="décidé le"),
        ),
        migrations.AlterField(
            model_name="networkmembership",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="décidé par",
            ),
        ),
        migrations.AddField(
            model_name="networkmembership",
            name="status",
            field=models.CharField(
                choices=[("accepte", "accepté dans le réseau"), ("ecarte", "écarté")],
                default="accepte",
                max_length=10,
                verbose_name="décision",
            ),
        ),
        migrations.AddConstraint(
            model_name="networkmembership",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["accepte", "ecarte"])),
                name="partners_networkmembership_status_valid",
            ),
        ),
    ]
