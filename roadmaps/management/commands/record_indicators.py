from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import Territory
from portal.scheduling import run_once
from roadmaps.metrics import Month
from roadmaps.services.indicators import record_month


class Command(BaseCommand):
    help = (
        "Enregistre la valeur du mois de chaque indicateur calculé à partir des données du "
        "portail (feuilles de route en cours), datée du premier jour du mois. Par défaut, le "
        "mois qui vient de finir : à lancer chaque mois, le 1er. Relancer la commande pour un "
        "même mois met à jour sa valeur, sans en ajouter. Tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month",
            "--mois",
            dest="month",
            metavar="AAAA-MM",
            help="Le mois mesuré (par défaut : le mois précédent).",
        )
        parser.add_argument(
            "--territory",
            "--territoire",
            dest="territory",
            metavar="SLUG",
            help="Ce territoire seulement (par défaut : tous).",
        )

    @run_once
    def handle(self, *args, month=None, territory=None, **options):
        this_month = Month.of(timezone.localdate())
        if month:
            try:
                chosen = Month.parse(month)
            except ValueError:
                raise CommandError(
                    _("Mois « %(month)s » illisible : écrivez-le AAAA-MM, par exemple %(example)s.")
                    % {"month": month, "example": this_month.previous()}
                ) from None
            if chosen.first > this_month.first:
                raise CommandError(
                    _("Le mois %(month)s n'a pas commencé : rien à mesurer.") % {"month": chosen}
                )
        else:
            chosen = this_month.previous()
        territories = None
        if territory:
            found = Territory.objects.filter(slug=territory).first()
            if found is None:
                raise CommandError(_("Territoire « %(slug)s » inconnu.") % {"slug": territory})
            territories = [found]
        result = record_month(month=chosen, territories=territories)
        self.stdout.write(
            ngettext(
                "%(month)s : %(count)s valeur enregistrée",
                "%(month)s : %(count)s valeurs enregistrées",
                result.created,
            )
            % {"month": chosen, "count": result.created}
            + ngettext(
                ", %(count)s mise à jour.",
                ", %(count)s mises à jour.",
                result.updated,
            )
            % {"count": result.updated}
        )
        if result.empty:
            self.stdout.write(
                ngettext(
                    "%(count)s indicateur sans valeur ce mois-ci (rien à compter) : %(names)s.",
                    "%(count)s indicateurs sans valeur ce mois-ci (rien à compter) : %(names)s.",
                    len(result.empty),
                )
                % {"count": len(result.empty), "names": _names(result.empty)}
            )
        if result.unknown:
            self.stdout.write(
                self.style.WARNING(
                    ngettext(
                        "%(count)s indicateur au calcul inconnu du portail : %(names)s.",
                        "%(count)s indicateurs au calcul inconnu du portail : %(names)s.",
                        len(result.unknown),
                    )
                    % {"count": len(result.unknown), "names": _names(result.unknown)}
                )
            )


def _names(indicators):
    return ", ".join(f"{indicator.action.code} « {indicator} »" for indicator in indicators)
