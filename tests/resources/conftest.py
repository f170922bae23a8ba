"""Helpers for the resource tests: a respx router on the sandbox host and wire helpers.

Every test here mocks the HTTP layer with respx; nothing reaches a network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import BASE_URL, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY, sent_json
from tests.conftest import envelope as envelope

PREFIX = "/v1/openApi/"

COMMON: dict[str, Any] = {"customer_id": FAKE_CUSTOMER_ID, "app_id": FAKE_APP_ID, "key": FAKE_KEY}
"""The common body params every request starts with, in the docs' order."""


def path(tail: str) -> str:
    """The absolute wire path of a catalogue tail such as ``"card/card/freeze"``."""
    return PREFIX + tail


def sent(route: respx.Route, index: int = -1) -> dict[str, Any]:
    """The JSON body of a request the route received, as a dict."""
    body = sent_json(route, index)
    assert isinstance(body, dict)
    return body


def expected(**params: Any) -> dict[str, Any]:
    """The whole body a call must send: the common params, then ``params``."""
    return {**COMMON, **params}


def pages(
    list_key: str, items: Sequence[Mapping[str, Any]], *, total: int | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect serving ``items`` page by page, driven by the request's
    ``page_no``/``page_size`` (as a page-number server does)."""
    count = len(items) if total is None else total

    def serve(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        number, size = body["page_no"], body["page_size"]
        chunk = list(items[(number - 1) * size : number * size])
        return envelope({"total": count, "page_no": number, "page_size": size, list_key: chunk})

    return serve


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the sandbox host; a request to an unmocked path fails the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


async def assert_refused_before_sending(
    client: Any,
    api: respx.MockRouter,
    call: Callable[[Any], Any],
    error: type[Exception],
    field: str,
) -> None:
    """``call(client)`` raises ``error`` naming ``field``, and nothing reaches the wire."""
    route = api.route().mock(return_value=envelope({}))
    with pytest.raises(error, match=field):
        await call(client)
    assert route.called is False
