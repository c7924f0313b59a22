"""One small aggregation API over booking records, so that each figure is written once.

A figure (`stats.figures`) is written as conditions and measures over records with the local
history's columns (`history.records.record_fields`: status, start_date, customer_id,
price_cents, service_id, customer_name, service_name, ...). Two kinds of `Records` answer
them, with the same results:

- `QueryRecords`: a `QuerySet[BookingRecord]`; every call is one SQL aggregate (COUNT, SUM,
  GROUP BY), so the history path costs a few queries for a period of any length.
- `ListRecords`: the records of bookings read live from LatePoint (a few pages' worth),
  aggregated in Python.

Both follow SQL's rules: a NULL never matches a condition, SUM and MAX skip NULLs (a sum of
nothing is 0), and NULLs sort first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.db.models import Aggregate, Count, Max, Q, QuerySet, Sum

from history.models import BookingRecord

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Cond:
    """A condition on one column: equal to, greater than, from..to (both included: a pair),
    or one of (a collection, or what `Records.values` gave)."""

    column: str
    op: Literal["eq", "gt", "range", "in"]
    value: Any

    def holds(self, row: Row) -> bool:
        found = row[self.column]
        if found is None:
            return False
        if self.op == "eq":
            return found == self.value
        if self.op == "gt":
            return found > self.value
        if self.op == "range":
            low, high = self.value
            return low <= found <= high
        return found in self.value

    def q(self) -> Q:
        lookup = "exact" if self.op == "eq" else self.op
        return Q(**{f"{self.column}__{lookup}": self.value})


@dataclass(frozen=True)
class Measure:
    """An aggregate over the records that meet every condition of `where`."""

    kind: Literal["count", "sum", "distinct", "max"]
    column: str = ""
    where: tuple[Cond, ...] = ()


def count(*where: Cond) -> Measure:
    """How many records."""
    return Measure("count", "", where)


def total(column: str, *where: Cond) -> Measure:
    """The column's sum (0 over no record)."""
    return Measure("sum", column, where)


def distinct(column: str, *where: Cond) -> Measure:
    """How many different values the column holds."""
    return Measure("distinct", column, where)


def largest(column: str, *where: Cond) -> Measure:
    """The column's largest value (None over no record)."""
    return Measure("max", column, where)


class Records(Protocol):
    """Booking records that conditions narrow and measures aggregate."""

    def where(self, *conditions: Cond) -> Records: ...

    def values(self, column: str) -> Collection[Any]:
        """The column's values, for a condition `Cond(column, "in", ...)` on records of the
        same kind."""
        ...

    def totals(self, measures: Mapping[str, Measure]) -> dict[str, Any]: ...

    def groups(
        self,
        by: str,
        measures: Mapping[str, Measure],
        *,
        order: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """A row per value of `by` ({by: value, measure: result, ...}), sorted by `order`
        (names of measures or `by`, "-" first for largest first), the first `limit` only."""
        ...


# --- in the database ----------------------------------------------------------------------------

#: Every record has a status: counting it counts the records, from the stats' index alone.
_COUNTED = "status"


def _aggregate(measure: Measure) -> Aggregate:
    condition = Q()
    for cond in measure.where:
        condition &= cond.q()
    where = condition or None
    if measure.kind == "count":
        return Count(_COUNTED, filter=where)
    if measure.kind == "distinct":
        return Count(measure.column, filter=where, distinct=True)
    if measure.kind == "sum":
        return Sum(measure.column, filter=where, default=0)
    return Max(measure.column, filter=where)


class QueryRecords:
    """Records in the local history: each aggregate is one query."""

    def __init__(self, rows: QuerySet[BookingRecord]) -> None:
        self.rows = rows

    def where(self, *conditions: Cond) -> QueryRecords:
        return QueryRecords(self.rows.filter(*(cond.q() for cond in conditions)))

    def values(self, column: str) -> QuerySet:
        return self.rows.values(column)  # a subquery, not a read

    def totals(self, measures: Mapping[str, Measure]) -> dict[str, Any]:
        return self.rows.aggregate(**{name: _aggregate(m) for name, m in measures.items()})

    def groups(
        self,
        by: str,
        measures: Mapping[str, Measure],
        *,
        order: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        grouped = (
            self.rows.values(by)
            .annotate(**{name: _aggregate(m) for name, m in measures.items()})
            .order_by(*order)
        )
        return list(grouped if limit is None else grouped[:limit])


# --- in Python, over records read live -----------------------------------------------------------


def _measure(measure: Measure, rows: Iterable[Row]) -> Any:
    chosen = [row for row in rows if all(cond.holds(row) for cond in measure.where)]
    if measure.kind == "count":
        return len(chosen)
    found = [row[measure.column] for row in chosen if row[measure.column] is not None]
    if measure.kind == "distinct":
        return len(set(found))
    if measure.kind == "sum":
        return sum(found, 0)
    return max(found, default=None)


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)  # NULLs first, as SQL sorts them


class ListRecords:
    """Records held in memory (the bookings read live): the same answers, in Python."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)

    def where(self, *conditions: Cond) -> ListRecords:
        return ListRecords(r for r in self.rows if all(cond.holds(r) for cond in conditions))

    def values(self, column: str) -> frozenset[Any]:
        return frozenset(row[column] for row in self.rows)

    def totals(self, measures: Mapping[str, Measure]) -> dict[str, Any]:
        return {name: _measure(m, self.rows) for name, m in measures.items()}

    def groups(
        self,
        by: str,
        measures: Mapping[str, Measure],
        *,
        order: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        buckets: dict[Any, list[Row]] = defaultdict(list)
        for row in self.rows:
            buckets[row[by]].append(row)
        grouped = [
            {by: key, **{name: _measure(m, rows) for name, m in measures.items()}}
            for key, rows in buckets.items()
        ]
        # One stable sort per key, the last key first: the first key decides.
        for name in reversed(order):
            field = name.removeprefix("-")
            grouped.sort(key=lambda row, f=field: _sort_key(row[f]), reverse=name.startswith("-"))
        return grouped if limit is None else grouped[:limit]
