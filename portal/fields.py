"""Model fields that both databases store, each in its own way."""

import json

from django.db import models
from django.db.models import Lookup


def integer_set(values):
    """`values` as a sorted list of distinct integers."""
    return sorted({int(item) for item in values or []})


class IntegerSetField(models.Field):
    """A set of integers, stored sorted: an `integer[]` on PostgreSQL (where a GIN index
    answers `overlaps` from the index alone), a JSON array in text elsewhere (SQLite).

    Lookup: `field__overlaps=[1, 2]`: the set holds at least one of these integers."""

    description = "Ensemble d'entiers"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        value = integer_set(value)
        return value if connection.vendor == "postgresql" else json.dumps(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        return list(value) if isinstance(value, list) else json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return integer_set(value)


@IntegerSetField.register_lookup
class Overlaps(Lookup):
    lookup_name = "overlaps"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [integer_set(value)])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}::integer[]", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        # SQLite: one of the array's values is in the list (JSON1, built into SQLite).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = integer_set(self.rhs)
        if not values:
            return "1 = 0", ()
        placeholders = ", ".join(["%s"] * len(values))
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({placeholders}))"
        return sql, (*lhs_params, *values)
