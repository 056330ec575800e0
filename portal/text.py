"""Text helpers shared by the apps."""

import re
import unicodedata

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
