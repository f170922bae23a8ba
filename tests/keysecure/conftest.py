"""Fixtures for the KeySecure tests. Every credential here is obviously fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpx
import pytest
import respx

from lemft_async.keysecure import AsyncKeySecure
from lemft_async.keysecure.sandbox import KeySecureSandbox

API_KEY = "test-api-key-not-real"
API_SECRET = "test-secret-not-real"
BASE = "https://sandbox-openplatform.keysecure.io"
TOKEN_PATH = "/open-api/v1/merchant/token"
SECRETS = (API_KEY, API_SECRET)


def envelope(
    data: Any = None,
    *,
    code: int = 0,
    msg: str = "Success",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """A KeySecure ``{"code","msg","data"}`` answer (data must be plain JSON)."""
    payload: dict[str, Any] = {"code": code, "msg": msg}
    if code == 0:
        payload["data"] = data
    return httpx.Response(
        status,
        content=json.dumps(payload).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def token_response(value: str = "tok-1", expired_time: Any = 4_102_444_800_000) -> httpx.Response:
    """Get Token's answer (default expiry: 2100-01-01 in epoch ms)."""
    return envelope({"access_token": value, "expired_time": expired_time})


def make_client(**options: Any) -> AsyncKeySecure:
    settings: dict[str, Any] = {"api_key": API_KEY, "api_secret": API_SECRET}
    settings.update(options)
    if "base_url" not in settings:
        settings.setdefault("environment", "sandbox")
    return AsyncKeySecure(**settings)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.fixture
def api() -> Iterator[Any]:
    """A respx router for the KeySecure sandbox host; unmatched requests fail the test."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def delays(yielding_sleep: list[float]) -> list[float]:
    """The requested backoff delays (each backoff yields once; see tests/conftest.py)."""
    return yielding_sleep


@pytest.fixture
def sandbox() -> KeySecureSandbox:
    return KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET, token_lifetime=3600)


@pytest.fixture
async def ks(sandbox: KeySecureSandbox) -> AsyncIterator[AsyncKeySecure]:
    async with sandbox.client() as client:
        yield client
