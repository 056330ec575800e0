"""Text helpers shared by the apps."""

import unicodedata


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
