"""Problems: look-ups by id, relations between the tables, the time zone and the horizon."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from optimizer.models import ObjectiveWeights

from conftest import BERLIN, MONDAY, make_order, make_problem, make_technician

UTC = dt.UTC


def test_problem_valid_construction_indexes_by_id():
    """A valid problem keeps its parts and looks orders and technicians up by id."""
    orders = [make_order("O1"), make_order("O2", technician="T1")]
    technicians = [make_technician("T1"), make_technician("T2")]

    problem = make_problem(orders, technicians)

    assert problem.orders == tuple(orders)
    assert problem.depots == ()
    assert problem.weights == ObjectiveWeights()
    assert problem.order_by_id == {"O1": orders[0], "O2": orders[1]}
    assert problem.technician_by_id == {"T1": technicians[0], "T2": technicians[1]}


def test_problem_rejects_duplicate_ids_and_unknown_technician_in_one_error():
    """Duplicate order ids and an unknown required technician are reported together."""
    orders = [make_order("O1"), make_order("O1"), make_order("O2", technician="T9")]

    with pytest.raises(ValidationError) as caught:
        make_problem(orders, [make_technician("T1")])

    assert caught.value.error_count() == 1
    message = caught.value.errors()[0]["msg"]
    assert "orders ('O1'), column 'id': id appears 2 times" in message
    assert "orders ('O2'), column 'technician': required technician is not in the" in message
    assert "'T9'" in message


def test_problem_rejects_duplicate_technician_ids():
    """Two technicians with one id are rejected."""
    with pytest.raises(ValidationError, match=r"technicians \('T1'\), column 'id': id appears 2 times"):
        make_problem([make_order()], [make_technician("T1"), make_technician("T1")])


@pytest.mark.parametrize("tz", ["Mars/Olympus", "Berlin", ""])
def test_problem_rejects_unknown_time_zone(tz: str):
    """The time zone must be an IANA name."""
    with pytest.raises(ValidationError, match="unknown time zone"):
        make_problem([make_order()], [make_technician()], tz=tz)


def test_problem_dates_and_horizon_span_three_days():
    """A 3-day horizon lists its dates and runs from local midnight to local midnight."""
    problem = make_problem([make_order()], [make_technician()], days=3)

    assert problem.dates == [MONDAY, dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    assert problem.zone == BERLIN
    assert problem.horizon_start == dt.datetime(2026, 11, 23, tzinfo=BERLIN)
    assert problem.horizon_end == dt.datetime(2026, 11, 26, tzinfo=BERLIN)
    assert problem.horizon_start.utcoffset() == dt.timedelta(hours=1)
    assert problem.horizon_start.astimezone(UTC) == dt.datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert problem.horizon_end.astimezone(UTC) == dt.datetime(2026, 11, 25, 23, tzinfo=UTC)


def test_problem_horizon_across_dst_change_has_25_hour_first_day():
    """On 2026-10-25 clocks go back in Berlin, so the first day of the horizon lasts 25 hours."""
    problem = make_problem([make_order()], [make_technician()], start=dt.date(2026, 10, 25), days=2)
    first_midnight = dt.datetime.combine(problem.dates[1], dt.time(), tzinfo=BERLIN)

    assert problem.horizon_start.utcoffset() == dt.timedelta(hours=2)
    assert first_midnight.utcoffset() == dt.timedelta(hours=1)
    # Aware datetimes sharing one tzinfo subtract as wall-clock times, so compare in UTC.
    first_day = first_midnight.astimezone(UTC) - problem.horizon_start.astimezone(UTC)
    horizon = problem.horizon_end.astimezone(UTC) - problem.horizon_start.astimezone(UTC)
    assert first_day == dt.timedelta(hours=25)
    assert horizon == dt.timedelta(hours=49)


def test_problem_rejects_zero_days():
    """A horizon needs at least one day."""
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        make_problem([make_order()], [make_technician()], days=0)


def test_a_horizon_near_the_calendars_end_is_refused_as_input() -> None:
    """A start the engine cannot compute with (its deadlines run past year 9999) is a
    validation error, not an overflow later (exit 2 from the command line, not 4)."""
    import datetime as dt

    import pydantic
    import pytest

    from conftest import make_order, make_problem, make_technician

    with pytest.raises(pydantic.ValidationError, match="start"):
        make_problem([make_order()], [make_technician()], start=dt.date(9999, 12, 31))


def test_links_must_name_orders_of_the_problem_without_cycles() -> None:
    from optimizer.models.problem import relation_issues

    orders = [
        make_order("A", after="B"),
        make_order("B", after="C"),
        make_order("C", after="A"),
        make_order("D", after="Z"),
        make_order("E", after="A"),
    ]
    found = {(i.entity_id, i.message) for i in relation_issues(orders, [make_technician("T1")], [])}
    assert found == {
        ("A", "is part of a cycle of orders following each other"),
        ("B", "is part of a cycle of orders following each other"),
        ("C", "is part of a cycle of orders following each other"),
        ("D", "follows an order not in the orders table"),
    }
