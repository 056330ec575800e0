import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import Territory
from portal.scheduling import run_once
from roadmaps.detectors import month_label
from roadmaps.services.raised_signals import raise_signals

MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(value, today):
    """The first day of the month `value` (« AAAA-MM »), neither malformed nor to come."""
    match = MONTH.fullmatch(value.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise CommandError(
            _("Mois invalide : « %(value)s ». Écrire l'année et le mois, par exemple 2026-10.")
            % {"value": value}
        )
    month = datetime.date(int(match[1]), int(match[2]), 1)
    if month > today:
        raise CommandError(
            _("Le mois %(value)s n'a pas encore commencé : rien à relever.") % {"value": value}
        )
    return month


def previous_month(today):
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def counted(message_one, message_many, count):
    return ngettext(message_one, message_many, count) % {"count": count}


class Command(BaseCommand):
    help = (
        "Relève les signaux faibles que le portail constate lui-même (besoins d'orientation sans "
        "partenaire, recrutements en attente, communes sans référent, fiches partenaires à "
        "vérifier), pour chaque territoire. À lancer une fois par mois, le 1er, pour le mois "
        "écoulé ; relancer la commande ne crée aucun doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month",
            metavar="AAAA-MM",
            help="Le mois à examiner (par défaut : le mois précédent).",
        )
        parser.add_argument(
            "--territory", metavar="SLUG", help="Un seul territoire (par défaut : tous)."
        )

    @run_once
    def handle(self, *args, month=None, territory=None, **options):
        today = timezone.localdate()
        month = parse_month(month, today) if month else previous_month(today)
        territories = Territory.objects.order_by("name")
        if territory:
            territories = territories.filter(slug=territory)
            if not territories:
                raise CommandError(_("Aucun territoire « %(slug)s ».") % {"slug": territory})
        failed = []
        for item in territories:
            try:
                outcome = raise_signals(territory=item, month=month)
            except Exception as error:  # one territory's failure leaves the others be
                failed.append(item.name)
                self.stderr.write(
                    _(
                        "%(territory)s : échec (%(error)s), rien n'est enregistré pour ce "
                        "territoire."
                    )
                    % {"territory": item.name, "error": error}
                )
                continue
            parts = [
                counted("%(count)d signal relevé", "%(count)d signaux relevés", outcome.created),
                counted("%(count)d mis à jour", "%(count)d mis à jour", outcome.updated),
                counted("%(count)d inchangé", "%(count)d inchangés", outcome.unchanged),
            ]
            self.stdout.write(
                _("%(territory)s, %(month)s : %(parts)s.")
                % {"territory": item.name, "month": month_label(month), "parts": ", ".join(parts)}
            )
        if failed:
            raise CommandError(
                ngettext(
                    "%(count)d territoire en échec : %(names)s.",
                    "%(count)d territoires en échec : %(names)s.",
                    len(failed),
                )
                % {"count": len(failed), "names": ", ".join(failed)}
            )
