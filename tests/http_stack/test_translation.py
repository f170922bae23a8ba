"""Every aiohttp error becomes the httpx error that keeps the SDK's retry rules.

Walked over every ``aiohttp.ClientError`` class the installed aiohttp has, so an aiohttp
release that adds one is checked too: only a connect-phase error may read as "never sent"
(retried even for a write); only a bad URL is raised as is; everything else is "may have
been sent" (retried for reads, an unknown outcome for writes).
"""

from __future__ import annotations

import aiohttp
import httpx
import pytest

from lemft_async._core._aiohttp_transport import target_of, translate
from lemft_async._core._retry import Disposition, classify_http

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/openApi/card/order/openCard")
NEVER_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
BAD_URL = (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)


def _every_error_class() -> list[type[aiohttp.ClientError]]:
    seen: list[type[aiohttp.ClientError]] = []
    todo: list[type[aiohttp.ClientError]] = [aiohttp.ClientError]
    while todo:
        kind = todo.pop()
        if kind not in seen:
            seen.append(kind)
            todo.extend(kind.__subclasses__())
    return sorted(seen, key=lambda k: k.__qualname__)


ERRORS = _every_error_class()


def test_the_walk_finds_the_kinds_that_matter() -> None:
    names = {kind.__name__ for kind in ERRORS}
    assert len(ERRORS) > 25
    assert {"ServerDisconnectedError", "SocketTimeoutError", "ClientConnectorDNSError"} <= names


@pytest.mark.parametrize("kind", ERRORS, ids=lambda k: k.__name__)
def test_each_aiohttp_error_keeps_the_retry_rule(kind: type[aiohttp.ClientError]) -> None:
    target = target_of(kind)
    disposition = classify_http(target("x", request=REQUEST))
    if issubclass(kind, NEVER_SENT):
        assert disposition is Disposition.RETRY
    elif issubclass(kind, BAD_URL):
        assert disposition is Disposition.RAISE
    else:
        assert disposition is Disposition.RETRY_IF_READ


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.SocketTimeoutError("Timeout on reading data from socket"), httpx.ReadTimeout),
        (aiohttp.ConnectionTimeoutError("Connection timeout"), httpx.ConnectTimeout),
        (
            aiohttp.ClientPayloadError("Response payload is not completed"),
            httpx.RemoteProtocolError,
        ),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
        (aiohttp.ClientConnectionResetError("Cannot write to closing transport"), httpx.WriteError),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else v.__name__,
)
def test_instances_translate_with_their_kind_in_the_message(
    error: aiohttp.ClientError, expected: type[httpx.TransportError]
) -> None:
    translated = translate(error, REQUEST)
    assert type(translated) is expected
    assert str(translated).startswith(type(error).__name__)
    assert translated.request is REQUEST


def test_what_httpx_aiohttp_already_translated_is_translated_again() -> None:
    # httpx-aiohttp 0.2 turns a dropped connection into ConnectTimeout ("never sent").
    try:
        raise httpx.ConnectTimeout("Server disconnected") from aiohttp.ServerDisconnectedError()
    except httpx.ConnectTimeout as exc:
        translated = translate(exc, REQUEST)
    assert type(translated) is httpx.RemoteProtocolError
    assert classify_http(translated) is Disposition.RETRY_IF_READ


@pytest.mark.parametrize(
    "error",
    [ValueError("not ours"), httpx.ReadError("from httpx itself"), RuntimeError("asyncio only")],
)
def test_errors_that_are_not_aiohttps_are_left_alone(error: Exception) -> None:
    assert translate(error, REQUEST) is None
