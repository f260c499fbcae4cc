"""Parameter bundles: a problem's objective weights and travel model, and the options
of a solve."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from optimizer.models.base import Frozen, Urgency


def _by_urgency(emergency: float, high: float, normal: float, low: float) -> dict[Urgency, float]:
    return {Urgency.EMERGENCY: emergency, Urgency.HIGH: high, Urgency.NORMAL: normal, Urgency.LOW: low}


class StabilityWeights(Frozen):
    """What changing a promised visit costs in a re-plan, in cost units.

    A visit a customer was told about (technician and start) costs ``reassign`` when
    another technician (or another day) serves it, or nobody does, and
    ``retime_per_min`` per minute its start moves beyond ``tolerance_min`` either way
    when its technician keeps it. Both are multiplied by ``near_factor`` where the
    promised start is less than ``near_min`` minutes after the re-plan's ``now``: a
    change customers learn about at short notice costs most. With the defaults a
    reassignment (100, or 400 at short notice) costs as much as moving the start by
    3 h 35 min, and keeping a promise never outweighs serving an emergency.
    """

    reassign: float = Field(default=100.0, ge=0)
    retime_per_min: float = Field(default=0.5, ge=0)
    tolerance_min: float = Field(default=15.0, ge=0)
    near_min: float = Field(default=120.0, ge=0)
    near_factor: float = Field(default=4.0, ge=1)


class ObjectiveWeights(Frozen):
    """Weights of the dispatcher's objective, in cost units; defaults are those of
    DESIGN.md ("The objective"). :mod:`optimizer.models.objective` defines the terms.

    * ``unplanned[u]`` (``U``): leaving an order of urgency ``u`` out of the plan. An
      order due after the horizon may wait: leaving it out costs ``U`` x
      ``max(deferral_floor, 1 - d / deferral_days)``, ``d`` the days from the horizon's
      end to its due. An order already overdue at the horizon's start costs ``U`` x
      ``min(backlog_cap, 1 + backlog_per_day x a)``, ``a`` the days it is overdue then.
    * Lateness of a service starting ``m`` minutes after ``due``: ``U`` x (``breach``
      + ``late_shares[0]`` x ``min(m, late_spans_min[0]) / late_spans_min[0]`` + the
      same for each further span, counted from where the previous ends); flat after the
      last span. With the defaults a late visit costs 10% of ``U`` at once, 40% four
      hours late, 70% after three days more, never more: late beats never.
    * An emergency without ``due`` is due ``emergency_sla_min`` after the first shift
      start of the horizon's first day (a re-plan: after ``now``, if later).
    * ``overtime_per_min``, ``travel_per_min``, ``waiting_per_min`` (waiting on site
      before a window opens: idle, paid time; 0 by default).
    * ``preferred_miss``: a visit of an order with ``preferred`` technicians served by
      someone else (30: half an hour of driving).
    * ``balance`` per hour squared: fair days, the sum over each day of the squared
      differences between each working technician's busy hours (driving plus on-site
      work) and the day's mean (two technicians at 5 h and 3 h cost 2 x ``balance``).
    * In a re-plan, the cost of changing what customers were told (``stability``).
    """

    unplanned: dict[Urgency, float] = Field(default_factory=lambda: _by_urgency(10_000, 3_000, 1_000, 300))
    breach: float = Field(default=0.1, ge=0, le=1)
    late_shares: tuple[float, ...] = (0.3, 0.3)
    late_spans_min: tuple[float, ...] = (240.0, 4320.0)
    deferral_floor: float = Field(default=0.1, ge=0, le=1)
    deferral_days: float = Field(default=10.0, gt=0)
    backlog_per_day: float = Field(default=0.1, ge=0)
    backlog_cap: float = Field(default=2.0, ge=1)
    emergency_sla_min: float = Field(default=240.0, gt=0)
    overtime_per_min: float = Field(default=2.0, ge=0)
    travel_per_min: float = Field(default=1.0, ge=0)
    waiting_per_min: float = Field(default=0.0, ge=0)
    preferred_miss: float = Field(default=30.0, ge=0)
    balance: float = Field(default=1.0, ge=0)
    stability: StabilityWeights = Field(default_factory=StabilityWeights)

    @model_validator(mode="after")
    def _complete(self) -> ObjectiveWeights:
        missing = [u.value for u in Urgency if u not in self.unplanned]
        if missing:
            raise ValueError(f"unplanned lacks a weight for {', '.join(missing)}")
        if any(v < 0 for v in self.unplanned.values()):
            raise ValueError("unplanned weights must be >= 0")
        if len(self.late_shares) != len(self.late_spans_min):
            raise ValueError("late_shares and late_spans_min must have one entry per span")
        if any(s < 0 for s in self.late_shares) or any(m <= 0 for m in self.late_spans_min):
            raise ValueError("late_shares must be >= 0 and late_spans_min > 0")
        if self.breach + sum(self.late_shares) > 1:
            raise ValueError(
                "breach + sum(late_shares) must be at most 1: a late visit may not cost more than leaving the order out"
            )
        return self


TravelSource = Literal["haversine", "calibrated", "osrm", "osm"]


class TravelSettings(Frozen):
    """Where travel times come from: ``source`` and the settings of that source.

    * ``haversine`` (default): great-circle distance x ``detour_factor`` at ``speed_kmh``.
    * ``calibrated``: great-circle distance x ``detour_factor``, driven at
      ``band_min_per_km[b]`` minutes per km for the part of the road distance in band
      ``b`` (bands start at ``band_starts_km``, the first at 0): the model
      :func:`optimizer.travel.calibrate` fits to known trips.
    * ``osrm``: the OSRM server at ``osrm_url`` (routing ``osrm_profile``, asked at
      most ``osrm_max_table_size`` x as many places per request).
    * ``osm``: the roads of the OpenStreetMap extract ``osm_file`` (``.osm.pbf``).

    For the road sources, a place farther than ``max_snap_m`` metres from a road is
    an error. See :mod:`optimizer.travel` for how each source computes travel.
    """

    source: TravelSource = "haversine"
    detour_factor: float = Field(default=1.3, ge=1.0, le=5.0)
    speed_kmh: float = Field(default=40.0, gt=0.0, le=200.0)
    band_starts_km: tuple[float, ...] = ()
    band_min_per_km: tuple[float, ...] = ()
    osrm_url: str | None = None
    osrm_profile: str = "driving"
    osrm_max_table_size: int = Field(default=100, ge=1)
    osm_file: Path | None = None
    max_snap_m: float = Field(default=1_000.0, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> TravelSettings:
        if self.source == "osrm" and not self.osrm_url:
            raise ValueError("source 'osrm' needs osrm_url (e.g. http://127.0.0.1:5000)")
        if self.source == "osm" and self.osm_file is None:
            raise ValueError("source 'osm' needs osm_file (an .osm.pbf extract)")
        if self.source == "calibrated":
            starts, rates = self.band_starts_km, self.band_min_per_km
            if not starts or len(starts) != len(rates):
                raise ValueError("source 'calibrated' needs band_starts_km and band_min_per_km of equal length")
            if starts[0] != 0 or any(b <= a for a, b in itertools.pairwise(starts)) or min(rates) <= 0:
                raise ValueError("band_starts_km must start at 0 and increase; band_min_per_km must be > 0")
        return self

    def describe(self) -> str:
        """One line naming the source, for logs, manifests and reports."""
        if self.source == "osrm":
            return f"OSRM at {self.osrm_url} ({self.osrm_profile})"
        if self.source == "osm":
            return f"road graph of {self.osm_file}"
        if self.source == "calibrated":
            return f"calibrated great-circle model (detour {self.detour_factor:g}, {len(self.band_starts_km)} bands)"
        return f"great-circle distance x {self.detour_factor:g} at {self.speed_kmh:g} km/h"


SolverName = Literal["auto", "legacy", "search", "ortools", "pyvrp", "vroom", "insertion", "repair"]
"""The registered back-ends (``optimizer.solvers.SOLVERS``)."""

DEFAULT_TIME_LIMIT_S = 30.0
"""Seconds a plan may take when neither a time limit nor a work limit is given."""
REPLAN_TIME_LIMIT_S = 10.0
"""The same for a re-plan, which starts from a plan and has less to do."""


class SolveOptions(Frozen):
    """How to solve: the back-end, the time budget, the seed and the work limit.

    ``time_limit`` is in seconds for the whole call, from reading the instance to the
    finished plan: a promise (see the README's "Reproducibility" for the margin).
    Left out, it is :data:`DEFAULT_TIME_LIMIT_S`, or no limit at all where a work
    limit is given. ``max_solutions`` is the work limit, in each back-end's own unit
    (improving solutions for OR-tools, iterations for PyVRP, parts tried for the VROOM
    search): under it the searches are not split by time, so the same input and seed
    give the same plan on any machine, unless the time limit ends the search first
    (the plan's ``info.status`` says so).
    """

    solver: SolverName = "auto"
    time_limit: float | None = Field(default=None, gt=0)
    seed: int = 0
    max_solutions: int | None = Field(default=None, ge=1)

    def seconds(self, default: float = DEFAULT_TIME_LIMIT_S) -> float | None:
        """The time budget in seconds: ``time_limit``, else ``default`` where there is
        no work limit, else ``None`` (the work limit alone ends the search)."""
        if self.time_limit is not None:
            return self.time_limit
        return None if self.max_solutions is not None else default
