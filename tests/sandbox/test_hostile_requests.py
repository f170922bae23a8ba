"""All three sandboxes answer hostile requests with their documented error codes.

Never an HTTP 500, nothing logged at ERROR, and the connection stays usable: after the
hostile requests a valid one on the same ``httpx.AsyncClient`` succeeds; served over
loopback by uvicorn it goes over the very same TCP connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import sign as payin_sign
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import serve_in_thread

Headers = list[tuple[bytes, bytes]]

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
NOT_UTF8 = b'{"app_id":"\xff\xfe\x80"}'
HUGE_EXPONENT = b'{"app_id":1e99999999}'
HUGE_INT = b'{"app_id":' + b"9" * 20_000 + b"}"
HUGE_BODY = b'{"pad":"' + b"x" * (2 << 20) + b'"}'
LONG_TIMESTAMP = b"9" * 5_000
NON_ASCII = "\u00b2\u00b3\u0661\u0662".encode()  # superscripts and Arabic-Indic digits


@dataclass
class Hostile:
    name: str
    body: bytes
    headers: Headers = field(default_factory=list)
    expect: str | int = ""
    path: str | None = None
    method: str = "POST"


@dataclass
class Api:
    """One sandbox: its hostile cases, how to read an answer's code, one valid request."""

    name: str
    app: Any
    path: str
    cases: Callable[[], list[Hostile]]
    code_of: Callable[[Any], str | int]
    valid: Callable[[httpx.AsyncClient], Any]


# -- LEMFT ---------------------------------------------------------------------------------

LEMFT = Sandbox()
WALLET_LIST = "/v1/openApi/wallet/walletList"


def _lemft_body(**extra: Any) -> bytes:
    creds = LEMFT.credentials
    data = {"customer_id": creds.customer_id, "app_id": creds.app_id, "key": creds.key}
    return json.dumps({**data, **extra}, separators=(",", ":")).encode()


def _lemft_signed(body: bytes, timestamp: bytes | None = None) -> Headers:
    ts = timestamp if timestamp is not None else str(int(time.time())).encode()
    key = LEMFT.credentials.api_key.encode()
    sig = hmac.new(key, body + ts, hashlib.sha256).hexdigest().encode()
    return [(b"content-type", b"application/json"), (b"timestamp", ts), (b"signature", sig)]


def _lemft_cases() -> list[Hostile]:
    good = _lemft_body(page_no=1, page_size=10)
    now = str(int(time.time())).encode()
    json_type = [(b"content-type", b"application/json")]
    return [
        Hostile("no headers", good, [], 10002),
        Hostile("5000-digit timestamp", good, _lemft_signed(good, LONG_TIMESTAMP), 10003),
        Hostile("non-ascii timestamp", good, _lemft_signed(good, NON_ASCII), 10003),
        Hostile(
            "non-ascii signature", good, [(b"timestamp", now), (b"signature", NON_ASCII)], 10002
        ),
        Hostile("nested 100000 deep", DEEP, _lemft_signed(DEEP), 10001),
        Hostile("object nested 100000 deep", DEEP_OBJECT, json_type, 10001),
        Hostile("non-utf8", NOT_UTF8, _lemft_signed(NOT_UTF8), 10001),
        Hostile("1e99999999", HUGE_EXPONENT, json_type, 10001),
        Hostile("20000-digit integer", HUGE_INT, json_type, 10001),
        Hostile("2 MiB body", HUGE_BODY, json_type, 10001),
        Hostile("text/plain", good, [(b"content-type", b"text/plain")], 10001),
        Hostile("form content type", good, [(b"content-type", b"multipart/form-data")], 10001),
        Hostile(
            "signed deep field",
            b := _lemft_body()[:-1] + b',"x":' + DEEP + b"}",
            _lemft_signed(b),
            10001,
        ),
    ]


async def _lemft_valid(http: httpx.AsyncClient) -> Any:
    body = _lemft_body(page_no=1, page_size=10)
    answer = await http.post(WALLET_LIST, content=body, headers=_lemft_signed(body))
    assert answer.status_code == 200
    return answer.json()["code"]


# -- KeySecure -----------------------------------------------------------------------------

KEYSECURE = KeySecureSandbox()
KS_TOKEN = "/open-api/v1/merchant/token"
KS_LIST = "/open-api/v1/card/list"


def _ks_headers(stamp: bytes | None = None, token: str | None = None) -> Headers:
    now = str(int(KEYSECURE.clock() * 1000)).encode()
    headers = [
        (b"api-key", KEYSECURE.credentials["api_key"].encode()),
        (b"timestamp", stamp if stamp is not None else now),
        (b"content-type", b"application/json"),
    ]
    if token is not None:
        headers.append((b"access-token", token.encode()))
    return headers


def _ks_token() -> str:
    return KEYSECURE._server.issue_token(int(KEYSECURE.clock() * 1000) + 3_600_000)


def _ks_cases() -> list[Hostile]:
    token = _ks_token()
    auth = _ks_headers(token=token)
    plain = [(k, v) for k, v in auth if k != b"content-type"]
    return [
        Hostile("no headers", b"{}", [], 1002),
        Hostile("5000-digit Timestamp", b"{}", _ks_headers(LONG_TIMESTAMP, token), 1005),
        Hostile("non-ascii Timestamp", b"{}", _ks_headers(NON_ASCII, token), 1005),
        Hostile("non-ascii Api-Key", b"{}", [(b"api-key", NON_ASCII)], 1008),
        Hostile(
            "non-ascii Access-Token", b"{}", [*_ks_headers(), (b"access-token", NON_ASCII)], 1007
        ),
        Hostile("nested 100000 deep", DEEP, auth, 1004),
        Hostile("object nested 100000 deep", DEEP_OBJECT, auth, 1004),
        Hostile("non-utf8", NOT_UTF8, auth, 1004),
        Hostile("1e99999999", HUGE_EXPONENT, auth, 1004),
        Hostile("20000-digit integer", HUGE_INT, auth, 1004),
        Hostile("2 MiB body", HUGE_BODY, auth, 1004),
        Hostile("text/plain", b"{}", [*plain, (b"content-type", b"text/plain")], 1004),
        Hostile("GET with a 2 MiB body", HUGE_BODY, auth, 0, KS_TOKEN, "GET"),
    ]


async def _ks_valid(http: httpx.AsyncClient) -> Any:
    answer = await http.get(KS_TOKEN, headers=_ks_headers())
    assert answer.status_code == 200
    return answer.json()["code"]


# -- Payin ---------------------------------------------------------------------------------

PAYIN = PayinSandbox(payin_outcome=None)  # no timers: it can be served from another thread
NEW_ORDER = "/api/pay/neworder"
FORM = [(b"content-type", b"application/x-www-form-urlencoded")]


def _payin_form(**fields: str) -> bytes:
    form = {
        "mchId": PAYIN.mch_id,
        "mchOrderNo": f"H{time.time_ns()}"[:30],
        "amount": "10000",
        "currency": "INR",
        "notifyUrl": "https://merchant.example/notify",
        **fields,
    }
    if "sign" not in form:
        form["sign"] = payin_sign(form, PAYIN.secret)
    return urlencode(form).encode()


def _payin_cases() -> list[Hostile]:
    json_type = [(b"content-type", b"application/json")]
    odd = [(b"x-timestamp", LONG_TIMESTAMP), (b"x-odd", NON_ASCII), *FORM]
    return [
        Hostile("nothing", b"", [], "0015"),
        Hostile("garbage headers", b"", odd, "0015"),
        Hostile("nested 100000 deep", DEEP, [], "0015"),
        Hostile("json nested deep", DEEP, json_type, "0014"),
        Hostile("non-utf8", b"mchId=\xff\xfe", FORM, "0012"),
        Hostile("2 MiB body", b"a=" + b"x" * (2 << 20), FORM, "0014"),
        Hostile("2000 fields", b"&".join([b"a=1"] * 2000), FORM, "0014"),
        Hostile("20000-digit amount", _payin_form(amount="9" * 20_000), FORM, "0014"),
        Hostile("1e99999999 amount", _payin_form(amount="1e99999999"), FORM, "0014"),
        Hostile("5000-digit sign", _payin_form(sign="9" * 5_000), FORM, "0013"),
        Hostile("non-ascii sign", _payin_form(sign="\u00e9\u0661"), FORM, "0013"),
        Hostile("text/plain", _payin_form(), [(b"content-type", b"text/plain")], "0014"),
    ]


async def _payin_valid(http: httpx.AsyncClient) -> Any:
    answer = await http.post(NEW_ORDER, content=_payin_form(), headers=FORM)
    assert answer.status_code == 200
    return answer.json()["retCode"]


APIS = [
    Api("lemft", LEMFT.app, WALLET_LIST, _lemft_cases, lambda a: a["code"], _lemft_valid),
    Api("keysecure", KEYSECURE.app, KS_LIST, _ks_cases, lambda a: a["code"], _ks_valid),
    Api("payin", PAYIN.app, NEW_ORDER, _payin_cases, lambda a: a.get("errCode"), _payin_valid),
]
VALID = {"lemft": 0, "keysecure": 0, "payin": "SUCCESS"}


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _errors_logged() -> Iterator[list[logging.LogRecord]]:
    """ERROR records anywhere, uvicorn's own (non-propagating) loggers included."""
    handler = _Errors()
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "lemft_async")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@asynccontextmanager
async def _client(api: Api, mode: str) -> AsyncIterator[httpx.AsyncClient]:
    if mode == "in-process":
        transport = httpx.ASGITransport(app=api.app)  # an app exception would raise here
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as c:
            yield c
        return
    with serve_in_thread(api.app) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as c:
            yield c


def _connection(response: httpx.Response) -> object:
    stream = response.extensions.get("network_stream")
    return None if stream is None else stream.get_extra_info("client_addr")


@pytest.mark.parametrize("mode", ["in-process", "loopback"])
@pytest.mark.parametrize("api", APIS, ids=[a.name for a in APIS])
async def test_hostile_requests_get_documented_codes_and_the_connection_survives(
    api: Api, mode: str
) -> None:
    with _errors_logged() as errors:
        async with _client(api, mode) as http:
            connections = set()
            for case in api.cases():
                started = time.monotonic()
                answer = await http.request(
                    case.method, case.path or api.path, content=case.body, headers=case.headers
                )
                elapsed = time.monotonic() - started
                assert answer.status_code == 200, (case.name, answer.status_code)
                assert answer.headers["content-type"].startswith("application/json"), case.name
                assert api.code_of(answer.json()) == case.expect, (case.name, answer.text[:200])
                assert elapsed < 5, (case.name, elapsed)
                connections.add(_connection(answer))
            assert await api.valid(http) == VALID[api.name]
    assert not errors, [r.getMessage() for r in errors]
    if mode == "loopback":
        assert len(connections) == 1  # every answer came over the one keep-alive connection


async def test_the_valid_requests_really_are_valid() -> None:
    """Guard for the test above: the closing valid request is not trivially accepted."""
    async with _client(APIS[0], "in-process") as http:
        body = _lemft_body(page_no=1, page_size=10)
        answer = await http.post(WALLET_LIST, content=body, headers=_lemft_signed(body, b"1"))
    assert answer.json()["code"] == 10003
