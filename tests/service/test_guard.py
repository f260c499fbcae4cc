"""The guard in front of the service: the token's sources, and the size and token
checks answered before the application reads a byte of the body (spoken to through
the ASGI interface itself)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from optimizer.exceptions import InvalidProblemError
from optimizer.service.guard import TOKEN_ENV, Guard, read_token


def test_the_token_comes_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, " from-env \n")
    assert read_token(None) == "from-env"
    (tmp_path / "token").write_text("from-file\n")
    assert read_token(tmp_path / "token") == "from-file"
    monkeypatch.delenv(TOKEN_ENV)
    with pytest.raises(InvalidProblemError, match="no bearer token"):
        read_token(None)
    (tmp_path / "empty").write_text("  \n")
    with pytest.raises(InvalidProblemError, match="no bearer token"):
        read_token(tmp_path / "empty")
    with pytest.raises(InvalidProblemError, match="token file cannot be read"):
        read_token(tmp_path / "missing")


def call(method: str, path: str, chunks: list[bytes], headers: dict[str, str]) -> tuple[int, bytes, int]:
    """(status, body, bytes the application read) of one request through a guard with
    token ``t0k`` on ``POST /bookings`` and a limit of 10 bytes."""
    seen = {"read": 0}

    async def app(scope, receive, send) -> None:
        while True:
            message = await receive()
            seen["read"] += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = Guard(app, token="t0k", protected=frozenset({("POST", "/bookings")}), max_body_bytes=10)
    messages = [{"type": "http.request", "body": c, "more_body": k < len(chunks) - 1} for k, c in enumerate(chunks)]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(guarded(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]), seen["read"]


def test_a_change_needs_the_bearer_token_and_nothing_is_read_without_it() -> None:
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic t0k"}):
        status, body, read = call("POST", "/bookings", [b"{}"], headers)
        assert (status, read) == (401, 0) and b"bearer token" in body
    assert call("POST", "/bookings/", [b"{}"], {"authorization": "bearer t0k"})[::2] == (200, 2)
    assert call("POST", "/offers", [b"{}"], {})[::2] == (200, 2)  # reading needs no token


def test_a_body_over_the_limit_is_refused_declared_or_as_it_arrives() -> None:
    status, body, read = call("POST", "/offers", [b"x" * 11], {"content-length": "11"})
    assert (status, read) == (413, 0) and b"at most 10 bytes" in body
    assert call("POST", "/offers", [b"x"], {"content-length": "many"})[0] == 413
    status, _, read = call("POST", "/offers", [b"x" * 6, b"x" * 6], {})  # chunked: no length declared
    assert (status, read) == (413, 0)
    assert call("POST", "/offers", [b"x" * 5, b"x" * 5], {})[::2] == (200, 10)
