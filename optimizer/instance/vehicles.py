"""Compilation step "vehicles, shifts and breaks": one vehicle per technician-day that
can take new work, with its working time, break and capacity in seconds.

Each day has the hours of its weekday (``Technician.shift_on``), cut by the
technician's ``away`` intervals. In a re-plan a day starts no earlier than ``now`` or
the end of its fixed stops, from where they ended; unavailability cuts it too. A
break that was taken, or whose latest start passed before the day starts, is forgone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import UNLIMITED, BoolArray, FloatArray, IntArray
from optimizer.instance.remaining import Resume
from optimizer.models import Problem, Technician
from optimizer.models.objective import working_days
from optimizer.timeaxis import TimeAxis, utc


class WorkingTime:
    """When technicians may do new work in a problem (seconds on its time axis):
    not before a re-plan's ``now`` and not while they are unavailable."""

    def __init__(self, problem: Problem, axis: TimeAxis) -> None:
        self.problem = problem
        self.progress = problem.progress
        self.axis = axis
        self.now_s: int | None = None if self.progress is None else axis.seconds_from(self.progress.now)
        self.not_before: dt.datetime = problem.horizon_start if self.progress is None else self.progress.now

    def bounds(self, technician: Technician, first_s: int, last_s: int) -> tuple[int, int]:
        """The working interval [first, last] of a day narrowed by the technician's
        absences and unavailability (:meth:`~optimizer.models.Problem.working_time`)."""
        if self.progress is None and not technician.away:
            return first_s, last_s
        at = self.axis.instant
        first, last = self.problem.working_time(technician, utc(at(first_s)), utc(at(last_s)))
        return self.axis.seconds_from(first), self.axis.seconds(last)

    def works(self, technician: Technician, day: dt.date) -> bool:
        """Whether the technician can do new work on ``day``."""
        hours = technician.shift_on(day)
        if hours is None or day in technician.absent:
            return False
        first_s = self.axis.local_seconds(day, hours.start)
        last_s = self.axis.local_seconds(day, hours.end) + 60 * technician.max_overtime_min
        first_s, last_s = self.bounds(technician, first_s, last_s)
        return max(first_s, self.now_s or 0) < last_s


@dataclass(frozen=True)
class Vehicles:
    """The vehicles' columns of the instance (see :class:`~optimizer.instance.Instance`),
    and each vehicle's (technician, day) indices."""

    keys: list[tuple[int, int]]
    vehicle_technician: IntArray
    vehicle_day: IntArray
    vehicle_start_loc: IntArray
    vehicle_end_loc: IntArray
    vehicle_shift_start_s: IntArray
    vehicle_shift_end_s: IntArray
    vehicle_latest_end_s: IntArray
    vehicle_break_start_s: IntArray
    vehicle_break_end_s: IntArray
    vehicle_break_duration_s: IntArray
    vehicle_capacity: FloatArray
    vehicle_max_orders: IntArray
    vehicle_max_travel_s: IntArray
    vehicle_busy_before_s: IntArray
    vehicle_home_early: BoolArray
    vehicle_home_from_s: IntArray
    day_others: IntArray

    @property
    def idle(self) -> BoolArray:
        """[V] days that can take no new work: no time left."""
        return self.vehicle_shift_start_s >= self.vehicle_latest_end_s


def compile_vehicles(
    problem: Problem,
    axis: TimeAxis,
    working: WorkingTime,
    resumes: dict[tuple[str, dt.date], Resume],
    first_resume_loc: int,
) -> Vehicles:
    """The technician-days of ``problem`` (what is left of a re-plan) that can take new
    work or resume after fixed stops; resumed days start at location
    ``first_resume_loc + k`` for the ``k``-th entry of ``resumes``."""
    techs = problem.technicians
    keys = [
        (t, d)
        for t, tech in enumerate(techs)
        for d, day in enumerate(problem.dates)
        if working.works(tech, day) or (tech.id, day) in resumes
    ]
    count = len(keys)
    technician = np.array([t for t, _ in keys], dtype=np.int64)

    def clock_seconds(clocks: list[dt.time | None]) -> IntArray:
        """Seconds of each vehicle's local wall-clock time on its day (-1 for None)."""
        return np.array(
            [-1 if c is None else axis.local_seconds(problem.dates[d], c) for c, (_, d) in zip(clocks, keys)],
            dtype=np.int64,
        ).reshape(count)

    vehicle_techs = [techs[t] for t, _ in keys]
    breaks = [tech.break_ for tech in vehicle_techs]
    hours = [techs[t].hours_on(problem.dates[d]) for t, d in keys]
    shift_start = clock_seconds([h.start for h in hours])
    shift_end = clock_seconds([h.end for h in hours])
    overtime_s = np.array([60 * t.max_overtime_min for t in vehicle_techs], dtype=np.int64).reshape(count)
    latest_end = shift_end + overtime_s
    break_start = clock_seconds([None if b is None else b.start for b in breaks])
    break_end = clock_seconds([None if b is None else b.end for b in breaks])
    break_duration = np.array([0 if b is None else 60 * b.duration_min for b in breaks], dtype=np.int64).reshape(count)
    max_orders = np.array(
        [UNLIMITED if t.max_orders_per_day is None else t.max_orders_per_day for t in vehicle_techs], dtype=np.int64
    ).reshape(count)
    max_travel_s = np.array(
        [UNLIMITED if t.max_travel_min is None else round(60 * t.max_travel_min) for t in vehicle_techs],
        dtype=np.int64,
    ).reshape(count)
    busy_before = np.zeros(count, dtype=np.int64)
    start_loc = technician.copy()
    full_end = latest_end.copy()
    resumed_s = np.full(count, -1, dtype=np.int64)  # when a resumed day's fixed stops end
    for v, (t, _) in enumerate(keys):
        if techs[t].away and working.now_s is None:  # a re-plan narrows below, with ``now``
            shift_start[v], latest_end[v] = working.bounds(techs[t], int(shift_start[v]), int(latest_end[v]))
    if working.now_s is not None:
        loc_of = {key: first_resume_loc + k for k, key in enumerate(resumes)}
        for v, (t, d) in enumerate(keys):
            resume = resumes.get((techs[t].id, problem.dates[d]))
            free_s = working.now_s if resume is None else max(working.now_s, axis.seconds_from(resume.at))
            shift_start[v], latest_end[v] = working.bounds(techs[t], int(shift_start[v]), int(latest_end[v]))
            shift_start[v] = max(shift_start[v], free_s)
            if resume is not None:
                resumed_s[v] = axis.seconds_from(resume.at)
                start_loc[v] = loc_of[(techs[t].id, problem.dates[d])]
                busy_before[v] = resume.busy_s
                if resume.break_taken:
                    break_duration[v] = 0
                if max_orders[v] != UNLIMITED:
                    max_orders[v] = max(0, max_orders[v] - resume.orders)
                if max_travel_s[v] != UNLIMITED:
                    max_travel_s[v] = max(0, max_travel_s[v] - round(60 * resume.travel_min))
    # without new stops: a day ended before now went home after its fixed stops (history)
    over = (resumed_s >= 0) & (latest_end <= (working.now_s or 0))
    home_from = np.where(over, resumed_s, np.maximum(shift_start, resumed_s))
    home_early = (latest_end < full_end) | over  # by an absence (the checker's "home early"), or over
    # A day that resumes too late for new work keeps its vehicle (for the drive home
    # after the fixed stops) with an empty working time.
    latest_end = np.maximum(latest_end, shift_start)
    # A break whose latest start passed before the day starts (after an absence, or
    # when a re-plan resumes it) is forgone.
    forgone = (break_duration == 0) | (break_end < shift_start)
    break_start[forgone], break_end[forgone], break_duration[forgone] = -1, -1, 0
    # No break before the day starts (OR-tools would otherwise place it before a start
    # that a re-plan moved into the break window).
    break_start = np.where(break_duration > 0, np.maximum(break_start, shift_start), break_start)
    # A day that must end by the latest break start never takes the break (the break
    # rule of optimizer.solvers.schedule): drop it, so no back-end is asked to place it.
    never = (break_duration > 0) & (latest_end <= break_end)
    break_start[never], break_end[never], break_duration[never] = -1, -1, 0
    return Vehicles(
        keys=keys,
        vehicle_technician=technician,
        vehicle_day=np.array([d for _, d in keys], dtype=np.int64),
        vehicle_start_loc=start_loc,
        vehicle_end_loc=technician.copy(),
        vehicle_shift_start_s=shift_start,
        vehicle_shift_end_s=shift_end,
        vehicle_latest_end_s=latest_end,
        vehicle_break_start_s=break_start,
        vehicle_break_end_s=break_end,
        vehicle_break_duration_s=break_duration,
        vehicle_capacity=np.array(
            [np.inf if t.capacity is None else t.capacity for t in vehicle_techs], dtype=np.float64
        ).reshape(count),
        vehicle_max_orders=max_orders,
        vehicle_max_travel_s=max_travel_s,
        vehicle_busy_before_s=busy_before,
        vehicle_home_early=home_early,
        vehicle_home_from_s=home_from,
        day_others=_others(working.problem, keys, resumes),
    )


def _others(problem: Problem, keys: list[tuple[int, int]], resumes: dict[tuple[str, dt.date], Resume]) -> IntArray:
    """[days] technicians who count for fair days on each day (they work that day, see
    :func:`~optimizer.models.objective.working_days`, or a re-plan resumes their day)
    without a vehicle: a re-plan's ``now`` came after their working time."""
    counted = working_days(problem)
    for technician_id, day in resumes:
        counted[day].add(technician_id)
    vehicles = np.bincount([d for _, d in keys], minlength=len(problem.dates))
    return np.array([len(counted[day]) for day in problem.dates], dtype=np.int64) - vehicles
