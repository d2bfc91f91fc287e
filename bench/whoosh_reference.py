"""The benchmark's reference: newsfind's facets counted by Whoosh's own `groupedby`, as a bare Whoosh
application would count them. newsfind counts from cached value tables (search/facet_counts.py);
these Whoosh facet types exist only so that the benchmark can measure what that saves.
"""

from __future__ import annotations

from newsfind.search.facets import DateFacet, Facet, ValuesFacet
from whoosh import sorting


class _DayCategorizer(sorting.ColumnCategorizer):
    """Days ("2015-09-07") from the `date` column; undated documents (the column's default) have no key."""

    def key_to_name(self, key):
        if key == self._column_type.default_value():
            return None
        return self._fieldobj.from_column_value(key).strftime("%Y-%m-%d")


class _DayFacetType(sorting.FieldFacet):
    def categorizer(self, global_searcher):
        return _DayCategorizer(global_searcher, self.fieldname)


def whoosh_facet(facet: Facet) -> sorting.FacetType:
    """The Whoosh facet that counts what `facet` counts: every value of a multi-valued field, the
    day of a date, the one value of a year or month."""
    if isinstance(facet, DateFacet):
        return _DayFacetType(facet.field, maptype=sorting.Count)
    if isinstance(facet, ValuesFacet):
        return sorting.FieldFacet(facet.field, allow_overlap=True, maptype=sorting.Count)
    return sorting.FieldFacet(facet.field, maptype=sorting.Count)
