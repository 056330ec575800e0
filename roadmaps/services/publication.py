"""Publishing a roadmap: visitors then read it (roadmaps/public.py), filtered of everything
internal. One transaction, the roadmap's row locked, recorded in its history (who, when)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmaps.models import Roadmap, save_by

PUBLICATION_FIELDS = ("is_published", "published_at", "budget_public")


class CannotPublish(Exception):
    """The roadmap may not be published (a draft); the message says why, in French."""


@transaction.atomic
def publish(*, roadmap, budget_public, by):
    """Publish the roadmap (or change what its publication shows): a draft is refused."""
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status == Roadmap.Status.DRAFT:
        raise CannotPublish(
            _("Une feuille de route en construction ne peut pas être publiée : validez-la d'abord.")
        )
    if not roadmap.is_current:
        raise CannotPublish(_("Seule la feuille de route en cours peut être publiée."))
    if not roadmap.is_published:
        roadmap.published_at = timezone.now()
    roadmap.is_published = True
    roadmap.budget_public = budget_public
    return save_by(roadmap, by=by)


@transaction.atomic
def unpublish(*, roadmap, by):
    """Withdraw the publication: nothing of the roadmap is public any more."""
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    roadmap.is_published = False
    roadmap.budget_public = False
    return save_by(roadmap, by=by)
