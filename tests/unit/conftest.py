"""Fixtures and helpers for the core request-path tests (respx mocks, no network)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
import respx

import lemft_async._core._clock as core_clock
import lemft_async._core._transport as core_transport
from lemft_async import AsyncLemft
from tests.answers import ORDER_DETAIL
from tests.conftest import (
    BASE_URL,
    FAKE_API_KEY,
    FAKE_APP_ID,
    FAKE_CUSTOMER_ID,
    FAKE_KEY,
)
from tests.conftest import envelope as envelope
from tests.conftest import sent_json as sent_json

WALLET_LIST = "/v1/openApi/wallet/walletList"
GET_ORDER = "/v1/openApi/card/order/getOrder"
OPEN_CARD = "/v1/openApi/card/order/openCard"

# The docs' example timestamp; every signed-bytes assertion pins the clock to it.
FIXED_NOW = 1697696752

SECRETS = (FAKE_KEY, FAKE_API_KEY)


def raw(status: int, content: bytes, content_type: str = "text/html") -> httpx.Response:
    """A non-envelope answer, e.g. a gateway's HTML error page."""
    return httpx.Response(status, content=content, headers={"content-type": content_type})


HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
HTML_403 = b"<html><body><h1>403 Forbidden</h1></body></html>"


def make_client(**options: Any) -> AsyncLemft:
    """A client with the fake credentials; ``options`` override the defaults."""
    settings: dict[str, Any] = {
        "customer_id": FAKE_CUSTOMER_ID,
        "app_id": FAKE_APP_ID,
        "key": FAKE_KEY,
        "api_key": FAKE_API_KEY,
        "environment": "sandbox",
    }
    settings.update(options)
    return AsyncLemft(**settings)


def assert_no_secret(text: str) -> None:
    """Neither credential (nor any extra value passed) may appear in ``text``."""
    for secret in SECRETS:
        assert secret not in text


@contextmanager
def raises_clean(
    expected: type[BaseException] | tuple[type[BaseException], ...], match: str | None = None
) -> Iterator[pytest.ExceptionInfo[Any]]:
    """``pytest.raises`` that also checks the error (and its causes) carry no secret."""
    with pytest.raises(expected, match=match) as info:
        yield info
    # Walk causes and contexts; respx chains can be cyclic, hence the visited set.
    pending: list[BaseException | None] = [info.value]
    visited: set[int] = set()
    while pending:
        error = pending.pop()
        if error is None or id(error) in visited:
            continue
        visited.add(id(error))
        assert_no_secret(str(error))
        assert_no_secret(repr(error))
        cause = getattr(error, "cause", None)
        pending.extend((error.__cause__, error.__context__))
        if isinstance(cause, BaseException):
            pending.append(cause)


class OverlapServer:
    """An async respx side effect that answers 10004 to any request arriving while another
    request to the same path is still in flight (what the real server does)."""

    def __init__(self, data: Any = None, *, hold: float = 0.002) -> None:
        self.data = data if data is not None else {**ORDER_DETAIL, "order_bill_list": []}
        self.hold = hold
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight = 0
        self.overlaps = 0
        self.requests = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests += 1
        self.in_flight[path] += 1
        overlapped = self.in_flight[path] > 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[path])
        if overlapped:
            self.overlaps += 1
        try:
            await anyio.sleep(self.hold)
        finally:
            self.in_flight[path] -= 1
        if overlapped:
            return envelope(code=10004, message="currently too many requests, try again later")
        return envelope(self.data)


async def wait_until(condition: Callable[[], bool], *, checkpoints: int = 1000) -> None:
    """Yield to the scheduler until ``condition`` holds (bounded: no wall-clock wait)."""
    for _ in range(checkpoints):
        if condition():
            return
        await anyio.lowlevel.checkpoint()
    raise AssertionError("condition never became true")


@pytest.fixture
def api() -> Iterator[Any]:
    """A respx router for the sandbox host; unmatched requests fail the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def fixed_time(client: AsyncLemft, monkeypatch: pytest.MonkeyPatch) -> int:
    """Pin the clock of ``client`` and of every client made after it to ``FIXED_NOW``."""
    client._transport.clock.source = lambda: float(FIXED_NOW)
    monkeypatch.setattr(
        core_transport, "Clock", lambda: core_clock.Clock(source=lambda: float(FIXED_NOW))
    )
    return FIXED_NOW
