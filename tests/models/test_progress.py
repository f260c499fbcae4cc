"""The day so far: the shape of fixed routes, working time narrowed by absences, and
what a progress names."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from optimizer.models import Appointment, Progress, Route, StopKind, Unavailable
from optimizer.models.progress import PlannedPickup
from optimizer.models.technician import narrowed

from conftest import MONDAY, at, make_stop

START, END = at("08:00"), at("17:00")


def absent(start: str, end: str | None = None, technician_id: str = "T1") -> Unavailable:
    return Unavailable(technician_id=technician_id, start=at(start), end=None if end is None else at(end))


def fixed(*kinds: StopKind, technician_id: str = "T1") -> Route:
    """A route of ``kinds`` stops at 08:00 (the order stop serves ``A``, the pickup depot ``D1``)."""
    stops = tuple(
        make_stop(
            kind,
            "08:00",
            order_id="A" if kind is StopKind.ORDER else None,
            depot_id="D1" if kind is StopKind.PICKUP else None,
        )
        for kind in kinds
    )
    return Route(technician_id=technician_id, date=MONDAY, stops=stops)


def working(*absences: Unavailable, technician_id: str = "T1") -> tuple[dt.datetime, dt.datetime]:
    progress = Progress(now=at("07:00"), unavailable=absences)
    return narrowed(START, END, progress.absences(technician_id, at("00:00", 3)))


def test_an_absence_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="not after its start"):
        absent("12:00", "12:00")


@pytest.mark.parametrize(
    ("absences", "expected"),
    [
        ((), (START, END)),
        ((absent("12:00"),), (START, at("12:00"))),  # from noon to the horizon's end: the day ends at noon
        ((absent("06:00", "10:00"),), (at("10:00"), END)),  # back at 10:00
        ((absent("07:00", "18:00"),), (END, END)),  # the whole day: no new work
        ((absent("10:00", "11:00"),), (START, at("10:00"))),  # an interval inside the day ends it
        ((absent("07:00", "10:00"), absent("09:00", "12:00")), (at("12:00"), END)),  # overlapping: one
        ((absent("09:00", "12:00"), absent("07:00", "10:00")), (at("12:00"), END)),  # whatever their order
        ((absent("07:00", "10:00", technician_id="T2"),), (START, END)),  # someone else's
    ],
)
def test_working_time_is_narrowed_by_absences(absences, expected) -> None:
    assert working(*absences) == expected


def test_fixed_routes_begin_with_their_start_and_have_no_end() -> None:
    assert Progress(now=at("11:00"), fixed=(fixed(StopKind.START, StopKind.ORDER),)).fixed_order_ids() == {"A"}
    for kinds in ((StopKind.ORDER,), (StopKind.START, StopKind.ORDER, StopKind.END), (StopKind.START, StopKind.START)):
        with pytest.raises(ValidationError, match="must be a start stop and the fixed stops after it"):
            Progress(now=at("11:00"), fixed=(fixed(*kinds),))
    with pytest.raises(ValidationError, match="two fixed routes for T1"):
        Progress(now=at("11:00"), fixed=(fixed(StopKind.START), fixed(StopKind.START)))


def test_references_name_every_technician_order_and_depot() -> None:
    progress = Progress(
        now=at("11:00"),
        fixed=(fixed(StopKind.START, StopKind.PICKUP, StopKind.ORDER),),
        unavailable=(absent("12:00", technician_id="T2"),),
        promised=(Appointment(order_id="B", technician_id="T3", start=at("14:00")),),
        pickups=(PlannedPickup(technician_id="T4", depot_id="D2", start=at("13:00")),),
    )
    assert sorted(progress.references()) == sorted(
        [
            ("fixed", "technician", "T1"),
            ("fixed", "order", "A"),
            ("fixed", "depot", "D1"),
            ("unavailable", "technician", "T2"),
            ("promised", "technician", "T3"),
            ("promised", "order", "B"),
            ("pickups", "technician", "T4"),
            ("pickups", "depot", "D2"),
        ]
    )
