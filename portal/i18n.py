"""The site's messages are written in French: `gettext("…")` and `{% translate %}` hold the French
text itself, and no French catalog translates them.

Python's gettext picks the form of an untranslated plural message with the English rule (singular
for 1 only), which writes « 0 étapes faites ». `install()` puts `FrenchSource` at the end of the
French catalogs' fallback chain, so that an untranslated message takes the French rule: singular
for 0 and 1 (« 0 étape faite », « 1 étape faite », « 2 étapes faites »). Messages a catalog does
translate (Django's own) keep theirs.
"""

import gettext

from django.conf import settings
from django.utils.translation import trans_real


class FrenchSource(gettext.NullTranslations):
    """The last fallback of a French catalog: the message itself, plural as in French."""

    def ngettext(self, msgid1, msgid2, n):
        return msgid1 if n <= 1 else msgid2


def install():
    """Add `FrenchSource` to the French catalogs the site uses (called from PortalConfig.ready)."""
    codes = {settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)}
    for code in sorted(code for code in codes if code.startswith("fr")):
        catalog = trans_real.translation(code)
        if not getattr(catalog, "french_source", False):
            catalog.add_fallback(FrenchSource())
            catalog.french_source = True
