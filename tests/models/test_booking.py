"""The offer models: an offer is a window that does not end before it starts."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.models.booking import ClosedDay, Offer, Offers

from conftest import at


def offer(**fields: object) -> Offer:
    base: dict[str, object] = {
        "rank": 1,
        "start": at("10:00"),
        "end": at("12:00"),
        "technician_id": "T1",
        "planned_start": at("10:30"),
        "cost": 12.5,
        "sla_met": True,
    }
    return Offer.model_validate(base | fields)


def test_an_offer_ends_after_it_starts_and_ranks_from_one() -> None:
    assert offer().end - offer().start == dt.timedelta(hours=2)
    with pytest.raises(ValueError, match="ends"):
        offer(end=at("09:00"))
    with pytest.raises(ValueError):
        offer(rank=0)
    with pytest.raises(ValueError):
        offer(start=dt.datetime(2026, 11, 23, 10))  # naive


def test_offers_hold_the_closed_days_with_a_reason() -> None:
    found = Offers(
        order_id="N",
        now=at("07:00"),
        slot_min=120,
        offers=(offer(),),
        closed=(ClosedDay(date=dt.date(2026, 11, 28), reason="nobody works that day"),),
    )
    assert found.offers[0].technician_id == "T1" and found.closed[0].reason == "nobody works that day"
    with pytest.raises(ValueError):
        ClosedDay(date=dt.date(2026, 11, 28), reason="")
