"""An order: one visit at a customer site."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from pydantic import AwareDatetime, Field, ValidationInfo, field_validator, model_validator

from optimizer.models.base import (
    Frozen,
    Latitude,
    Longitude,
    OrderType,
    Quantities,
    SkillLevels,
    TimeWindow,
    Urgency,
)
from optimizer.timeaxis import utc


class Predecessor(Frozen):
    """The visit an order follows: it starts at least ``gap_min`` minutes after the visit
    of ``order_id`` ends (a complaint inspected today, the repair tomorrow: ``1440``)."""

    order_id: str = Field(min_length=1)
    gap_min: float = Field(default=0.0, ge=0, le=366 * 24 * 60)


class Order(Frozen):
    """One visit at a customer site.

    ``windows`` bound when service may *start*; an empty tuple means any time within a
    technician's shift. ``release`` is the earliest start (e.g. a part arriving);
    ``due`` is the SLA deadline for the start of service: starting later is allowed but
    costs the urgency's lateness weight per minute. ``preferred`` technicians serve it
    at no extra cost (ids not among the problem's technicians are ignored); ``excluded``
    ones never do. ``after`` links it to the visit it follows (see :class:`Predecessor`):
    it starts at most ``after_max_min`` minutes after that visit ends where given, by
    the same technician with ``same_technician``; it is planned only where that visit
    is. ``crew`` technicians serve it together (see the data contract, "Crew visits").
    """

    id: str = Field(min_length=1)
    type: OrderType = OrderType.REPAIR
    lat: Latitude
    lon: Longitude
    duration_min: float = Field(
        ge=0,
        le=14 * 24 * 60,
        description="on-site work, minutes (whole seconds are kept); longer than a day: see multi-day visits",
    )
    duration_fixed: bool = Field(
        default=False, description="duration_min holds whoever serves it (no efficiency, no learned durations)"
    )
    urgency: Urgency = Urgency.NORMAL
    windows: tuple[TimeWindow, ...] = ()
    due: AwareDatetime | None = None
    release: AwareDatetime | None = None
    skills: SkillLevels = Field(default_factory=dict)
    parts: Quantities = Field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    load: float = Field(default=0.0, ge=0.0, description="units of the technicians' capacity")
    technician: str | None = Field(default=None, description="required technician id")
    preferred: tuple[str, ...] = Field(
        default=(),
        description="technician ids the customer prefers: served by anyone else costs weights.preferred_miss",
    )
    excluded: frozenset[str] = Field(default=frozenset(), description="technician ids who may never serve it")
    after: Predecessor | None = Field(default=None, description="the visit it follows (an order id, or a Predecessor)")
    after_max_min: float | None = Field(
        default=None, ge=0, le=366 * 24 * 60, description="starts at most this many minutes after that visit ends"
    )
    same_technician: bool = Field(default=False, description="served by the technician of the visit it follows")
    crew: int = Field(default=1, ge=1, le=10, description="technicians needed on site at once")
    crew_skills: SkillLevels = Field(
        default_factory=dict, description="skill levels every member of the crew must hold (crew > 1)"
    )
    region: str | None = Field(default=None, description="planning region, for solving regions apart")
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="columns of the input the engine does not use (customer, ticket, address...), "
        "passed through unchanged to the plan's visits, unplanned orders and costs",
    )

    @field_validator("after", mode="before")
    @classmethod
    def _order_id(cls, after: object) -> object:
        return {"order_id": after} if isinstance(after, str) else after

    @field_validator("crew")
    @classmethod
    def _one_visit(cls, crew: int, info: ValidationInfo) -> int:
        if crew > 1 and info.data.get("preferred"):
            raise ValueError("preferred technicians apply to visits by one technician (crew 1)")
        if crew > 1 and info.data.get("after") is not None:
            raise ValueError("a visit of a crew cannot follow another visit (after) yet")
        return crew

    @field_validator("crew_skills")
    @classmethod
    def _of_a_crew(cls, skills: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        if skills and info.data.get("crew", 1) == 1:
            raise ValueError("crew_skills need a crew of more than one technician")
        return skills

    @model_validator(mode="after")
    def _linked(self) -> Order:
        if self.after is None:
            if self.after_max_min is not None or self.same_technician:
                raise ValueError("after_max and same_technician need an order it follows (after)")
            return self
        if self.after.order_id == self.id:
            raise ValueError("an order cannot follow itself")
        if self.after_max_min is not None and self.after_max_min < self.after.gap_min:
            raise ValueError(f"after_max ({self.after_max_min:g}) is below the gap after ({self.after.gap_min:g})")
        return self

    @field_validator("windows")
    @classmethod
    def _sorted_apart(cls, windows: tuple[TimeWindow, ...]) -> tuple[TimeWindow, ...]:
        ordered = tuple(sorted(windows, key=lambda w: utc(w.start)))
        for first, second in itertools.pairwise(ordered):
            if utc(second.start) < utc(first.end):
                raise ValueError(f"windows overlap ({first.end.isoformat()} > {second.start.isoformat()})")
        return ordered

    @field_validator("excluded")
    @classmethod
    def _not_required_and_excluded(cls, excluded: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        required, preferred = info.data.get("technician"), info.data.get("preferred") or ()
        if required is not None and required in excluded:
            raise ValueError(f"the required technician {required} is also excluded")
        both = sorted(excluded & set(preferred))
        if both:
            raise ValueError(f"{', '.join(both)} both preferred and excluded")
        return excluded

    @field_validator("release")
    @classmethod
    def _before_last_window(cls, release: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        windows = info.data.get("windows") or ()
        if release is not None and windows and utc(release) > utc(windows[-1].end):
            raise ValueError(
                f"release {release.isoformat()} is after the last window ends ({windows[-1].end.isoformat()})"
            )
        return release


def with_followers(orders: Iterable[Order], ids: Iterable[str]) -> set[str]:
    """``ids`` and the ids of every order of ``orders`` that follows one of them
    (``after``), directly or not."""
    follows = [(o.id, o.after.order_id) for o in orders if o.after is not None]
    out = set(ids)
    grew = True
    while grew:
        before = len(out)
        out |= {order_id for order_id, before_id in follows if before_id in out}
        grew = len(out) > before
    return out
