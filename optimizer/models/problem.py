"""The problem: orders, technicians and depots over a horizon of days, with settings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from optimizer.exceptions import InputIssue
from optimizer.models.base import Frozen, TimeZoneName
from optimizer.models.depot import Depot
from optimizer.models.durations import DurationModel
from optimizer.models.order import Order
from optimizer.models.progress import Progress
from optimizer.models.settings import ObjectiveWeights, TravelSettings
from optimizer.models.technician import Technician, narrowed


def relation_issues(
    orders: Sequence[Order], technicians: Sequence[Technician], depots: Sequence[Depot]
) -> list[InputIssue]:
    """Problems across objects: duplicate ids, unknown references and orders following
    each other in a cycle (empty if none).

    Each issue names the table (``source``), the entity id and the model field.
    """
    issues: list[InputIssue] = []
    for source, items in (("orders", orders), ("technicians", technicians), ("depots", depots)):
        for key, count in Counter(item.id for item in items).items():
            if count > 1:
                issues.append(InputIssue(source, None, "id", f"id appears {count} times", entity_id=key))
    known = {t.id for t in technicians}
    for order in orders:
        if order.technician is not None and order.technician not in known:
            issues.append(
                InputIssue(
                    "orders",
                    None,
                    "technician",
                    "required technician is not in the technicians table",
                    value=order.technician,
                    entity_id=order.id,
                )
            )
    ids = {o.id for o in orders}
    follows = {o.id: o.after.order_id for o in orders if o.after is not None}
    for order_id, before in follows.items():
        if before not in ids:
            issues.append(
                InputIssue(
                    "orders",
                    None,
                    "after",
                    "follows an order not in the orders table",
                    value=before,
                    entity_id=order_id,
                )
            )
    crews = {o.id for o in orders if o.crew > 1}
    for order_id, before in follows.items():
        if before in crews:
            issues.append(
                InputIssue(
                    "orders",
                    None,
                    "after",
                    "follows a visit of a crew (not supported yet)",
                    value=before,
                    entity_id=order_id,
                )
            )
    for order_id in follows:
        seen = {order_id}
        step = follows.get(order_id)
        while step is not None and step not in seen:
            seen.add(step)
            step = follows.get(step)
        if step == order_id:
            issues.append(
                InputIssue(
                    "orders",
                    None,
                    "after",
                    "is part of a cycle of orders following each other",
                    value=follows[order_id],
                    entity_id=order_id,
                )
            )
    return issues


class Problem(Frozen):
    """Everything a solve needs: what to do, who can do it, when, and how to score it.

    The horizon is ``days`` calendar days from local midnight of ``start`` in ``tz``.
    A stop at a depot to collect parts or tools takes ``pickup_min`` minutes.
    With ``progress`` the problem is planned from ``progress.now`` on, keeping what is
    fixed (see :class:`~optimizer.models.progress.Progress`).
    Read it from files or DataFrames with :func:`optimizer.read_problem`, or build it
    directly from models. Duplicate ids and unknown references are rejected.
    """

    orders: tuple[Order, ...]
    technicians: tuple[Technician, ...]
    depots: tuple[Depot, ...] = ()
    start: dt.date = Field(ge=dt.date(1900, 1, 1), le=dt.date(9998, 12, 31), description="the horizon's first day")
    days: int = Field(default=1, ge=1, le=366)
    tz: TimeZoneName = "UTC"
    pickup_min: float = Field(default=10.0, ge=0, le=240, description="minutes a depot pickup takes on site")
    weights: ObjectiveWeights = Field(default_factory=ObjectiveWeights)
    travel: TravelSettings = Field(default_factory=TravelSettings)
    progress: Progress | None = Field(default=None, description="the day so far, for a re-plan (see optimizer.replan)")
    durations: DurationModel | None = Field(
        default=None, description="durations learned from history; each order's minutes per technician come from it"
    )
    duration_quantile: float = Field(
        default=0.5,
        gt=0,
        lt=1,
        description="the quantile of the learned durations planned with (0.7: 70% take no longer)",
    )

    @property
    def zone(self) -> ZoneInfo:
        """The problem's time zone."""
        return ZoneInfo(self.tz)

    @property
    def dates(self) -> list[dt.date]:
        """The calendar dates of the horizon, in order."""
        return [self.start + dt.timedelta(days=d) for d in range(self.days)]

    @property
    def horizon_start(self) -> dt.datetime:
        """Local midnight at the start of the horizon (timezone-aware)."""
        return dt.datetime.combine(self.start, dt.time(), tzinfo=self.zone)

    @property
    def horizon_end(self) -> dt.datetime:
        """Local midnight after the last day of the horizon (timezone-aware)."""
        return dt.datetime.combine(self.dates[-1] + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)

    @property
    def order_by_id(self) -> dict[str, Order]:
        """Orders keyed by id (built on each call: keep it in a local in loops)."""
        return {o.id: o for o in self.orders}

    @property
    def technician_by_id(self) -> dict[str, Technician]:
        """Technicians keyed by id (built on each call: keep it in a local in loops)."""
        return {t.id: t for t in self.technicians}

    def working_time(
        self, technician: Technician, first: dt.datetime, last: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        """A working day ``[first, last]`` of ``technician`` (UTC) cut by their ``away``
        intervals and, in a re-plan, their unavailability (the rule of
        :func:`~optimizer.models.technician.narrowed`). Empty (``first >= last``): no
        work that day."""
        spans = [(w.start, w.end) for w in technician.away]
        if self.progress is not None:
            spans += self.progress.absences(technician.id, self.horizon_end)
        return narrowed(first, last, spans)

    @model_validator(mode="after")
    def _related(self) -> Problem:
        issues = relation_issues(self.orders, self.technicians, self.depots)
        if self.progress is not None:
            known = {
                "technician": {t.id for t in self.technicians},
                "order": {o.id for o in self.orders},
                "depot": {d.id for d in self.depots},
            }
            issues += [
                InputIssue(
                    "progress",
                    None,
                    where,
                    f"names {'an' if kind == 'order' else 'a'} {kind} not in the problem",
                    value=key,
                )
                for where, kind, key in self.progress.references()
                if key not in known[kind]
            ]
        if issues:
            raise ValueError("; ".join(str(i) for i in issues))
        return self

    def with_changes(self, **changes: Any) -> Problem:
        """A variant of this problem for what-if scenarios (this one is unchanged):
        ``add_orders``/``add_technicians`` (models), ``remove_orders``/``remove_technicians``
        (ids), ``update_orders``/``update_technicians`` (``{id: {field: value}}``, or a
        function of each model returning its fields or ``None``), ``weights`` and
        ``travel`` (fields to set), and any other field (``days=2``). See
        :func:`optimizer.models.changes.with_changes`."""
        from optimizer.models.changes import with_changes

        return with_changes(self, **changes)
