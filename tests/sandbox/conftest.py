"""Fixtures for the sandbox tests.

``raw`` calls the sandbox app with plain httpx and a hand-rolled HMAC (not the SDK's
signer), so a shared bug in the SDK cannot hide a broken rule.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox, SandboxCredentials

USD_VIRTUAL = "cpi_6530de6a2f1c7"
USD_PHYSICAL = "cpi_6530de6a2f1c8"
HKD_VIRTUAL = "cpi_6530de6a2f1c9"
HOLDER = "hid_SandboxAda01"
PREFIX = "/v1/openApi/"
WALLET_LIST = PREFIX + "wallet/walletList"
GET_ORDER = PREFIX + "card/order/getOrder"
OPEN_CARD = PREFIX + "card/order/openCard"
BIN_LIST = PREFIX + "card/bin/binList"


def hmac_hex(api_key: str, body: bytes, timestamp: str) -> str:
    """The documented rule, written out independently of lemft_async._signing."""
    return hmac.new(api_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


class RawCaller:
    """Signed calls to the sandbox app through ``httpx.ASGITransport``, no SDK involved."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.credentials = sandbox.credentials
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sandbox.app), base_url="http://sandbox.test"
        )

    def body(self, params: Mapping[str, Any] | None = None, **common: Any) -> bytes:
        data: dict[str, Any] = {
            "customer_id": self.credentials.customer_id,
            "app_id": self.credentials.app_id,
            "key": self.credentials.key,
        }
        data.update(common)
        data.update(params or {})
        return json.dumps(data, separators=(",", ":")).encode()

    async def post(
        self,
        path: str,
        body: bytes,
        *,
        api_key: str | None = None,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = hmac_hex(api_key or self.credentials.api_key, body, ts)
        sent = {
            "Content-Type": "application/json",
            "timestamp": ts,
            "signature": sig if signature is None else signature,
        }
        sent.update(headers or {})
        return await self.http.post(path, content=body, headers=sent)

    async def call(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        """Post a signed body and return the decoded envelope (Decimal for fractions)."""
        response = await self.post(path, self.body(params), **kw)
        return json.loads(response.content, parse_float=Decimal)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sb:
        yield sb


@pytest.fixture
async def raw(sandbox: Sandbox) -> AsyncIterator[RawCaller]:
    caller = RawCaller(sandbox)
    async with caller.http:
        yield caller


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[AsyncLemft]:
    async with sandbox.client() as c:
        yield c


OTHER_APP = SandboxCredentials(
    app_id=100007, key="sandbox-key-11111111111111111111", api_key="other-api-key-not-secret"
)


class ManualClock:
    """A business clock tests move by hand."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def assert_populated(model: Any, *, empty: tuple[str, ...] = ()) -> None:
    """Every declared field of a response model is set (``""`` only where listed)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        assert value is not None or name in empty, f"{type(model).__name__}.{name} is None"
        if name not in empty:
            assert value != "", f"{type(model).__name__}.{name} is empty"
