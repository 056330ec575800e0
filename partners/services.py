"""Operations across several models: saving a partner with its contacts, reporting an error,
importing a CSV file. Keyword-only functions, each inside one transaction."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import imports
from partners.models import (
    ErrorReport,
    NetworkMembership,
    Partner,
    refresh_directory_fields,
)
from portal import cache


@transaction.atomic
def save_partner(*, form, contacts, user):
    """Save a partner form and its contacts formset (both valid). A new partner counts as
    verified by its author, who just typed it in."""
    if form.instance.pk and not form.has_changed() and not contacts.has_changed():
        return form.instance  # nothing to save: "mis à jour le" stays as it was
    partner = form.save(commit=False)
    if partner.pk is None:
        partner.verified_at = timezone.now()
        partner.verified_by = user
    partner.save()
    form.save_m2m()
    contacts.instance = partner
    contacts.save()
    return partner


@transaction.atomic
def decide_network(*, territory, partner, status, by):
    """`territory`'s coordination accepts a partner of another territory into its network, or
    sets it aside (NetworkMembership.Status); the last decision counts."""
    membership, _created = NetworkMembership.objects.update_or_create(
        territory=territory,
        partner=partner,
        defaults={"status": status, "decided_by": by, "decided_at": timezone.now()},
    )
    return membership


@transaction.atomic
def report_error(*, partner, user, message):
    return ErrorReport.objects.create(partner=partner, reported_by=user, message=message)


def import_partners(*, data, user, can_create=True, can_update=True, plan=None):
    """Apply every row of a partners CSV, or none (partners/imports.py reads and matches them):
    new partners are created (verified by `user`), existing ones get the file's columns, in one
    transaction with a constant number of queries. `plan`: the preview's ImportResult.plan; when
    the partners changed since, nothing is written and the result is marked `stale`.
    Returns the ImportResult (created/updated counts set once written)."""
    try:
        with transaction.atomic():
            result = imports.read_import(
                data, can_create=can_create, can_update=can_update, lock=True
            )
            if not result.is_valid or not result.rows:
                return result
            if plan is not None and plan != result.plan:
                result.stale = True
                return result
            _write_import(result, user=user)
    except IntegrityError:  # a partner created with the same identifiant meanwhile
        result = imports.ImportResult()
        result.errors.append(
            _(
                "Un autre enregistrement est intervenu pendant l'import : déposez le "
                "fichier à nouveau."
            )
        )
    return result


def _write_import(result, *, user):
    """Bulk writes: Partner.save() and m2m signals are not sent (see docs/partners.md)."""
    now = timezone.now()
    created = [row for row in result.rows if row.action == imports.RowAction.CREATE]
    updated = [row for row in result.rows if row.action == imports.RowAction.UPDATE]
    for row in created:
        row.partner.verified_at, row.partner.verified_by = now, user
        row.partner.search_text = row.partner.build_search_text()
    Partner.objects.bulk_create([row.partner for row in created], batch_size=500)
    fields = {name for row in updated for name in row.changed if name in row.values}
    for row in updated:
        row.partner.updated_at = now
        row.partner.search_text = row.partner.build_search_text()
    Partner.objects.bulk_update(
        [row.partner for row in updated],
        sorted(fields | {"updated_at", "search_text"}),
        batch_size=500,
    )
    for relation in imports.RELATION_COLUMNS.values():
        through = getattr(Partner, relation).through
        target = Partner._meta.get_field(relation).m2m_reverse_field_name()
        removed = [pk for row in updated for pk in row.links_removed.get(relation, [])]
        for start in range(0, len(removed), imports.LOOKUP_BATCH):
            through.objects.filter(pk__in=removed[start : start + imports.LOOKUP_BATCH]).delete()
        through.objects.bulk_create(
            [
                through(partner_id=row.partner.pk, **{f"{target}_id": item_id})
                for row in created + updated
                for item_id in row.links_added.get(relation, [])
            ],
            batch_size=500,
        )
    # Bulk writes send no signal: the directory's fields (themes and publics) of every row.
    refresh_directory_fields(row.partner.pk for row in created + updated)
    result.created, result.updated = len(created), len(updated)
    if created or updated:  # bulk writes send no signal: make the cached pages stale here
        cache.content_changed()


@transaction.atomic
def save_service(*, form, partner):
    """Save a valid ServiceForm for `partner`; an unchanged form writes nothing."""
    if form.instance.pk and not form.has_changed():
        return form.instance
    service = form.save(commit=False)
    service.partner = partner
    service.save()
    form.save_m2m()
    return service


@transaction.atomic
def delete_service(*, service):
    service.delete()
