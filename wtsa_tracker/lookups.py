"""Lookups the project registers on Django's fields (installed by ``resolutions``'s app)."""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _InRange:
    """``__in`` without the numbers the column cannot hold: they match no row.

    Django already reads ``id=99999999999999999999`` as matching nothing; in a
    list, the database driver refuses such a number with an ``OverflowError``
    (a 500 for an admin form sent with a 20-digit id, say).
    """

    def process_rhs(self, compiler, connection):
        column = self.lhs.output_field
        while column.is_relation:
            column = column.target_field
        if self.rhs_is_direct_value() and isinstance(column, IntegerField):
            low, high = connection.ops.integer_field_range(column.get_internal_type())
            self.rhs = [value for value in self.rhs if _holds(value, low, high)]
        return super().process_rhs(compiler, connection)


@IntegerField.register_lookup
class IntegerIn(_InRange, In):
    pass


@ForeignObject.register_lookup
class RelatedIntegerIn(_InRange, RelatedIn):
    pass


def _holds(value, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True
    return (low is None or value >= low) and (high is None or value <= high)
