"""The service against a real server: ``optimizer serve`` in its own process on the
loopback address, spoken to over HTTP (httpx, no mocks). Bookings race for the last
free window, requests without the token or with bad bodies change nothing, and a
server killed right after acknowledging a booking still has it when it starts again."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import optimizer
from optimizer.io import read_plan, write_plan
from optimizer.models import ClockInterval, Weekday
from optimizer.service import STATE_FILE, TOKEN_ENV

from conftest import make_order, make_problem, make_technician, solve_checked, window

TOKEN = "s3cret-token"
NOW = "2026-11-23T07:00"
PLACE = {"lat": 49.50, "lon": 8.48}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Server:
    """A running ``optimizer serve`` and its plan folder."""

    url: str
    folder: Path
    process: subprocess.Popen

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: Path) -> Server:
    """``optimizer serve --plan folder`` on a free loopback port, once it answers."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "serve", "--plan", str(folder), "--port", str(port), "--time-limit", "2"],
        env={**os.environ, TOKEN_ENV: TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.communicate()}")
        try:
            if httpx.get(f"{url}/plan", timeout=2).status_code == 200:
                return Server(url, folder, process)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not answer within 60 s")


def stop(server: Server) -> None:
    server.process.kill()
    server.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """T1 works Monday 08:00-12:00; O1 must start at 08:30 and lasts until 11:00: the
    only free window is 10:00-12:00, with room for one 45-minute visit."""
    technician = make_technician(
        "T1", shift=ClockInterval(start=dt.time(8), end=dt.time(12)), workdays=frozenset({Weekday.MON})
    )
    problem = make_problem(
        [make_order("O1", duration_min=150, windows=(window("08:30", "08:30"),), **PLACE)], [technician]
    )
    write_plan(problem, solve_checked(problem), tmp_path / "plan")
    running = start(tmp_path / "plan")
    yield running
    stop(running)


def order(order_id: str, **cells: object) -> dict[str, object]:
    """A 45-minute order at PLACE in the contract's JSON form."""
    return {"order_id": order_id, "lat": PLACE["lat"], "lon": PLACE["lon"], "duration_min": 45} | cells


def booking(order_id: str) -> dict[str, object]:
    return {"order": order(order_id), "start": "2026-11-23T10:00", "end": "2026-11-23T12:00", "now": NOW}


def served(plan: dict) -> set[str]:
    return {s["order_id"] for r in plan["routes"] for s in r["stops"] if s["kind"] == "order"}


def test_offers_then_the_last_window_is_booked_once(server: Server) -> None:
    """Both callers are offered 10:00-12:00; booked at once, exactly one wins (201), the
    other is told it no longer fits (409), and the plan serves the winner only."""
    with server.client() as client:
        assert served(client.get("/plan").json()) == {"O1"}
        answer = client.post("/offers", params={"now": NOW, "days": 1}, json=order("N1"))
        assert answer.status_code == 200
        assert [(o["start"], o["end"]) for o in answer.json()["offers"]] == [
            ("2026-11-23T10:00:00+01:00", "2026-11-23T12:00:00+01:00")
        ]

        def book(order_id: str) -> httpx.Response:
            with server.client() as own:
                return own.post("/bookings", json=booking(order_id), headers=AUTH)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(book, ["N1", "N2"]))
        assert sorted(a.status_code for a in answers) == [201, 409]
        winner = next(a.json() for a in answers if a.status_code == 201)
        loser = next(a.json() for a in answers if a.status_code == 409)
        assert winner["technician_id"] == "T1" and winner["start"] == "2026-11-23T11:00:00+01:00"
        assert [c["change"] for c in winner["changes"] if c["order_id"] == winner["order_id"]] == ["added"]
        assert "no longer fits" in loser["error"]
        assert served(client.get("/plan").json()) == {"O1", winner["order_id"]}
    problem, plan = read_plan(server.folder)  # the folder's views follow the state
    assert served(plan.model_dump(mode="json")) == {"O1", winner["order_id"]}
    assert optimizer.check(problem, plan).ok


def test_changes_without_the_token_or_with_bad_bodies_are_refused_and_change_nothing(server: Server) -> None:
    with server.client() as client:
        before = client.get("/plan").json()
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            answer = client.post("/bookings", json=booking("N1"), headers=headers)
            assert answer.status_code == 401 and answer.json() == {"error": "a valid bearer token is required"}
            assert client.post("/events", json={"events": []}, headers=headers).status_code == 401
        malformed = client.post(
            "/bookings", content=b'{"order": {', headers=AUTH | {"content-type": "application/json"}
        )
        assert malformed.status_code == 422
        bad_cell = client.post("/bookings", json=booking("N1") | {"order": order("N1", lat=123)}, headers=AUTH)
        assert bad_cell.status_code == 422 and any("lat" in issue for issue in bad_cell.json()["issues"])
        bad_time = client.post("/bookings", json=booking("N1") | {"start": "noon"}, headers=AUTH)
        assert bad_time.status_code == 422 and "start" in bad_time.json()["issues"][0]
        reversed_window = client.post("/bookings", json=booking("N1") | {"end": "2026-11-23T09:00"}, headers=AUTH)
        assert reversed_window.status_code == 422
        huge = client.post("/bookings", content=b" " * 2_000_000, headers=AUTH | {"content-type": "application/json"})
        assert huge.status_code == 413
        unknown = client.post("/offers", params={"now": NOW}, json=order("O1"))  # already in the plan
        assert unknown.status_code == 422
        nobody = client.post("/offers", params={"now": NOW}, json=order("N9", technician="T9"))
        assert nobody.status_code == 422 and "technician" in nobody.text
        far = client.post("/offers", params={"now": "2028-06-01T07:00"}, json=order("N9"))
        assert far.status_code == 422 and "at most 366" in far.text
        assert client.post("/offers", params={"now": NOW, "step_min": 1}, json=order("N9")).status_code == 422
        chunked = client.post(
            "/bookings",
            content=iter([b" " * 600_000, b" " * 600_000]),
            headers=AUTH | {"content-type": "application/json"},
        )
        assert chunked.status_code == 413
        for answer in (malformed, bad_cell, bad_time, reversed_window, huge, unknown, nobody, far, chunked):
            assert "Traceback" not in answer.text
        assert client.get("/plan").json() == before
    assert not (server.folder / STATE_FILE).exists()


def test_a_booking_acknowledged_survives_a_killed_server(server: Server) -> None:
    with server.client() as client:
        assert client.post("/bookings", json=booking("N1"), headers=AUTH).status_code == 201
    stop(server)  # SIGKILL right after the answer: no shutdown, nothing flushed by the server
    again = start(server.folder)
    try:
        with again.client() as client:
            assert served(client.get("/plan").json()) == {"O1", "N1"}
            second = client.post("/bookings", json=booking("N2"), headers=AUTH)
            assert second.status_code == 409  # the restarted server knows the window is taken
    finally:
        stop(again)


def test_events_replan_the_day_and_answer_with_the_changes(server: Server) -> None:
    """At 07:00 O1 is cancelled and an emergency comes in: the re-plan serves it and
    says so, O1 is gone."""
    events = {
        "events": [
            {"event": "now", "time": NOW},
            {"event": "cancel", "order_id": "O1"},
            {
                "event": "new_order",
                "order_id": "E1",
                "lat": 49.51,
                "lon": 8.49,
                "duration_min": 60,
                "urgency": "emergency",
            },
        ]
    }
    with server.client() as client:
        answer = client.post("/events", json=events, headers=AUTH)
        assert answer.status_code == 200, answer.text
        changes = {c["order_id"]: c["change"] for c in answer.json()["changes"]}
        assert changes["E1"] == "added" and "O1" in changes
        assert served(client.get("/plan").json()) == {"E1"}
        bad = client.post("/events", json={"events": [{"event": "explode"}]}, headers=AUTH)
        assert bad.status_code == 422 and "unknown event" in json.dumps(bad.json())
