"""Opaque cursors of the API's pages: the (moment, id) of the last record of a page, in base64.

Records are listed in the order of (moment, id), both unique together: the next page starts
strictly after the cursor, so that a walk through every page sees each record once, whatever is
added meanwhile at the end."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q


class BadCursor(ValueError):
    pass


def encode(moment, pk):
    raw = json.dumps([moment.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor):
    """(moment, id) of a cursor made by `encode`; BadCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        moment = datetime.fromisoformat(moment)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error
    if moment.tzinfo is None or not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor(cursor)
    return moment, pk


def after(field, cursor):
    """The condition "after the cursor" in the order (field, pk)."""
    moment, pk = decode(cursor)
    return Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
