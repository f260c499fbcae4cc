"""The independent plan checker: feasibility and cost recomputed from the problem alone.

It never trusts a solver: it reads the plan's stops and times, recomputes travel from
the travel model, windows and shifts from the problem, and reports every violation as
data (:class:`Violation`) with a sentence. The objective is recomputed by
:mod:`optimizer.check.pricing` (its own arithmetic) from the plan's times and the
travel of the legs it drives (asked per technician: no matrix of every place), and
compared with the objective the plan states. Every leg is also
bounded by the great-circle distance (geopy's, not ours) at :data:`MAX_CROW_KMH`: a
travel source that claims faster is wrong.

In a re-plan (a problem with progress) each fixed route must open its technician-day
exactly as given; fixed stops are history and not checked again. Every other stop
starts no earlier than ``now``, no new work falls where a technician is unavailable,
and the stability cost of changed promises is part of the objective.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from optimizer.check.pricing import Pricing, hours_of, waiting_minutes
from optimizer.models import Depot, Order, Plan, Problem, Route, Stop, StopKind, Technician
from optimizer.models.base import Located
from optimizer.models.durations import DurationGroup
from optimizer.timeaxis import elapsed_s, utc
from optimizer.travel import TravelMatrix, TravelProvider, travel_provider

_TOLERANCE_S = 1e-6
_RELATIVE_COST_TOLERANCE = 1e-6
MAX_CROW_KMH = 200.0
"""The fastest any leg may be driven, measured as the crow flies (km/h)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: its kind (e.g. ``"window"``), a sentence, and where."""

    kind: str
    message: str
    technician_id: str | None = None
    date: dt.date | None = None
    order_id: str | None = None

    def __str__(self) -> str:
        where = " ".join(str(x) for x in (self.technician_id, self.date, self.order_id) if x)
        return f"[{self.kind}] {where + ': ' if where else ''}{self.message}"


@dataclass(frozen=True)
class CheckReport:
    """The checker's verdict: violations (empty when feasible) and the recomputed objective."""

    violations: tuple[Violation, ...]
    objective: float
    terms: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the plan is feasible and states its objective correctly."""
        return not self.violations

    def kinds(self) -> set[str]:
        """The kinds of violation found."""
        return {v.kind for v in self.violations}

    def __str__(self) -> str:
        if self.ok:
            return f"plan is valid; objective {self.objective:.2f}"
        lines = "\n".join(f"  {v}" for v in self.violations)
        return f"plan has {len(self.violations)} violation(s):\n{lines}"


def check(problem: Problem, plan: Plan, *, travel: TravelProvider | None = None) -> CheckReport:
    """Check ``plan`` against ``problem``; ``travel`` must be the provider it was planned
    with (default: the one the problem's travel settings name)."""
    return _Checker(problem, travel).run(plan)


def _interrupting_breaks(stops: tuple[Stop, ...]) -> dict[int, int]:
    """Breaks that interrupt a visit (the long-job rule of :mod:`optimizer.solvers.schedule`):
    position of the order stop -> position of the break listed right after it that
    lies within the visit's start and end."""
    return {
        k: k + 1
        for k in range(len(stops) - 1)
        if stops[k].kind is StopKind.ORDER
        and stops[k + 1].kind is StopKind.BREAK
        and utc(stops[k].start) <= utc(stops[k + 1].start)
        and utc(stops[k + 1].end) <= utc(stops[k].end)
    }


def _work_s(stop: Stop, pause: Stop | None) -> float:
    """Seconds of a visit's own work: its span less the break that interrupts it."""
    return elapsed_s(stop.end, stop.start) - (elapsed_s(pause.end, pause.start) if pause else 0.0)


def _in_utc(stop: Stop) -> Stop:
    """The stop with its instants in UTC, so comparisons are exact across DST changes."""
    return stop.model_copy(update={"arrival": utc(stop.arrival), "start": utc(stop.start), "end": utc(stop.end)})


class _Checker:
    def __init__(self, problem: Problem, travel: TravelProvider | None) -> None:
        self.problem = problem
        places: list[Located] = [*problem.technicians, *problem.orders, *problem.depots]
        self.provider = travel or travel_provider(problem.travel)
        self.lat = np.array([p.lat for p in places], dtype=float)
        self.lon = np.array([p.lon for p in places], dtype=float)
        self.places = [(p.lat, p.lon) for p in places]
        self.routes_of: defaultdict[str, list[Route]] = defaultdict(list)
        self.legs: dict[str, tuple[dict[int, int], TravelMatrix]] = {}
        from geopy.distance import great_circle  # here, not at import: geopy takes 0.1 s to load

        self.great_circle = great_circle
        self.pricing = Pricing(problem)
        self.days_of: dict[str, list[Route]] = {}
        self.first_start: dict[str, dt.datetime] = {}
        self.service_s: defaultdict[str, float] = defaultdict(float)
        n_techs, n_orders = len(problem.technicians), len(problem.orders)
        self.tech_loc = {t.id: i for i, t in enumerate(problem.technicians)}
        self.order_loc = {o.id: n_techs + i for i, o in enumerate(problem.orders)}
        self.depot_loc = {d.id: n_techs + n_orders + i for i, d in enumerate(problem.depots)}
        self.orders = problem.order_by_id
        self.technicians = problem.technician_by_id
        self.fixed = {(r.technician_id, r.date): r for r in problem.progress.fixed} if problem.progress else {}
        self.now = utc(problem.progress.now) if problem.progress else None
        self.violations: list[Violation] = []
        self.busy_s: dict[tuple[dt.date, str], float] = {}
        model = problem.durations
        self.duration_groups: dict[tuple[object, ...], DurationGroup] = (
            {} if model is None else {(g.type, g.skills, g.technician_id): g for g in model.groups}
        )

    def drive(self, technician_id: str, origin: int, destination: int) -> tuple[int, int]:
        """Seconds and metres from place ``origin`` to ``destination`` on the travel source.

        Only the legs a plan drives are needed, so the source is asked, per technician,
        for the places that technician's routes visit (home, orders, depots): a plan of
        20,000 orders is checked without a 20,000 x 20,000 matrix. Every source gives a
        pair the same travel in any set of places."""
        if technician_id not in self.legs:
            visited = {self.tech_loc[technician_id]}
            for route in self.routes_of[technician_id]:
                for stop in route.stops:
                    if stop.kind is StopKind.ORDER and stop.order_id in self.order_loc:
                        visited.add(self.order_loc[stop.order_id])
                    elif stop.kind is StopKind.PICKUP and stop.depot_id in self.depot_loc:
                        visited.add(self.depot_loc[stop.depot_id])
            ordered = sorted(visited)
            matrix = self.provider.matrix(self.lat[ordered], self.lon[ordered])
            self.legs[technician_id] = ({place: k for k, place in enumerate(ordered)}, matrix)
        index, matrix = self.legs[technician_id]
        i, j = index[origin], index[destination]
        return int(matrix.duration_s[i, j]), int(matrix.distance_m[i, j])

    def clock(self, instant: dt.datetime, with_date: bool = False) -> str:
        """An instant as local time for messages."""
        return instant.astimezone(self.problem.zone).strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")

    def flag(self, kind: str, message: str, route: Route | None = None, order: str | None = None) -> None:
        self.violations.append(
            Violation(
                kind,
                message,
                technician_id=route.technician_id if route else None,
                date=route.date if route else None,
                order_id=order,
            )
        )

    def run(self, plan: Plan) -> CheckReport:
        problem = self.problem
        visited: defaultdict[str, list[tuple[Route, Stop, Stop | None]]] = defaultdict(list)
        for route in plan.routes:
            interrupting = _interrupting_breaks(route.stops)
            for k, stop in enumerate(route.stops):
                if stop.kind is StopKind.ORDER and stop.order_id in self.orders:
                    pause = route.stops[interrupting[k]] if k in interrupting else None
                    visited[stop.order_id].append((route, stop, pause))
        for order_id, stops in visited.items():
            self.first_start[order_id] = min(utc(stop.start) for _, stop, _ in stops)
            if len(stops) > 1 and self.orders[order_id].crew == 1:
                self.days_of[order_id] = [route for route, _, _ in stops]
                self.service_s[order_id] = sum(_work_s(stop, pause) for _, stop, pause in stops)
        for route in plan.routes:
            self.routes_of[route.technician_id].append(route)
        travel_s_total = 0
        lateness = 0.0
        preferred = 0.0
        waiting_min = 0.0
        overtime_min = 0.0
        seen: Counter[str] = Counter()
        route_keys: Counter[tuple[str, dt.date]] = Counter()
        for route in plan.routes:
            route_keys[(route.technician_id, route.date)] += 1
            tech = self.technicians.get(route.technician_id)
            if tech is None:
                self.flag("unknown_technician", "route of a technician not in the problem", route)
                continue
            travelled, ot = self.route(route, tech)
            travel_s_total += travelled
            overtime_min += ot
            waiting_min += waiting_minutes(route)
            for stop in route.stops:
                if stop.kind is StopKind.ORDER and stop.order_id in self.orders:
                    seen[stop.order_id] += 1
                    if utc(stop.start) == self.first_start[stop.order_id] and not stop.helper:
                        lateness += self.pricing.lateness(self.orders[stop.order_id], stop.start)
                        preferred += self.pricing.preference(self.orders[stop.order_id], route.technician_id)
        for key, count in route_keys.items():
            if count > 1:
                self.flag("duplicate_route", f"{count} routes for {key[0]} on {key[1]}")
        for key in set(self.fixed) - set(route_keys):
            self.flag("fixed_changed", f"the fixed stops of {key[0]} on {key[1]} are not in the plan")
        unplanned_ids = Counter(u.order_id for u in plan.unplanned)
        for order in problem.orders:
            total = seen[order.id] + unplanned_ids[order.id]
            if order.crew > 1 and seen[order.id]:
                self.crew(order, visited[order.id])
            elif seen[order.id] > 1:
                self.multi_day(order)
            if seen[order.id] and unplanned_ids[order.id]:
                self.flag("duplicate_order", "both visited and reported unplanned", order=order.id)
            if total == 0:
                self.flag("missing_order", "neither visited nor reported unplanned", order=order.id)
            if unplanned_ids[order.id] > 1:
                self.flag("duplicate_order", "reported unplanned more than once", order=order.id)
        for order_id in set(unplanned_ids) - set(self.orders):
            self.flag("unknown_order", "unplanned order not in the problem", order=order_id)
        self.supplies(plan)
        self.links(visited)

        unplanned = [self.orders[o] for o in unplanned_ids if o in self.orders]
        unplanned += [o for o in problem.orders if seen[o.id] + unplanned_ids[o.id] == 0]
        visits = {
            s.order_id: (r.technician_id, utc(s.start))
            for r in plan.routes
            for s in r.stops
            if s.kind is StopKind.ORDER and s.order_id and not s.helper
        }
        weights = problem.weights
        terms = {
            "unplanned": float(sum(self.pricing.leave_out(o) for o in unplanned)),
            "lateness": lateness,
            "overtime": overtime_min * weights.overtime_per_min,
            "travel": travel_s_total * weights.travel_per_min / 60,
            "waiting": waiting_min * weights.waiting_per_min,
            "preferred": preferred,
            "balance": self.balance(),
            "stability": self.pricing.stability(visits),
        }
        objective = sum(terms.values())
        stated = plan.kpis.objective
        if abs(stated - objective) > _RELATIVE_COST_TOLERANCE * max(1.0, abs(objective)):
            self.flag(
                "objective_mismatch",
                f"plan states objective {stated:.4f}, recomputed {objective:.4f}",
            )
        return CheckReport(tuple(self.violations), objective, terms)

    # -- one route -------------------------------------------------------------------

    def route(self, route: Route, tech: Technician) -> tuple[int, float]:
        """Check one route; returns its travel seconds (from the matrix) and overtime minutes."""
        problem = self.problem
        stops = tuple(_in_utc(s) for s in route.stops)
        if route.date not in problem.dates:
            self.flag("outside_horizon", "route date is outside the horizon", route)
        hours = hours_of(tech, route.date)
        if hours is None:
            self.flag("not_a_workday", "technician does not work on this date", route)
            hours = tech.shift or tech.shifts[0].hours  # held to a workday's hours all the same
        if len(stops) < 2 or stops[0].kind is not StopKind.START or stops[-1].kind is not StopKind.END:
            self.flag("route_shape", "a route must begin with a start and finish with an end", route)
            return 0, 0.0
        if any(s.kind in (StopKind.START, StopKind.END) for s in stops[1:-1]):
            self.flag("route_shape", "start or end stop in the middle of a route", route)

        def local(clock: dt.time) -> dt.datetime:
            return utc(dt.datetime.combine(route.date, clock, tzinfo=problem.zone))

        shift_start, shift_end = local(hours.start), local(hours.end)
        latest_end = shift_end + dt.timedelta(minutes=tech.max_overtime_min)
        n_fixed = self.fixed_prefix(route, stops)
        new = stops[n_fixed:-1]
        day_from, cut = shift_start, False
        if stops[0].end < shift_start and n_fixed == 0:  # a fixed start is history, as reported
            self.flag("shift", f"leaves home at {self.clock(stops[0].end)}, before the shift starts", route)
        if self.now is not None:
            for stop in new:
                if stop.start < self.now:
                    self.flag(
                        "before_now",
                        f"{stop.kind.value} stop starts {self.clock(stop.start)}, before now ({self.clock(self.now)})",
                        route,
                        stop.order_id,
                    )
        works_on = any(s.kind in (StopKind.ORDER, StopKind.PICKUP) for s in new)
        # after fixed stops and nothing new, the way home (with the break the break rule
        # asks for) is no new work: it is bounded by the drive instead (going_home below)
        going_home = n_fixed > 0 and not works_on
        day_from, cut = self.availability(route, tech, () if going_home else new, stops[-1], shift_start, latest_end)
        if stops[-1].arrival > latest_end and new and not going_home:
            self.flag(
                "shift",
                f"back home at {self.clock(stops[-1].arrival)}, after shift end plus allowed "
                f"overtime ({self.clock(latest_end)})",
                route,
            )
        for stop in stops:
            if not stop.arrival <= stop.start <= stop.end:
                self.flag(
                    "time_order", f"{stop.kind.value} stop has arrival > start or start > end", route, stop.order_id
                )

        travelled = 0
        worked_s = 0.0
        load = 0.0
        prev, prev_loc = stops[0], self.tech_loc[tech.id]
        pending_breaks: list[Stop] = []
        interrupting = _interrupting_breaks(stops)
        for position, stop in enumerate(stops[1:], start=1):
            if stop.kind is StopKind.BREAK:
                if position not in interrupting.values():
                    pending_breaks.append(stop)
                continue
            loc = self.location(stop, tech, route)
            if loc is None:
                prev = stop
                pending_breaks = []
                continue
            drive, distance = self.drive(tech.id, prev_loc, loc)
            travelled += drive
            history = position < n_fixed
            if not history:
                self.leg(route, prev, stop, drive, distance, pending_breaks)
                self.speed(route, stop, prev_loc, loc, drive)
            if stop.kind is StopKind.PICKUP:
                worked_s += elapsed_s(stop.end, stop.start)
            if stop.kind is StopKind.ORDER and stop.order_id:
                order = self.orders[stop.order_id]
                pause = stops[interrupting[position]] if position in interrupting else None
                worked_s += _work_s(stop, pause)
                if not history:
                    self.visit(route, tech, order, stop, pause)
                load += order.load
            prev, prev_loc, pending_breaks = stop, loc, []
        if tech.capacity is not None and load > tech.capacity + 1e-9:
            self.flag("capacity", f"load {load:g} exceeds van capacity {tech.capacity:g}", route)
        self.busy_s[(route.date, tech.id)] = travelled + worked_s
        served = len({s.order_id for s in stops if s.kind is StopKind.ORDER})
        if tech.max_orders_per_day is not None and served > tech.max_orders_per_day:
            self.flag("max_orders", f"serves {served} orders, at most {tech.max_orders_per_day} a day", route)
        if tech.max_travel_min is not None and travelled > round(60 * tech.max_travel_min) + _TOLERANCE_S:
            self.flag("max_travel", f"drives {travelled / 60:.1f} min, at most {tech.max_travel_min:g} a day", route)
        resumes = max([day_from, *([self.now] if self.now else []), *(s.end for s in stops[1:n_fixed])])
        self.breaks(route, tech, stops, resumes=resumes, home_early=cut and not works_on)
        if going_home:
            self.straight_home(route, new, stops[-1], resumes)
        overtime = max(0.0, elapsed_s(stops[-1].arrival, shift_end) / 60)
        return travelled, overtime

    def location(self, stop: Stop, tech: Technician, route: Route) -> int | None:
        if stop.kind is StopKind.END:
            return self.tech_loc[tech.id]
        if stop.kind is StopKind.ORDER:
            if stop.order_id not in self.order_loc:
                self.flag("unknown_order", "visit of an order not in the problem", route, stop.order_id)
                return None
            return self.order_loc[stop.order_id]
        if stop.kind is StopKind.PICKUP:
            if stop.depot_id not in self.depot_loc:
                self.flag("unknown_depot", f"pickup at unknown depot {stop.depot_id!r}", route)
                return None
            return self.depot_loc[stop.depot_id]
        return None

    def leg(self, route: Route, prev: Stop, stop: Stop, drive_s: int, distance_m: int, breaks: list[Stop]) -> None:
        """The drive from ``prev`` to ``stop`` with the breaks taken in between."""
        gap_s = elapsed_s(stop.start, prev.end)
        rest_s = sum(elapsed_s(b.end, b.start) for b in breaks)
        label = stop.order_id or stop.kind.value
        if elapsed_s(stop.arrival, prev.end) < drive_s - _TOLERANCE_S:
            self.flag(
                "travel",
                f"arrives at {label} {self.clock(stop.arrival)} but the drive from the previous "
                f"stop (left {self.clock(prev.end)}) takes {drive_s / 60:.1f} min",
                route,
                stop.order_id,
            )
        if gap_s < drive_s + rest_s - _TOLERANCE_S:
            self.flag("travel", f"the gap before {label} cannot hold the drive and the break", route, stop.order_id)
        for b in breaks:
            if b.start < prev.end or b.end > stop.start:
                self.flag("break", "break overlaps the stops around it", route)
        if abs(stop.travel_min - drive_s / 60) > 0.01 or abs(stop.travel_km - distance_m / 1000) > 0.01:
            self.flag(
                "travel_stated",
                f"states {stop.travel_min:.2f} min / {stop.travel_km:.3f} km to {label}, "
                f"the travel model gives {drive_s / 60:.2f} min / {distance_m / 1000:.3f} km",
                route,
                stop.order_id,
            )

    def multi_day(self, order: Order) -> None:
        """An order visited on several routes: one multi-day visit (the rule of
        :mod:`optimizer.solvers.multi_day`): one technician on consecutive working days
        of the horizon, one visit a day, the work done in all, no parts used."""
        routes = sorted(self.days_of[order.id], key=lambda r: r.date)
        technicians = {r.technician_id for r in routes}
        dates = [r.date for r in routes]
        if len(technicians) > 1 or len(set(dates)) < len(dates):
            self.flag("duplicate_order", f"visited {len(routes)} times, not as one multi-day visit", order=order.id)
            return
        tech = self.technicians[routes[0].technician_id]
        # every day of it a fixed stop: history (as reported, whatever the absences say),
        # and a job reported done early is done
        fixed = [self.fixed.get((r.technician_id, r.date)) for r in routes]
        history = all(prefix is not None and order.id in prefix.order_ids for prefix in fixed)
        working = [d for d in self.problem.dates if dates[0] <= d <= dates[-1] and self.time_on(tech, d)]
        if working != dates and not history:
            self.flag("multi_day", "the days of a multi-day visit are not consecutive working days", order=order.id)
        span = self.time_on(tech, dates[0])
        day_min = elapsed_s(span[1], span[0]) / 60 if span else 0.0
        if self.needed_s(order, tech) / 60 <= day_min:
            self.flag(
                "multi_day",
                f"split over days, but its {self.needed_s(order, tech) / 60:g} min fit one working day of "
                f"{day_min:g} min",
                order=order.id,
            )
        if not history and self.service_s[order.id] < self.needed_s(order, tech) - _TOLERANCE_S:
            self.flag(
                "duration",
                f"multi-day service of {self.service_s[order.id] / 60:.1f} min, "
                f"needs {self.needed_s(order, tech) / 60:g} min",
                order=order.id,
            )
        if order.parts:
            self.flag("multi_day", "a multi-day visit may not use parts", order=order.id)

    def crew(self, order: Order, stops: list[tuple[Route, Stop, Stop | None]]) -> None:
        """A visit of several technicians: ``crew`` members, each a different technician,
        one of them not a helper (the one with the order's skills, parts and tools), all
        on one day, starting and ending at the same instants, no break inside."""
        flag = lambda kind, msg: self.flag(kind, msg, order=order.id)  # noqa: E731
        technicians = {route.technician_id for route, _, _ in stops}
        if len(stops) != order.crew or len(technicians) != len(stops):
            flag("crew", f"needs {order.crew} technicians at once, has {len(technicians)} on {len(stops)} visits")
        leads = [stop for _, stop, _ in stops if not stop.helper]
        if len(leads) != 1:
            flag("crew", f"has {len(leads)} members who are not helpers, not one")
        if len({route.date for route, _, _ in stops}) > 1 or len({(utc(s.start), utc(s.end)) for _, s, _ in stops}) > 1:
            times = ", ".join(f"{self.clock(s.start, True)}-{self.clock(s.end)}" for _, s, _ in stops)
            flag("crew_synchrony", f"its members do not start and end together ({times})")
        if any(pause is not None for _, _, pause in stops):
            flag("crew_synchrony", "a break interrupts a crew's visit")

    def needed_s(self, order: Order, tech: Technician) -> float:
        """Seconds of work ``order`` takes ``tech``, to the nearest second: its own minutes
        for a crew (who work together) or where its duration is fixed; with learned
        durations, its minutes times the problem's quantile of the spread of the most
        specific group of the model; else times his efficiency factor for its skills
        (the largest of them; his overall factor where a skill has none)."""
        if order.crew > 1 or order.duration_fixed:
            return float(round(60 * order.duration_min))
        if self.duration_groups:
            named = tuple(sorted(order.skills))
            keys: list[tuple[object, ...]] = [
                (order.type, named, tech.id),
                (order.type, None, tech.id),
                (order.type, None, None),
                (None, None, tech.id),
                (None, None, None),
            ]
            group = next(self.duration_groups[k] for k in keys if k in self.duration_groups)
            z = NormalDist().inv_cdf(self.problem.duration_quantile)
            return float(round(60 * order.duration_min * math.exp(group.mean_log + group.sd_log * z)))
        factors = [tech.efficiency.skills.get(skill, tech.efficiency.factor) for skill in order.skills]
        return float(round(60 * order.duration_min * max(factors or [tech.efficiency.factor])))

    def speed(self, route: Route, stop: Stop, prev_loc: int, loc: int, drive_s: int) -> None:
        """The travel source's drive of ``drive_s`` seconds between two places is no
        faster than :data:`MAX_CROW_KMH` as the crow flies."""
        crow_km = self.great_circle(self.places[prev_loc], self.places[loc]).km
        if crow_km > MAX_CROW_KMH * (drive_s + 1) / 3600:
            self.flag(
                "travel_speed",
                f"the travel source drives {crow_km:.2f} km as the crow flies in {drive_s} s, "
                f"faster than {MAX_CROW_KMH:g} km/h",
                route,
                stop.order_id,
            )

    def visit(self, route: Route, tech: Technician, order: Order, stop: Stop, pause: Stop | None = None) -> None:
        """Qualification and timing of one visit (``pause``: a break that interrupts it)."""
        flag = lambda kind, msg: self.flag(kind, msg, route, order.id)  # noqa: E731
        needs = dict(order.crew_skills) if stop.helper else {**order.skills}
        if not stop.helper:
            for skill, level in order.crew_skills.items():
                needs[skill] = max(level, needs.get(skill, 0))
        for skill, level in needs.items():
            if tech.skills.get(skill, 0) < level:
                flag("skill", f"needs {skill}:{level}, technician has level {tech.skills.get(skill, 0)}")
        if stop.helper and order.crew == 1:
            flag("crew", "a helper at a visit of one technician")
        if order.technician is not None and order.technician != tech.id and not stop.helper:
            flag("required_technician", f"must be served by {order.technician}")
        if tech.id in order.excluded:
            flag("excluded_technician", f"{tech.id} is excluded from serving it")
        service_s = _work_s(stop, pause)
        if order.id in self.days_of:
            if stop.start != self.first_start[order.id]:
                return  # a later day of a multi-day visit: windows and release bind its first day
        elif service_s < self.needed_s(order, tech) - _TOLERANCE_S:
            flag("duration", f"service of {service_s / 60:.1f} min, needs {self.needed_s(order, tech) / 60:g} min")
        if order.release is not None and stop.start < utc(order.release):
            flag("release", f"starts {self.clock(stop.start, True)}, before release {self.clock(order.release, True)}")
        if order.windows and not any(utc(w.start) <= stop.start <= utc(w.end) for w in order.windows):
            flag("window", f"starts {self.clock(stop.start, True)}, outside every time window")

    # -- parts and tools over the horizon ------------------------------------------

    def links(self, visited: dict[str, list[tuple[Route, Stop, Stop | None]]]) -> None:
        """An order that follows another (``after``) is served only where that one is,
        starting at least its gap and at most ``after_max`` minutes after that visit
        ends (its last day's end), by the same technician where asked."""
        history = {o for route in self.fixed.values() for o in route.order_ids}
        for order in self.problem.orders:
            if order.after is None or order.id not in visited or order.id in history:
                continue  # a re-plan's fixed stops are history, kept as they were
            before = order.after.order_id
            if not visited.get(before):
                self.flag(
                    "predecessor_unplanned", f"served, but the order it follows ({before}) is not", order=order.id
                )
                continue
            ended = max(utc(stop.end) for _, stop, _ in visited[before])
            begun = min(utc(stop.start) for _, stop, _ in visited[order.id])
            waited_min = elapsed_s(begun, ended) / 60
            if waited_min < order.after.gap_min - _TOLERANCE_S:
                self.flag(
                    "after",
                    f"starts {waited_min:.1f} min after {before} ends ({self.clock(ended, True)}), "
                    f"not the {order.after.gap_min:g} it must wait",
                    order=order.id,
                )
            if order.after_max_min is not None and waited_min > order.after_max_min + _TOLERANCE_S:
                self.flag(
                    "after_max",
                    f"starts {waited_min:.1f} min after {before} ends, more than its {order.after_max_min:g}",
                    order=order.id,
                )
            mine = {route.technician_id for route, _, _ in visited[order.id]}
            theirs = {route.technician_id for route, _, _ in visited[before]}
            if order.same_technician and mine != theirs:
                self.flag(
                    "same_technician",
                    f"served by {', '.join(sorted(mine))}, {before} by {', '.join(sorted(theirs))}",
                    order=order.id,
                )

    def supplies(self, plan: Plan) -> None:
        """Vans, pickups and depot stock (the rules of :mod:`optimizer.solvers.supply`):
        each technician's van over their days in order (in a re-plan, after what the fixed
        stops used and collected, which happened before now), and each depot's stock over
        time."""
        depots = {d.id: d for d in self.problem.depots}
        takes: dict[str, list[tuple[dt.datetime, Stop, Route]]] = defaultdict(list)
        by_technician: dict[str, list[Route]] = defaultdict(list)
        for route in plan.routes:
            if route.technician_id in self.technicians:
                by_technician[route.technician_id].append(route)
        for tech_id, routes in by_technician.items():
            tech = self.technicians[tech_id]
            stops = [
                (route, stop, k < self.n_fixed(route))
                for route in sorted(routes, key=lambda r: r.date)
                for k, stop in enumerate(route.stops)
            ]
            for route, stop, _ in stops:
                if stop.kind is StopKind.PICKUP and stop.depot_id in depots:
                    self.pickup(route, depots[stop.depot_id], _in_utc(stop))
                    takes[stop.depot_id].append((utc(stop.start), stop, route))
            # history (the fixed stops, as reported, whatever the van held) happened before
            # now, wherever it stands in the days: before every new stop
            van: Counter[str] = Counter(tech.van_stock)
            used: Counter[str] = Counter()
            tools = set(tech.tools)
            for _, stop, history in stops:
                if history and stop.kind is StopKind.PICKUP:
                    van.update(stop.picked)
                    tools |= stop.picked_tools
                elif history and stop.kind is StopKind.ORDER and stop.order_id in self.orders and not stop.helper:
                    used.update(self.orders[stop.order_id].parts)
            van -= used
            for route, stop, history in stops:
                if history:
                    continue
                if stop.kind is StopKind.PICKUP and stop.depot_id in depots:
                    van.update(stop.picked)
                    tools |= stop.picked_tools
                elif stop.kind is StopKind.ORDER and stop.order_id in self.orders and not stop.helper:
                    order = self.orders[stop.order_id]
                    for part, qty in sorted(order.parts.items()):
                        if van[part] < qty:
                            self.flag(
                                "parts", f"needs {qty} x {part}, the van holds {van[part]} by then", route, order.id
                            )
                        van[part] = max(0, van[part] - qty)
                    for tool in sorted(order.tools - tools):
                        self.flag(
                            "tools", f"needs tool {tool!r}, which the technician has not got by then", route, order.id
                        )
        for depot_id, taken in takes.items():
            self.depot_stock(depots[depot_id], taken)
            self.tool_copies(depots[depot_id], taken)

    def pickup(self, route: Route, depot: Depot, stop: Stop) -> None:
        """Opening hours, duration and lent tools of one pickup."""
        zone = self.problem.zone
        opens = utc(dt.datetime.combine(route.date, depot.hours.start, tzinfo=zone))
        closes = utc(dt.datetime.combine(route.date, depot.hours.end, tzinfo=zone))
        if stop.start < opens or stop.end > closes:
            self.flag(
                "depot_hours",
                f"pickup at {depot.id} {self.clock(stop.start)}-{self.clock(stop.end)}, "
                f"outside its hours {depot.hours.start:%H:%M}-{depot.hours.end:%H:%M}",
                route,
            )
        if elapsed_s(stop.end, stop.start) < 60 * self.problem.pickup_min - _TOLERANCE_S:
            self.flag("duration", f"pickup at {depot.id} is shorter than {self.problem.pickup_min:g} min", route)
        for tool in sorted(stop.picked_tools - depot.tools):
            self.flag("tools", f"collects tool {tool!r} at {depot.id}, which does not lend it", route)

    def depot_stock(self, depot: Depot, taken: list[tuple[dt.datetime, Stop, Route]]) -> None:
        """The depot's stock never goes below zero: initial stock and deliveries (counted
        before a pickup at the same instant) against every pickup, in time order."""
        events: list[tuple[dt.datetime, int, dict[str, int], Route | None]] = [
            (utc(x.at), 0, {x.part: x.quantity}, None) for x in depot.incoming
        ]
        events += [(at, 1, stop.picked, route) for at, stop, route in taken]
        level: Counter[str] = Counter(depot.stock)
        for at, kind, parts, route in sorted(events, key=lambda e: e[:2]):
            if kind == 0:
                level.update(parts)
                continue
            for part, qty in sorted(parts.items()):
                if level[part] < qty:
                    self.flag(
                        "depot_stock",
                        f"takes {qty} x {part} at {depot.id} at {self.clock(at, True)}, which holds {level[part]} then",
                        route,
                    )
                level[part] -= qty

    def tool_copies(self, depot: Depot, taken: list[tuple[dt.datetime, Stop, Route]]) -> None:
        """A tool with a count of copies is lent to at most that many technicians: each
        keeps it for the horizon."""
        holders: defaultdict[str, set[str]] = defaultdict(set)
        for _, stop, route in taken:
            for tool in stop.picked_tools:
                holders[tool].add(route.technician_id)
        for tool, technicians in sorted(holders.items()):
            copies = depot.tool_copies.get(tool)
            if copies is not None and len(technicians) > copies:
                self.flag(
                    "tool_copies",
                    f"{depot.id} lends {tool!r} to {len(technicians)} technicians ({', '.join(sorted(technicians))}), "
                    f"it has {copies}",
                )

    def straight_home(self, route: Route, breaks: tuple[Stop, ...], end: Stop, resumes: dt.datetime) -> None:
        """A day with nothing new after its fixed stops goes home when it ``resumes``: it
        arrives after its drive (stated on ``end``) and ``breaks``, not later."""
        drive = dt.timedelta(minutes=end.travel_min)
        paused = dt.timedelta(seconds=sum(elapsed_s(b.end, b.start) for b in breaks))
        home_by = max([resumes + drive + paused, *(utc(b.end) + drive for b in breaks)])
        if elapsed_s(end.arrival, home_by) > _TOLERANCE_S:
            self.flag(
                "shift",
                f"back home at {self.clock(end.arrival)} with nothing new after the fixed stops, "
                f"where the drive home brings the technician back by {self.clock(home_by)}",
                route,
            )

    def n_fixed(self, route: Route) -> int:
        """How many fixed stops (history) the route's technician-day has, its start included."""
        prefix = self.fixed.get((route.technician_id, route.date))
        return 0 if prefix is None else len(prefix.stops)

    def fixed_prefix(self, route: Route, stops: tuple[Stop, ...]) -> int:
        """How many of the route's first stops are its fixed stops (0 if it has none);
        flags a route that does not begin with them exactly."""
        prefix = self.fixed.get((route.technician_id, route.date))
        if prefix is None:
            return 0
        given = tuple(_in_utc(s) for s in prefix.stops)
        same = len(stops) > len(given) and all(
            (a.kind, a.order_id, a.depot_id, a.start, a.end) == (b.kind, b.order_id, b.depot_id, b.start, b.end)
            for a, b in zip(stops, given)
        )
        if not same:
            self.flag("fixed_changed", "the route does not begin with its fixed stops as given", route)
        return len(given)

    def availability(
        self,
        route: Route,
        tech: Technician,
        new: tuple[Stop, ...],
        end: Stop,
        first: dt.datetime,
        last: dt.datetime,
    ) -> tuple[dt.datetime, bool]:
        """No new work where the technician is unavailable: ``new`` are the route's stops
        after the fixed ones (and before the end), ``[first, last]`` the working day as
        the shift gives it. Returns when the working day begins after absences, and
        whether an absence cuts its end short."""
        free_from, free_until = self._free(tech, first, last)
        if new and (
            free_from >= free_until
            or any(s.start < free_from for s in new)
            or (free_until < last and (any(s.end > free_until for s in new) or end.arrival > free_until))
        ):
            self.flag(
                "unavailable",
                f"new work outside {self.clock(free_from, True)}-{self.clock(free_until, True)}, "
                "when the technician is available",
                route,
            )
        return free_from, free_until < last

    def balance(self) -> float:
        """Fair days: per day, ``balance`` times the squared deviations of the busy hours
        (driving plus work on site) of everyone working that day (a workday with time
        left after absences, or a route) from the day's mean."""
        weight = self.problem.weights.balance
        if weight == 0:
            return 0.0
        total = 0.0
        for day in self.problem.dates:
            hours = {t: s / 3600 for (d, t), s in self.busy_s.items() if d == day}
            for tech in self.problem.technicians:
                if tech.id not in hours and self.time_on(tech, day):
                    hours[tech.id] = 0.0
            if hours:
                values = np.array(list(hours.values()))
                total += float(((values - values.mean()) ** 2).sum())
        return weight * total

    def time_on(self, tech: Technician, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The technician's working time on ``day`` (shift plus allowed overtime, cut by
        absences), or ``None`` on a day off or one an absence takes whole."""
        shift = hours_of(tech, day)
        if shift is None:
            return None
        zone = self.problem.zone
        first = utc(dt.datetime.combine(day, shift.start, tzinfo=zone))
        last = utc(dt.datetime.combine(day, shift.end, tzinfo=zone)) + dt.timedelta(minutes=tech.max_overtime_min)
        free_from, free_until = self._free(tech, first, last)
        return (free_from, free_until) if free_from < free_until else None

    def _free(self, tech: Technician, first: dt.datetime, last: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The working day ``[first, last]`` cut by the technician's absences (``away``,
        and in a re-plan unavailability): an absence over its start moves the start to
        its end; one beginning inside it ends the day there."""
        spans = [(utc(w.start), utc(w.end)) for w in tech.away]
        if self.problem.progress is not None:
            spans += [
                (utc(u.start), utc(u.end) if u.end else utc(self.problem.horizon_end))
                for u in self.problem.progress.unavailable
                if u.technician_id == tech.id
            ]
        free_from, free_until = first, last
        for begins, ends in sorted(spans):
            if begins <= free_from < ends:
                free_from = max(free_from, ends)
        for begins, _ in sorted(spans):
            if free_from < begins < free_until:
                free_until = begins
        return free_from, max(free_from, free_until)

    def breaks(
        self, route: Route, tech: Technician, stops: tuple[Stop, ...], *, resumes: dt.datetime, home_early: bool
    ) -> None:
        """The break rule of :mod:`optimizer.solvers.schedule`. A break not taken is forgone
        where its latest start is before the day ``resumes`` (the shift start moved by an
        absence; in a re-plan also now or the end of the fixed stops), or where the
        technician goes ``home_early`` (an absence ends the day and nothing new is planned)."""
        rest = tech.break_
        taken = [s for s in stops if s.kind is StopKind.BREAK]
        if rest is None:
            if taken:
                self.flag("break", "break taken by a technician without a break", route)
            return
        opens = utc(dt.datetime.combine(route.date, rest.start, tzinfo=self.problem.zone))
        closes = utc(dt.datetime.combine(route.date, rest.end, tzinfo=self.problem.zone))
        if not taken:
            if stops[-1].arrival > closes and not home_early and not resumes > closes:
                self.flag("break", f"works past {self.clock(closes)} without a {rest.duration_min}-minute break", route)
            return
        if len(taken) > 1:
            self.flag("break", f"{len(taken)} breaks taken, expected one", route)
        for b in taken:
            if not opens <= b.start <= closes:
                self.flag(
                    "break",
                    f"break starts {self.clock(b.start)}, outside {self.clock(opens)}-{self.clock(closes)}",
                    route,
                )
            if elapsed_s(b.end, b.start) < 60 * rest.duration_min - _TOLERANCE_S:
                self.flag("break", f"break is shorter than {rest.duration_min} minutes", route)
