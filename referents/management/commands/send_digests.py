from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.scheduling import run_once
from referents.digest import default_site_url, parse_week, send_digests, week_label


class Command(BaseCommand):
    help = (
        "Envoie le résumé hebdomadaire aux coordinateurs (ce qui les attend dans chaque "
        "territoire). "
        "À lancer chaque lundi ; relancer la commande la même semaine n'envoie rien de plus, et "
        "réessaie les envois qui ont échoué."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", help="Semaine ISO, par exemple 2026-W48 (par défaut : celle-ci)."
        )
        parser.add_argument(
            "--site-url", help="Adresse du site pour les liens (défaut : SITE_URL)."
        )

    @run_once
    def handle(self, *args, week=None, site_url=None, **options):
        try:
            monday = parse_week(week) if week else None
        except (ValueError, IndexError):
            raise CommandError(
                _("Semaine invalide : %(week)s (attendu : 2026-W48).") % {"week": week}
            ) from None
        if monday is None:
            monday = parse_week(week_label(timezone.localdate()))
        sent, failed, empty = send_digests(monday, site_url or default_site_url())
        self.stdout.write(
            ngettext("%(count)d résumé envoyé", "%(count)d résumés envoyés", sent) % {"count": sent}
            + " · "
            + ngettext("%(count)d échec", "%(count)d échecs", failed) % {"count": failed}
            + " · "
            + ngettext(
                "%(count)d coordinateur sans rien à signaler",
                "%(count)d coordinateurs sans rien à signaler",
                empty,
            )
            % {"count": empty}
        )
        if failed:
            raise CommandError(_("Des résumés n'ont pas été envoyés : relancez la commande."))
