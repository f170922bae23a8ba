"""Property-based: hostile input anywhere gives typed outcomes in bounded time.

- Every receiver (LEMFT ``WebhookReceiver``, Payin ``NotificationReceiver``, KeySecure
  ``AuthReceiver`` for ``Auth`` and other actions) gets random headers, bodies, query
  strings and methods, unsigned and signed: the answer is always a ``Reply``, a 4xx for
  anything not authentic, never a 5xx, never an exception.
- Every client's decoder (``AsyncLemft``, ``AsyncPayin``, ``AsyncKeySecure``, a read and a
  write each) gets random answers served by respx: random bytes, random JSON, envelopes
  with random ``data``, nesting 100,000 deep, huge numbers, random statuses and content
  types: the call returns or raises a ``LemftError`` subclass, nothing else.

Each example must finish within ``BOUND`` seconds. The default run is small (about 20 s
for the file); ``LEMFT_HYPOTHESIS_EXAMPLES=2000`` runs that many examples per test.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lemft_async import LemftError
from lemft_async._core._codec import dumps
from lemft_async._core._receiver import BaseReceiver, Delivery, Reply
from lemft_async.keysecure import AuthEvent, AuthReceiver, AuthReply, CallbackVerifier
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import NotificationReceiver, parse_notification
from lemft_async.payin import sign as payin_sign
from lemft_async.webhooks import Router, WebhookEventBase, WebhookReceiver
from tests.keysecure.conftest import API_KEY, API_SECRET
from tests.payin.conftest import MCH_ID
from tests.payin.conftest import SECRET as PAYIN_SECRET
from tests.webhooks._helpers import NOW, SECRET, signed_headers

from ._peers import PEERS, Peer

EXAMPLES = int(os.environ.get("LEMFT_HYPOTHESIS_EXAMPLES", "0")) or None
BOUND = 5.0
"""Seconds one example may take (generous: the work is milliseconds, CI machines vary)."""


def _settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


# -- strategies -----------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(
    [
        "timestamp",
        "signature",
        "Timestamp",
        "Signature",
        "Sign-Version",
        "Timezone",
        "content-type",
        "content-length",
        "eventTag",
        "x-anything",
    ]
) | st.text(min_size=1, max_size=20)
HEADER_VALUES = st.one_of(
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8")),
    st.integers(min_value=0, max_value=5000).map(lambda n: b"9" * n),
    st.integers(min_value=-(10**20), max_value=10**20).map(lambda n: str(n).encode()),
    st.sampled_from([b"V1", b"V2", b"", b"application/json", b"UTC+8", b"\xff\xfe"]),
)
HEADERS = st.lists(
    st.tuples(HEADER_NAMES.map(lambda n: n.lower().encode("utf-8")), HEADER_VALUES),
    max_size=8,
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"data":' * depth + b"1" + b"}" * depth


def _with_number(digits: int, exponent: bool) -> bytes:
    number = b"1e99999999" if exponent else b"9" * digits
    return b'{"code":0,"message":"success","msg":"ok","data":{"amount":' + number + b"}}"


BODIES = st.one_of(
    st.binary(max_size=300),
    JSON.map(dumps),
    st.builds(
        _deep,
        st.integers(min_value=1, max_value=100_000),
        st.sampled_from(["list", "object"]),
    ),
    st.builds(_with_number, st.integers(min_value=1, max_value=20_000), st.booleans()),
    st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=6).map(
        lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode("utf-8")
    ),
)
QUERIES = st.text(max_size=120) | st.just("sign=AB&amount=" + "9" * 5000)


def _run(check: Callable[[], Awaitable[None]]) -> None:
    started = time.monotonic()
    anyio.run(check)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"one example took {elapsed:.1f} s"


# -- receivers ------------------------------------------------------------------------------


def _lemft_receiver() -> WebhookReceiver:
    router = Router()

    @router.on(WebhookEventBase)
    async def handle(event: WebhookEventBase) -> None:
        return None

    return WebhookReceiver(router, api_key=SECRET, clock=lambda: NOW)


class _PayinParser:
    def parse_notification(self, params: Any) -> Any:
        return parse_notification(params, secret=PAYIN_SECRET, mch_id=MCH_ID)


async def _ignore(event: Any) -> None:
    return None


async def _approve(event: AuthEvent) -> AuthReply:
    return AuthReply.approve()


def _payin_receiver() -> NotificationReceiver:
    return NotificationReceiver(_PayinParser(), _ignore)


KS_NOW = float(NOW)


def _ks_receiver() -> AuthReceiver:
    verifier = CallbackVerifier(app_id=API_KEY, secret=API_SECRET, clock=lambda: KS_NOW)
    return AuthReceiver(verifier, on_auth=_approve, on_event=_ignore)


RECEIVERS: dict[str, Callable[[], BaseReceiver]] = {
    "lemft": _lemft_receiver,
    "payin": _payin_receiver,
    "keysecure": _ks_receiver,
}


def _typed(reply: object, *, authentic: bool) -> Reply:
    assert isinstance(reply, Reply)
    assert reply.status < 500, (reply.status, reply.reason)
    if not authentic:
        assert 400 <= reply.status < 500, (reply.status, reply.reason)
        assert reply.reason != "malformed"  # a typed verification error, not the safety net
        assert not reply.handled
    return reply


@_settings(60)
@given(
    name=st.sampled_from(sorted(RECEIVERS)),
    body=BODIES,
    headers=HEADERS,
    query=QUERIES,
    method=st.sampled_from(["POST", "GET", "PUT"]),
)
def test_receivers_answer_random_unsigned_deliveries_with_a_typed_4xx(
    name: str, body: bytes, headers: list[tuple[bytes, bytes]], query: str, method: str
) -> None:
    receiver = RECEIVERS[name]()

    async def check() -> None:
        reply = await receiver.handle_delivery(Delivery(body, headers, query, method))
        _typed(reply, authentic=False)

    _run(check)


@_settings(60)
@given(data=st.dictionaries(st.text(max_size=10), JSON, max_size=5), tag=st.text(max_size=30))
def test_lemft_receiver_answers_signed_random_payloads_without_a_5xx(
    data: dict[str, Any], tag: str
) -> None:
    receiver = _lemft_receiver()
    body = dumps({"eventTag": tag, "notify_id": tag, "data": data})

    async def check() -> None:
        _typed(await receiver.handle(body, signed_headers(body, timestamp=NOW)), authentic=True)

    _run(check)


@_settings(60)
@given(
    action=st.sampled_from(["Auth", "Consumption", "Card_update", "Other"]) | st.text(max_size=12),
    data=st.dictionaries(
        st.sampled_from(
            ["consume_no", "amount", "fee", "fee_detail", "merchant_info", "time", "status"]
        )
        | st.text(max_size=8),
        JSON,
        max_size=6,
    ),
)
def test_keysecure_receiver_answers_signed_random_callbacks_without_a_5xx(
    action: str, data: dict[str, Any]
) -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET, clock=lambda: KS_NOW)
    body, headers = sandbox.build_callback(action, data)
    receiver = _ks_receiver()

    async def check() -> None:
        reply = _typed(await receiver.handle(body, headers), authentic=True)
        if action == "Auth" and reply.status == 200:
            assert reply.json()["code"] == 0  # an authentic Auth reaches the handler

    _run(check)


@_settings(60)
@given(
    fields=st.dictionaries(
        st.sampled_from(["payOrderId", "mchOrderNo", "amount", "status", "agentpayOrderId"])
        # Names with '&' or '=' cannot be signed (they would fold parameters).
        | st.text(min_size=1, max_size=8).filter(lambda k: "&" not in k and "=" not in k),
        st.text(max_size=30) | st.just("9" * 5000),
        max_size=6,
    )
)
def test_payin_receiver_answers_signed_random_callbacks_without_a_5xx(
    fields: dict[str, str],
) -> None:
    params = {"mchId": MCH_ID, **fields}
    params["sign"] = payin_sign(params, PAYIN_SECRET)
    receiver = _payin_receiver()

    async def check() -> None:
        _typed(await receiver.handle(params), authentic=True)

    _run(check)


# -- client decoders ----------------------------------------------------------------------------

STATUSES = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 404, 429, 500, 502, 503])
CONTENT_TYPES = st.sampled_from(
    ["application/json", "text/html", "text/plain; charset=latin-1", "", "application/x-www"]
)


def _envelopes(data: Any, code: Any) -> list[bytes]:
    return [
        dumps({"code": code, "message": "success", "data": data}),
        dumps({"code": code, "msg": "Success", "data": data}),
        dumps({"retCode": "SUCCESS", "retMsg": "OK", "payOrderId": data}),
    ]


ANSWERS = st.one_of(
    BODIES,
    st.builds(
        lambda data, code, pick: _envelopes(data, code)[pick],
        JSON,
        st.sampled_from([0, 0, 1, 10001, 10004, 1007, "0", None]) | st.integers(),
        st.integers(min_value=0, max_value=2),
    ),
)


async def _call(peer: Peer, op: str, status: int, body: bytes, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    answer = httpx.Response(status, content=body, headers=headers)
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        path = peer.read_path if op == "read" else peer.path
        router.route(path=path).mock(return_value=answer)
        async with peer.client(max_retries=0, timeout=BOUND) as client:
            with contextlib.suppress(LemftError):  # typed: what a caller catches
                await (peer.read(client) if op == "read" else peer.write(client))


@_settings(120)
@given(
    peer=st.sampled_from(PEERS),
    op=st.sampled_from(["read", "write"]),
    status=STATUSES,
    body=ANSWERS,
    content_type=CONTENT_TYPES,
)
def test_clients_turn_random_answers_into_results_or_typed_errors(
    peer: Peer, op: str, status: int, body: bytes, content_type: str
) -> None:
    _run(lambda: _call(peer, op, status, body, content_type))
