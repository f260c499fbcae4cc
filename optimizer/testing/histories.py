"""Seeded histories of completed visits with a known truth, for tests and benchmarks.

How long a visit really takes (minutes) is ``planned x type x technician x learning x
noise``: each order type has its own median ratio to the planned minutes and its own
log-normal spread (repairs and complaints run long and vary most, maintenance is
predictable); each technician a speed (log-normal around 1); every technician gets a
little faster over time (``learning`` per year); the noise is log-normal (long tails).
:class:`Truth` holds the parameters, so a test knows the answer a model should find
and a benchmark can execute plans with the durations they will really take.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.models import OrderType
from optimizer.models.durations import HistoryVisit

TYPE_RATIO = {
    OrderType.MAINTENANCE: 0.95,
    OrderType.REPAIR: 1.25,
    OrderType.COMPLAINT: 1.15,
    OrderType.INSTALLATION: 1.10,
    OrderType.INSPECTION: 0.90,
}
"""Median actual over planned minutes per order type."""
TYPE_SPREAD = {
    OrderType.MAINTENANCE: 0.12,
    OrderType.REPAIR: 0.40,
    OrderType.COMPLAINT: 0.30,
    OrderType.INSTALLATION: 0.25,
    OrderType.INSPECTION: 0.15,
}
"""Standard deviation of the log ratio per order type."""
SKILLS = ("hvac", "electrical", "plumbing", "gas", "refrigeration")


@dataclass(frozen=True)
class Truth:
    """What the history was drawn from: per type the median ratio and log spread, per
    technician the speed factor, the speed-up per year, and the history's last day."""

    type_ratio: dict[OrderType, float]
    type_spread: dict[OrderType, float]
    speed: dict[str, float]
    learning_per_year: float
    until: dt.date

    def median_min(self, planned_min: float, type_: OrderType, technician_id: str, day: dt.date) -> float:
        """The median minutes of a visit on ``day``."""
        years = (self.until - day).days / 365.0
        return planned_min * self.type_ratio[type_] * self.speed[technician_id] * np.exp(self.learning_per_year * years)

    def sample_min(
        self, planned_min: float, type_: OrderType, technician_id: str, day: dt.date, rng: np.random.Generator
    ) -> float:
        """A draw of the minutes a visit on ``day`` takes."""
        median = self.median_min(planned_min, type_, technician_id, day)
        return float(median * np.exp(rng.normal(0.0, self.type_spread[type_])))


def generate(
    n_visits: int,
    technicians: list[str],
    *,
    days: int = 365,
    until: dt.date = dt.date(2026, 11, 20),
    seed: int = 0,
    learning_per_year: float = 0.1,
) -> tuple[pd.DataFrame, Truth]:
    """A history of ``n_visits`` visits by ``technicians`` over the ``days`` days up to
    ``until`` (columns of the history table) and its truth. Technicians do unequal
    shares of the work (some have little history), types follow a realistic mix, and
    planned minutes are the round figures planners write (15-minute steps)."""
    rng = np.random.default_rng([seed, 24])
    speed = {t: float(np.exp(rng.normal(0.0, 0.15))) for t in technicians}
    truth = Truth(dict(TYPE_RATIO), dict(TYPE_SPREAD), speed, learning_per_year, until)
    share = rng.dirichlet(np.full(len(technicians), 0.8))
    types = list(TYPE_RATIO)
    rows = []
    for k in range(n_visits):
        technician = technicians[int(rng.choice(len(technicians), p=share))]
        type_ = types[int(rng.choice(len(types), p=[0.35, 0.3, 0.12, 0.06, 0.17]))]
        planned = float(15 * rng.integers(2, 13))
        day = until - dt.timedelta(days=int(rng.integers(0, days)))
        skills = ";".join(sorted(set(rng.choice(SKILLS, size=int(rng.integers(1, 3)), replace=False).tolist())))
        rows.append(
            {
                "order_id": f"H-{k + 1:06d}",
                "type": type_.value,
                "skills": skills,
                "technician_id": technician,
                "planned_min": planned,
                "actual_min": round(truth.sample_min(planned, type_, technician, day, rng), 1),
                "date": day.isoformat(),
            }
        )
    return pd.DataFrame(rows).sort_values(["date", "order_id"], ignore_index=True), truth


def as_visits(frame: pd.DataFrame) -> list[HistoryVisit]:
    """The rows of a generated history as visits (skills split into names)."""
    rows = frame.to_dict("records")
    return [HistoryVisit.model_validate(row | {"skills": frozenset(str(row["skills"]).split(";"))}) for row in rows]
