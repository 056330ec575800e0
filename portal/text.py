"""Text helpers shared by the apps."""

import re
import unicodedata

from django.utils.formats import get_format

# C0 control characters but tab, line feed and carriage return: invisible, never meant, brought
# in by a paste (a word processor's vertical tab for a line break) or a file, and refused by XML,
# hence by XLSX (openpyxl raises IllegalCharacterError: every export holding one would fail).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same without NUL, which Django's form fields refuse with a message of their own.
CONTROL_CHARACTERS_BUT_NUL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
# Vertical tab and form feed separate words (line and page breaks): a space keeps them apart.
_SEPARATORS = {"\x0b": " ", "\x0c": " "}


def _replacement(match):
    return _SEPARATORS.get(match.group(), "")


def strip_control_characters(text, *, keep_nul=False):
    """`text` without C0 control characters (tab, line feed and carriage return stay); vertical
    tab and form feed become a space. `keep_nul`: leave NUL for a validator to refuse.

    >>> strip_control_characters("Ligne\\x0bsuivante\\x08")
    'Ligne suivante'
    """
    pattern = CONTROL_CHARACTERS_BUT_NUL if keep_nul else CONTROL_CHARACTERS
    return pattern.sub(_replacement, text)


def normalize(text):
    """Lower-case `text` and strip its accents, for accent-insensitive search.

    >>> normalize("Pôle Emploi — Île-d'Yeu")
    "pole emploi — ile-d'yeu"
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().replace("œ", "oe").replace("æ", "ae").split())


# An unescaped day (`j`, or `d`, zero-padded) followed by a month name (`F`, or `E`, the month
# in the genitive some languages need): French writes it « 1er juillet », « 2 juillet ».
DAY_BEFORE_MONTH = re.compile(r"(?<!\\)[jd](?=\s*[FE])")


def french_date_format(value, date_format=None):
    """The Django date format to render `value` with, as French writes a day before a month.

    « j F Y » gives « 1er juillet 2026 » on the first of a month and « 2 juillet 2026 » after;
    « d F Y » is read as « j F Y » (French never writes « 01 juillet »). Other formats are
    returned unchanged. Without a format, the language's DATE_FORMAT is used, as Django does;
    a format's name (« DATE_FORMAT », « DATETIME_FORMAT ») is read as the language's format.
    """
    date_format = get_format(date_format or "DATE_FORMAT")
    day = "j\\e\\r" if getattr(value, "day", None) == 1 else "j"
    return DAY_BEFORE_MONTH.sub(lambda match: day, date_format)
