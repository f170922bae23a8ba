"""Shared fixtures. Credentials here are obviously fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from lemft_async import AsyncLemft

FAKE_CUSTOMER_ID = 10001004
FAKE_APP_ID = 100006
FAKE_KEY = "0408ab79eb214e7d81d9fd447b5916a2"  # the docs' example authorization key
FAKE_API_KEY = "test-api-key-not-a-secret"
BASE_URL = "https://api.sandbox.lemft.com"


def envelope(
    data: Any = None,
    *,
    code: int | str = 0,
    message: str = "success",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """A LEMFT ``{"code","message","data"}`` answer. ``data`` is written with ``json.dumps``,
    so a float like ``9865.29`` is sent as the same JSON number text the server would send."""
    body = json.dumps({"code": code, "message": message, "data": data})
    return httpx.Response(
        status,
        content=body.encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def sent_json(route: Any, index: int = -1) -> Any:
    """The decoded JSON body (fractions as Decimal) of a request a respx route received
    (the last one by default)."""
    return json.loads(route.calls[index].request.content, parse_float=Decimal)


@pytest.fixture
async def client() -> AsyncIterator[AsyncLemft]:
    """A client aimed at the sandbox host, for use with respx (no real network)."""
    async with AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        environment="sandbox",
    ) as c:
        yield c


def _record_backoff(monkeypatch: pytest.MonkeyPatch, *, yielding: bool) -> list[float]:
    """Replace every transport's backoff sleep (all three clients share it) by a recorder."""
    from lemft_async._core._transport import BaseTransport

    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)
        if yielding:
            await anyio.lowlevel.checkpoint()

    monkeypatch.setattr(BaseTransport, "default_sleep", staticmethod(fake_sleep))
    return delays


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff does not wait; returns the list of requested delays."""
    return _record_backoff(monkeypatch, yielding=False)


@pytest.fixture
def yielding_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Like ``no_sleep`` but each backoff yields once, so retrying tasks interleave."""
    return _record_backoff(monkeypatch, yielding=True)


async def run_all(calls: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run the calls concurrently; each slot holds the result or the exception raised."""
    results: list[Any] = [None] * len(calls)

    async def one(i: int, call: Callable[[], Awaitable[Any]]) -> None:
        try:
            results[i] = await call()
        except Exception as exc:
            results[i] = exc

    async with anyio.create_task_group() as tg:
        for i, call in enumerate(calls):
            tg.start_soon(one, i, call)
    return results
