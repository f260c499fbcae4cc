"""Parameter bundles of a problem: objective weights and the travel model."""

from __future__ import annotations

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
    """Weights of the objective, in cost units. Defaults are those of DESIGN.md.

    cost = sum of ``unplanned[u]`` over unplanned orders
         + sum of ``late_per_min[u]`` x minutes the service starts after ``due``
         + ``overtime_per_min`` x minutes past shift end
         + ``travel_per_min`` x minutes of travel
         + in a re-plan, the cost of changing what customers were told (``stability``).
    """

    unplanned: dict[Urgency, float] = Field(
        default_factory=lambda: _by_urgency(10_000, 3_000, 1_000, 300)
    )
    late_per_min: dict[Urgency, float] = Field(default_factory=lambda: _by_urgency(50, 20, 5, 1))
    overtime_per_min: float = Field(default=2.0, ge=0)
    travel_per_min: float = Field(default=1.0, ge=0)
    stability: StabilityWeights = Field(default_factory=StabilityWeights)

    @model_validator(mode="after")
    def _complete(self) -> ObjectiveWeights:
        for name in ("unplanned", "late_per_min"):
            table = getattr(self, name)
            missing = [u.value for u in Urgency if u not in table]
            if missing:
                raise ValueError(f"{name} lacks a weight for {', '.join(missing)}")
            if any(v < 0 for v in table.values()):
                raise ValueError(f"{name} weights must be >= 0")
        return self


class TravelSettings(Frozen):
    """The embedded travel model: great-circle distance x ``detour_factor`` at ``speed_kmh``."""

    detour_factor: float = Field(default=1.3, ge=1.0, le=5.0)
    speed_kmh: float = Field(default=40.0, gt=0.0, le=200.0)
