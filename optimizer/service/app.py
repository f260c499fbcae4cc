"""The HTTP service of the in-day world (``optimizer serve``): the plan, appointment
offers, bookings and the day's events, over one plan folder.

==============  ======  =====================================================================
``GET``         /plan   the plan as it stands (``plan.json``'s content)
``POST``        /offers an order in the contract's JSON form -> the windows the plan can take
                        (query: ``slot_min`` and ``step_min`` of 15 minutes or more,
                        ``days`` up to 14, ``now``)
``POST``        /bookings ``{"order": {...}, "start": ISO, "end": ISO}`` -> the order booked
                        in that window (201), or 409 where it no longer fits
``POST``        /events the contract's events (``{"events": [...]}``) -> the re-plan
==============  ======  =====================================================================

Bookings and events change the plan: they need the bearer token (:mod:`.guard`), and
answer with the changes against the plan before (the rows of ``changes.csv``). They
are applied one at a time and saved before the answer (:mod:`.state`). Each request may
carry ``now`` (ISO; naive: the plan's time zone), for a plan of another day than
today; it defaults to the clock. Bodies are read with the readers of the files, so a
bad cell is answered 422 naming the field; no answer carries a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

import pandas as pd
from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import JSONResponse

from optimizer.booking import SlotTakenError, book, offers
from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError
from optimizer.io import cells
from optimizer.io.events import events_from_json
from optimizer.io.orders import orders_from_json
from optimizer.models import Order, Plan, Problem, TimeWindow
from optimizer.models.settings import REPLAN_TIME_LIMIT_S
from optimizer.outputs.diff import compare
from optimizer.replan import replan_problem
from optimizer.service.guard import MAX_BODY_BYTES, Guard
from optimizer.service.state import PlanState
from optimizer.solve import solve

logger = logging.getLogger("optimizer")
CHANGING = frozenset({("POST", "/bookings"), ("POST", "/events")})
"""The requests that change the plan: they need the bearer token."""


def create_app(
    state: PlanState,
    token: str,
    *,
    replan_time_limit: float = REPLAN_TIME_LIMIT_S,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Guard:
    """The service over ``state`` (an ASGI application, for uvicorn); ``replan_time_limit``
    seconds per re-plan of events."""
    app = FastAPI(title="optimizer", summary="plan, offers, bookings and events of one plan folder")

    @app.exception_handler(InvalidProblemError)
    async def invalid(_: Request, error: InvalidProblemError) -> JSONResponse:
        return JSONResponse({"error": "invalid input", "issues": [str(i) for i in error.issues]}, status_code=422)

    @app.exception_handler(SlotTakenError)
    async def taken(_: Request, error: SlotTakenError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=409)

    @app.exception_handler(OptimizerError)
    async def refused(_: Request, error: OptimizerError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=422)

    @app.exception_handler(ValueError)
    async def unfit(_: Request, error: ValueError) -> JSONResponse:
        return JSONResponse({"error": str(error).splitlines()[0]}, status_code=422)

    @app.exception_handler(Exception)
    async def failed(_: Request, error: Exception) -> JSONResponse:
        logger.error("request failed: %s: %s", type(error).__name__, error, extra={"event": "request_failed"})
        return JSONResponse({"error": f"internal failure: {type(error).__name__}"}, status_code=500)

    @app.get("/plan")
    def get_plan() -> dict[str, Any]:
        return state.current[1].model_dump(mode="json")

    @app.post("/offers")
    def post_offers(
        body: Annotated[Any, Body()],
        slot_min: Annotated[float, Query(ge=15, le=1440)] = 120.0,
        days: Annotated[int, Query(ge=1, le=14)] = 5,
        step_min: Annotated[float | None, Query(ge=15, le=1440)] = None,
        now: str | None = None,
    ) -> dict[str, Any]:
        problem, plan = state.current
        order = _order(body, problem)
        found = offers(problem, plan, order, slot_min, days, now=_now(now, problem), step_min=step_min)
        return found.model_dump(mode="json")

    @app.post("/bookings", status_code=201)
    def post_booking(body: Annotated[Any, Body()]) -> dict[str, Any]:
        problem, _ = state.current
        if not isinstance(body, dict):
            raise _invalid("body", 'expected {"order": {...}, "start": ISO, "end": ISO}')
        order = _order(body.get("order"), problem)
        window = _window(body.get("start"), body.get("end"), problem)
        now = _now(body.get("now"), problem)

        def booked(problem: Problem, plan: Plan) -> tuple[Problem, Plan]:
            done = book(problem, plan, order, window, now=now)
            return done.problem, done.plan

        before, after = state.change(booked)
        technician, start = next(
            (r.technician_id, s.start) for r in after.routes for s in r.stops if s.order_id == order.id
        )
        return {
            "order_id": order.id,
            "technician_id": technician,
            "start": start.isoformat(),
            "changes": _changes(before, after),
        }

    @app.post("/events")
    def post_events(body: Annotated[Any, Body()]) -> dict[str, Any]:
        problem, _ = state.current
        events = events_from_json(body, "body", problem.tz)

        def replanned(problem: Problem, plan: Plan) -> tuple[Problem, Plan]:
            later = replan_problem(problem, plan, events, source="body")
            return later, solve(later, time_limit=replan_time_limit)

        before, after = state.change(replanned)
        return {"changes": _changes(before, after), "kpis": after.kpis.model_dump(mode="json")}

    return Guard(app, token=token, protected=CHANGING, max_body_bytes=max_body_bytes)


def _invalid(column: str, message: str, value: object = None) -> InvalidProblemError:
    return InvalidProblemError([InputIssue("body", None, column, message, value=None if value is None else str(value))])


def _order(data: Any, problem: Problem) -> Order:
    """The one order of a body (the contract's JSON form)."""
    orders = orders_from_json(data, "body", problem.tz)
    if len(orders) != 1:
        raise _invalid("order", f"holds {len(orders)} orders; one is expected")
    return orders[0]


def _window(start: Any, end: Any, problem: Problem) -> TimeWindow:
    """The window a booking asks for."""
    times = []
    for column, value in (("start", start), ("end", end)):
        if value is None:
            raise _invalid(column, "value is required")
        try:
            times.append(cells.instant(value, problem.zone))
        except ValueError as error:
            raise _invalid(column, str(error), value) from None
    try:
        return TimeWindow(start=times[0], end=times[1])
    except ValueError as error:
        raise _invalid("end", str(error).splitlines()[-1]) from None


def _now(value: Any, problem: Problem) -> dt.datetime | None:
    """A request's ``now`` (``None``: the clock)."""
    if value is None:
        return None
    try:
        return cells.instant(value, problem.zone)
    except ValueError as error:
        raise _invalid("now", str(error), value) from None


def _changes(before: Plan, after: Plan) -> list[dict[str, Any]]:
    """The rows of ``changes.csv`` from ``before`` to ``after``, as JSON objects."""
    frame = compare(before, after)
    for column in ("start_before", "start_after"):
        frame[column] = frame[column].map(lambda t: None if pd.isna(t) else t.isoformat())
    columns = [str(c) for c in frame.columns]
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in zip(columns, row)}
        for row in frame.itertuples(index=False)
    ]
