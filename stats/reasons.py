"""Why bookings were cancelled, missed or moved: the dashboard's counts by reason, by agent and
by service, from the local booking history and the front office's own records (no call).

A cancellation or no-show counts on the day its booking starts (as every booking figure does),
with the reason of the latest change to that status made here (`bookings.StatusChange`); one
made elsewhere (LatePoint's admin, the website) has none: "Not recorded". Moves count the same
way, by the day their booking now starts (`bookings.BookingMove`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Subquery

from bookings.models import BookingMove, StatusChange
from frontoffice.reference import ReferenceData
from history.models import BookingRecord
from history.services import history_version
from stats.figures import CANCELLED, NO_SHOW
from stats.forms import Period

#: How long figures are kept (under the history's version and the latest changes and moves
#: recorded here, so never past a change of what they count).
REASON_FIGURES_TTL = 3600

NOT_RECORDED = "Not recorded"
#: A change recorded here before reasons were listed: only words typed.
TYPED_ONLY = "Other (typed reason)"


@dataclass(frozen=True)
class ReasonRow:
    label: str
    cancelled: int = 0
    no_show: int = 0
    moved: int = 0

    @property
    def total(self) -> int:
        return self.cancelled + self.no_show + self.moved


@dataclass(frozen=True)
class ReasonFigures:
    period: Period
    by_reason: list[ReasonRow]
    by_agent: list[ReasonRow]
    by_service: list[ReasonRow]

    @property
    def empty(self) -> bool:
        return not self.by_reason


def _records(period: Period, filters: dict[str, int | None]):
    records = BookingRecord.objects.filter(start_date__range=(period.start, period.end))
    return records.filter(**{name: value for name, value in filters.items() if value is not None})


def _rows(counts: dict[str, Counter], *, last: tuple[str, ...] = ()) -> list[ReasonRow]:
    """One row per label, the most counted first (`last` labels' rows at the end: "Not
    recorded" reads best after the reasons given)."""
    rows = [
        ReasonRow(
            label=label,
            cancelled=by_kind[CANCELLED],
            no_show=by_kind[NO_SHOW],
            moved=by_kind["moved"],
        )
        for label, by_kind in counts.items()
    ]
    return sorted(rows, key=lambda r: (r.label in last, -r.total, r.label))


def _by_reason(records, lost) -> dict[str, Counter]:
    """Cancellations and no-shows by the reason of their latest change here, and moves by
    theirs."""
    latest = StatusChange.objects.filter(
        booking_id=OuterRef("id"), to_status=OuterRef("status"), result=StatusChange.Result.OK
    ).order_by("-created_at", "-id")
    why = (
        lost.annotate(
            why=Subquery(latest.values("reason_label")[:1]),
            typed=Subquery(latest.values("reason")[:1]),
        )
        .values_list("status", "why", "typed")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_reason: dict[str, Counter] = {}
    for status, label, typed, n in why:
        if label is None:
            label = NOT_RECORDED
        elif not label:
            label = TYPED_ONLY if typed else NOT_RECORDED
        by_reason.setdefault(label, Counter())[status] += n
    moves = (
        BookingMove.objects.filter(booking_id__in=records.values("id"))
        .values_list("reason_label")
        .annotate(n=Count("id"))
        .order_by()
    )
    for label, n in moves:
        by_reason.setdefault(label or NOT_RECORDED, Counter())["moved"] += n
    return by_reason


def _by_agent(lost, reference: ReferenceData) -> dict[str, Counter]:
    agents = {a.id: a.display_name for a in reference.agents}
    by_agent: dict[str, Counter] = {}
    for status, agent, n in (
        lost.values_list("status", "agent_id").annotate(n=Count("id")).order_by()
    ):
        name = agents.get(agent) or (f"Agent #{agent}" if agent else "No agent")
        by_agent.setdefault(name, Counter())[status] += n
    return by_agent


def _by_service(lost, reference: ReferenceData) -> dict[str, Counter]:
    services = {s.id: s.name for s in reference.services}
    by_service: dict[str, Counter] = {}
    grouped = lost.values_list("status", "service_id", "service_name").annotate(n=Count("id"))
    for status, service, service_name, n in grouped.order_by():
        name = (
            services.get(service)
            or service_name
            or (f"Service #{service}" if service else "No service")
        )
        by_service.setdefault(name, Counter())[status] += n
    return by_service


def reason_figures(
    *,
    period: Period,
    reference: ReferenceData,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> ReasonFigures:
    """The period's cancellations, no-shows and moves by reason; and its cancellations and
    no-shows by agent and by service (a few grouped queries), from the cache when computed
    since the history last changed and no status change or move was recorded here."""
    filters = {"agent_id": agent_id, "service_id": service_id, "location_id": location_id}
    key = _cache_key(period, filters, reference)
    figures = cache.get(key)
    if figures is not None:
        return figures
    records = _records(period, filters)
    lost = records.filter(status__in=(CANCELLED, NO_SHOW))
    figures = ReasonFigures(
        period=period,
        by_reason=_rows(_by_reason(records, lost), last=(NOT_RECORDED,)),
        by_agent=_rows(_by_agent(lost, reference)),
        by_service=_rows(_by_service(lost, reference)),
    )
    cache.set(key, figures, REASON_FIGURES_TTL)
    return figures


def _cache_key(period: Period, filters: dict[str, int | None], reference: ReferenceData) -> str:
    """What the figures depend on: the history's version, the latest status change and move
    recorded here (a change is recorded just after the history is written), the days, the
    filters and the names shown."""
    latest_change = StatusChange.objects.aggregate(last=Max("id"))["last"]
    latest_move = BookingMove.objects.aggregate(last=Max("id"))["last"]
    names = (
        sorted((a.id, a.display_name) for a in reference.agents),
        sorted((s.id, s.name) for s in reference.services),
    )
    raw = repr((history_version(), latest_change, latest_move, period, *filters.values(), names))
    return "stats:reasons:v1:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
