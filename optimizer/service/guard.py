"""What every request passes before the service reads it: a size limit on the body,
and a bearer token on the requests that change the plan.

The token comes from a file or the ``OPTIMIZER_TOKEN`` environment variable, never from
the command line (where other users of the machine could read it in the process list).
Both checks answer before the body is parsed: a request refused changes nothing.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from optimizer.exceptions import InputIssue, InvalidProblemError

TOKEN_ENV = "OPTIMIZER_TOKEN"
MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted (bytes): a day's events, or one order, are far smaller."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def read_token(token_file: str | os.PathLike[str] | None) -> str:
    """The bearer token: the content of ``token_file`` (surrounding spaces stripped) if
    given, else the ``OPTIMIZER_TOKEN`` variable; an error where neither holds one."""
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InvalidProblemError(
                [InputIssue(str(token_file), None, None, f"token file cannot be read: {error.strerror or error}")]
            ) from None
        where = str(token_file)
    else:
        token, where = os.environ.get(TOKEN_ENV, "").strip(), TOKEN_ENV
    if not token:
        raise InvalidProblemError(
            [InputIssue(where, None, None, f"no bearer token: set {TOKEN_ENV} or give --token-file")]
        )
    return token


class Guard:
    """ASGI middleware: 401 for a request to one of ``protected`` (method, path) pairs
    without ``Authorization: Bearer <token>``; 413 for a body over ``max_body_bytes``,
    declared or as it arrives (the body is read whole, then handed on)."""

    def __init__(
        self, app: App, *, token: str, protected: frozenset[tuple[str, str]], max_body_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self.app, self.token, self.protected, self.limit = app, token.encode(), protected, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        if (scope["method"], scope["path"].rstrip("/")) in self.protected and not self._authorised(headers):
            await _answer(send, 401, "a valid bearer token is required", [(b"www-authenticate", b"Bearer")])
            return
        declared = headers.get("content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await _answer(send, 413, f"the body may hold at most {self.limit} bytes")
            return
        body, more = [], True
        received = 0
        while more:  # read the whole body first: its size is known before the application sees it
            message = await receive()
            if message["type"] != "http.request":
                break
            body.append(message.get("body", b""))
            received += len(body[-1])
            more = bool(message.get("more_body"))
            if received > self.limit:
                await _answer(send, 413, f"the body may hold at most {self.limit} bytes")
                return
        replay = [{"type": "http.request", "body": b"".join(body), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    def _authorised(self, headers: dict[str, bytes]) -> bool:
        scheme, _, given = headers.get("authorization", b"").partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token)


async def _answer(send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A JSON error response ``{"error": message}``."""
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})
