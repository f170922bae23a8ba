"""Fixtures for the Payin tests. Every credential here is obviously fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from lemft_async._core._codec import dumps
from lemft_async.payin import AsyncPayin, sign

SECRET = "test-secret-not-real"
MCH_ID = "TESTMCH001"
BASE_URL = "https://payin.test.invalid"
NOTIFY_URL = "https://merchant.example/payin/notify"

Reply = httpx.Response | BaseException | Callable[[httpx.Request], httpx.Response]


def signed(payload: dict[str, Any], secret: str = SECRET) -> dict[str, Any]:
    """``payload`` plus a valid ``sign`` (as the gateway signs SUCCESS answers)."""
    return {**payload, "sign": sign(payload, secret)}


def json_response(payload: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, content=dumps(payload), headers={"content-type": "application/json"}
    )


@dataclass
class FakeGateway:
    """A scripted transport: answers from ``replies`` in order, records every request."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError("unexpected extra request")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)

    def form(self, index: int = -1) -> dict[str, str]:
        """The form fields of a recorded request."""
        return dict(parse_qsl(self.requests[index].content.decode(), keep_blank_values=True))


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
async def payin(gateway: FakeGateway) -> AsyncIterator[AsyncPayin]:
    async with AsyncPayin(
        mch_id=MCH_ID,
        secret=SECRET,
        base_url=BASE_URL,
        transport=httpx.MockTransport(gateway.handler),
        max_retries=2,
    ) as client:
        yield client
