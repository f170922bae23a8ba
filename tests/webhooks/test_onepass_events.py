"""A delivery decoded in one pass (``webhooks._onepass.decode_body``) is the very event the
exact path (``decode_event(decode_payload(body), ...)``) gives, or the very same error.

Deliveries of every kind are generated with realistic payload fields, money as JSON
integers and fractions (exact ones such as ``10.25`` and ones a float changes such as
``20.00``), dates, unknown fields, every spelling of the envelope fields and the headers.
The one pass only runs when the compiled exactness check is built: without it the tests
skip (or fail when ``LEMFT_REQUIRE_EXTENSION`` is set).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from lemft_async import webhooks
from lemft_async._core._schemas import FastDateTime, FastMoney, OpenIntEnum
from lemft_async._signing import compute_signature
from lemft_async.types import Card, CardTrade, Order, Payee, Payment, WalletTransaction
from lemft_async.webhooks import _onepass
from lemft_async.webhooks._decode import decode_event, decode_payload
from lemft_async.webhooks._events import EVENT_KINDS, EventKind
from lemft_async.webhooks._headers import HeaderValues, header_values
from lemft_async.webhooks._onepass import decode_body
from lemft_async.webhooks._verify import DEFAULT_SCHEME, WebhookScheme

from .._exact import assert_same_error, compiled_check, same
from ._helpers import CARD_PAYLOAD

API_KEY = "test-api-key-not-a-secret"
NOW = 1_700_000_000
NOTIFY_SCHEME = WebhookScheme(notify_id_header="X-Notify-Id")


@pytest.fixture(autouse=True)
def _compiled() -> None:
    compiled_check()  # decode_body takes one pass only with the compiled check


# -- comparing outcomes --------------------------------------------------------------------


Outcome = tuple[str, Any]


def outcome_of(decode: Callable[[], Any]) -> Outcome:
    try:
        return "event", decode()
    except Exception as exc:  # compared below: type, reason, fields and message
        return "error", exc


def exact_path(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> webhooks.WebhookEventBase:
    return decode_event(decode_payload(body), values, scheme, kind, tag_kinds)


def assert_same_outcome(got: Outcome, expected: Outcome) -> None:
    assert got[0] == expected[0], (got, expected)
    if got[0] == "error":
        assert_same_error(got[1], expected[1])
        return
    one, exact = got[1], expected[1]
    assert type(one) is type(exact)
    assert one == exact
    assert repr(one) == repr(exact)
    assert (one.kind, one.event_tag, one.notify_id) == (
        exact.kind,
        exact.event_tag,
        exact.notify_id,
    )
    assert type(one.data) is type(exact.data)
    if isinstance(exact.data, BaseModel):
        assert one.data.model_fields_set == exact.data.model_fields_set
        assert same(one.data.__pydantic_extra__, exact.data.__pydantic_extra__)
        for name in _onepass.ENVELOPE_FIELDS:
            assert name not in (one.data.__pydantic_extra__ or {})
    assert same(one.data, exact.data)
    # warnings=False: a value kept as sent (a status of 1.5) is not of the declared type.
    assert same(one.model_dump(warnings=False), exact.model_dump(warnings=False))
    dumped = outcome_of(lambda: one.model_dump_json(warnings=False))
    wanted = outcome_of(lambda: exact.model_dump_json(warnings=False))
    assert type(dumped[1]) is type(wanted[1])  # text, or an error (a lone surrogate) both ways
    assert dumped[0] != "event" or dumped[1] == wanted[1]


def compare(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    kind: str | None = None,
    tag_kinds: Mapping[str, EventKind] | None = None,
) -> Outcome:
    got = outcome_of(lambda: decode_body(body, values, scheme, kind, tag_kinds))
    expected = outcome_of(lambda: exact_path(body, values, scheme, kind, tag_kinds))
    assert_same_outcome(got, expected)
    return got


def took_one_pass(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    kind: str | None = None,
    tag_kinds: Mapping[str, EventKind] | None = None,
) -> bool:
    """Whether ``decode_body`` decides without the exact path's first step."""
    with mock.patch.object(_onepass, "decode_payload", wraps=decode_payload) as exact:
        outcome_of(lambda: decode_body(body, values, scheme, kind, tag_kinds))
    return not exact.called


# -- generated deliveries ------------------------------------------------------------------

MODELS: dict[str, type[BaseModel]] = {
    "order": Order,
    "card": Card,
    "card_trade": CardTrade,
    "payee": Payee,
    "payment": Payment,
    "wallet": WalletTransaction,
}

TAGS: dict[str, list[str]] = {
    "card": ["card.status.active", "card.status.freeze", "card.status.something_new"],
    "card_trade": ["card.trade", "card.trade.refund"],
    "order": ["order.status.completed", "order.status.refunded"],
    "payee": ["payee.status.approved"],
    "payment": ["payment.status.failed"],
    "wallet": ["wallet.transaction.income", "wallet.transaction.expense"],
    "unknown": ["holder.created", "ORDER.status.completed", "custom.tag", "  "],
}
ALL_TAGS = [tag for tags in TAGS.values() for tag in tags]
TAG_KINDS: list[Mapping[str, EventKind] | None] = [
    None,
    {"custom.tag": "card", "holder.created": "wallet", "order.status.completed": "payee"},
    {"card.status.active": "card_trade"},
]


class Values:
    """A field's JSON texts: ``common`` ones it takes, ``odd`` ones it refuses or keeps as
    sent (a delivery is mostly made of common values, so that many decode)."""

    def __init__(self, common: list[str], odd: list[str]) -> None:
        self.common = st.sampled_from(common)
        self.odd = st.sampled_from(odd)
        self.any = st.one_of(self.common, self.common, self.odd)


MONEY = Values(
    [
        *("10", "0", "-5", "100005", "10.25", "0.4", "-3.5", "9865.29", "0.0001", "1.5"),
        *("123456789012.345", "-0.5", '"10.25"', "null", "20.00", "0.10", "1.0", "0.25"),
        *("0.00001", "1E-7", "1e5", "2.5E+3", "-0", "12345678901234567890"),
    ],
    [
        *('"abc"', "true", '""', '" 7.5 "', '"20.00"', "0.123456789012345"),
        *("99999999999999.9", "1e-150", '"1e999"'),
    ],
)
DATES = Values(
    [
        *('"2025-03-03 02:42:11"', '""', '"out_x"', '"2025-03-03T02:42:11Z"', "null"),
        *('"2025-03-03T02:42:11"', '"2025-03-03 02:42:11.123"', '"2025-13-03 02:42:11"'),
        *('" 2025-03-03 02:42:11 "', '"   "'),
    ],
    ["1700000000", "1.5", "0.10", "true", "{}"],
)
INTS = Values(["2", "0", "-1", "100005", "null", '"2"'], ["2.5", "true", "2.0", '"x"', "1e2"])
ENUMS = Values(
    ["1", "2", "3", "99", "null", '"2"', '"virtual"', "true", "1.5", "2.0"], ["[]", "{}"]
)
IDS = Values(['"cid_1"', '"x"', '"\\u00e9"', '"id \\"1\\""'], ['""', "7", "null", "1.5"])
TEXTS = Values(
    ['"USD"', '""', '"\\u00e9t\\u00e9"', '"a\\"b"', "null", '"1e5"', '"0.10"', '"\\\\"'],
    ["5", "1.5", "false", "[]"],
)


def field_values(model: type[BaseModel]) -> dict[str, Values]:
    """The JSON texts of each field of ``model``, by its type."""
    found: dict[str, Values] = {}
    for name, field in model.model_fields.items():
        markers = {type(m) for m in field.metadata}
        if FastMoney in markers:
            found[name] = MONEY
        elif FastDateTime in markers:
            found[name] = DATES
        elif OpenIntEnum in markers:
            found[name] = ENUMS
        elif field.is_required():
            found[name] = IDS
        elif field.annotation == (int | None):
            found[name] = INTS
        else:
            found[name] = TEXTS
    return found


FIELDS = {kind: field_values(model) for kind, model in MODELS.items()}
REQUIRED = sorted(
    {name for m in MODELS.values() for name, f in m.model_fields.items() if f.is_required()}
)

EXTRA_NAMES = st.sampled_from(
    ["x", "rate", "meta", "remark_2", "kind", "data", "model_config", "__class__", "1e5"]
)
EXTRA_SCALARS = st.one_of(
    MONEY.any,
    TEXTS.any,
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["false", "null", '"card.status.active"', '"ntf_x"', "-0.0001"]),
)
EXTRA_VALUES = st.recursive(
    EXTRA_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
        st.dictionaries(
            st.sampled_from(['"a"', '"b"', '"eventTag"', '"notify_id"']), inner, max_size=3
        ).map(lambda d: "{" + ",".join(f"{k}:{v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=6,
)

TAG_TEXT = Values(
    [json.dumps(tag) for tag in ALL_TAGS] + ['""', "null"] * 4,
    ["5", "true", "1.5", "{}", '["card.trade"]'],
)
NOTIFY_TEXT = Values(
    ['"ntf_0001"', '"ntf_0002"', '""', '""', "null", "null", '"  "'],
    ["12345", "0", "1.5", "true", "-7"],
)
WS = st.sampled_from(["", "", "", " ", "\n", "\t "])


@st.composite
def envelope(draw: st.DrawFn, tag: str, wild: bool) -> list[tuple[str, str]]:
    """Envelope members: each field absent, in one spelling or the other, in both with the
    same value or (``wild``) different ones; values null, blank, numbers, objects."""
    members: list[tuple[str, str]] = []
    for names, values, usual in (
        (("eventTag", "event_tag"), TAG_TEXT, json.dumps(tag)),
        (("notify_id", "notifyId"), NOTIFY_TEXT, '"ntf_0001"'),
    ):
        shapes = ["first", "first", "second", "none", "same"] + ["both", "both"] * wild
        shape = draw(st.sampled_from(shapes))
        first = draw(st.one_of(st.just(usual), values.any if wild else values.common))
        if shape in ("first", "both", "same"):
            members.append((names[0], first))
        if shape == "second":
            members.append((names[1], first))
        if shape == "both":
            members.append((names[1], draw(values.any)))
        if shape == "same":
            members.append((names[1], first))
    return members


@st.composite
def header_pairs(draw: st.DrawFn, body_tag: str) -> list[tuple[str, str]]:
    """Headers as a framework hands them over: the tag header absent, the body's tag,
    another (kind's) tag, blank, sent twice alike or (ambiguous) differently."""
    pairs: list[tuple[str, str]] = [("Content-Type", "application/json")]
    shape = draw(st.sampled_from(["absent", "tag", "tag", "tag", "blank", "ambiguous", "twice"]))
    name = draw(st.sampled_from(["EventTag", "eventtag", "eventTag", "EVENTTAG"]))
    tag = draw(st.sampled_from([body_tag, body_tag, *ALL_TAGS]))
    if shape == "tag":
        pairs.append((name, tag))
    elif shape == "blank":
        pairs.append((name, draw(st.sampled_from(["", "  "]))))
    elif shape == "ambiguous":
        pairs += [(name, tag), ("eventtag", draw(st.sampled_from(ALL_TAGS)) + ".x")]
    elif shape == "twice":
        pairs += [(name, tag), ("EventTag", f" {tag} ")]
    if draw(st.booleans()):
        notify = draw(st.sampled_from(["ntf_h1", "", "ntf_h2"]))
        pairs.append((draw(st.sampled_from(["X-Notify-Id", "notify_id", "x-notify-id"])), notify))
    return pairs


@st.composite
def delivery(draw: st.DrawFn) -> tuple[bytes, HeaderValues | None, str]:
    """(body, the wanted header values or None, the kind of the payload's fields)."""
    wild = draw(st.integers(0, 2)) == 0  # else only values the fields take
    wild_envelope = draw(st.booleans())  # else envelope values the exact path takes
    kind = draw(st.sampled_from([*EVENT_KINDS, "unknown"]))
    tag_kind = draw(st.sampled_from([kind] * 7 + [*EVENT_KINDS, "unknown"]))
    tag = draw(st.sampled_from(TAGS[tag_kind]))
    # An unknown tag's payload: the fields of any kind.
    model_kind = kind if kind in MODELS else draw(st.sampled_from(EVENT_KINDS))
    model = MODELS[model_kind]
    members: list[tuple[str, str]] = []
    for name, values in FIELDS[model_kind].items():
        texts = values.any if wild else values.common
        if model.model_fields[name].is_required():
            if not wild or draw(st.integers(0, 9)):  # mostly present
                members.append((name, draw(texts)))
        elif draw(st.integers(0, 2)) == 0:
            members.append((name, draw(texts)))
    if draw(st.booleans()):  # the ids of every kind: a tag of any kind decodes
        members += [(name, '"id_1"') for name in REQUIRED if name not in dict(members)]
    members += draw(st.lists(st.tuples(EXTRA_NAMES, EXTRA_VALUES), max_size=3))
    members += draw(envelope(tag, wild_envelope))
    members = draw(st.permutations(members))
    if members and wild and draw(st.booleans()):  # a key sent twice
        key, _ = draw(st.sampled_from(members))
        again = st.one_of(TAG_TEXT.any, NOTIFY_TEXT.any, MONEY.any, IDS.any)
        members.append((key, draw(again)))
    colon = draw(WS) + ":" + draw(WS)
    comma = draw(WS) + "," + draw(WS)
    text = "{" + comma.join(json.dumps(k) + colon + v for k, v in members) + "}"
    body = (draw(WS) + text + draw(WS)).encode()
    if draw(st.integers(0, 9)) == 0:
        return body, None, kind  # parse-time decoding without headers
    # NOTIFY_SCHEME's wanted names include DEFAULT_SCHEME's.
    return body, header_values(draw(header_pairs(tag)), NOTIFY_SCHEME.wanted), kind


ODD_BODIES = st.sampled_from(
    [
        b"",
        b"[]",
        b'"card.status.active"',
        b"null",
        b'{"eventTag":"card.status.active","card_id":"c1"',
        b'{"eventTag":"card.status.active","card_id":"c1","balance":NaN}',
        b'{"eventTag":"card.status.active","card_id":"c1","mark":"\xff"}',
        b'{"eventTag":"card.status.active","card_id":"c1","mark":"\\ud800"}',
        b'{"eventTag":"card.status.active","card_id":"\\ud83d\\ude00"}',
        b'{"eventTag":"card.status.active","card_id":"c1","x":1e999}',
        b'{"eventTag":"card.status.active","card_id":"c1","x":' + b"9" * 30 + b"}",
        b'\xef\xbb\xbf{"eventTag":"card.status.active","card_id":"c1"}',
        b'{"eventTag":"card.status.active","card_id":"c1","x":' + b"[" * 300 + b"]" * 300 + b"}",
        b'{"eventTag":"card.status.active","card_id":"c1","x":"\x01"}',
    ]
)


SETTINGS = settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    generated=delivery(),
    scheme=st.sampled_from([DEFAULT_SCHEME, DEFAULT_SCHEME, NOTIFY_SCHEME]),
    pin=st.sampled_from(["none", "none", "payload", "any"]),
    any_kind=st.sampled_from(EVENT_KINDS),
    tag_kinds=st.sampled_from(TAG_KINDS),
)
def test_one_pass_gives_the_exact_paths_event_or_error(
    generated: tuple[bytes, HeaderValues | None, str],
    scheme: WebhookScheme,
    pin: str,
    any_kind: str,
    tag_kinds: Mapping[str, EventKind] | None,
) -> None:
    body, values, payload_kind = generated
    # The route's kind: none, the payload's own (when it has one), or any other.
    kind = {"none": None, "payload": payload_kind, "any": any_kind}[pin]
    if kind == "unknown":
        kind = None
    got = compare(body, values, scheme, kind, tag_kinds)
    outcome = got[1].reason if got[0] == "error" else type(got[1]).__name__
    event(f"{got[0]}: {outcome}")
    event("one pass" if took_one_pass(body, values, scheme, kind, tag_kinds) else "exact path")


@settings(max_examples=200, deadline=None)
@given(
    body=ODD_BODIES,
    headers=header_pairs(body_tag="card.status.active"),
    kind=st.one_of(st.none(), st.sampled_from(EVENT_KINDS)),
)
def test_odd_bodies_get_the_exact_paths_error(
    body: bytes, headers: list[tuple[str, str]], kind: str | None
) -> None:
    compare(body, header_values(headers, DEFAULT_SCHEME.wanted), DEFAULT_SCHEME, kind, None)


def test_a_meaningful_share_of_the_generated_deliveries_takes_one_pass() -> None:
    # The property above is not vacuous: many generated deliveries are built in one pass
    # (decode_payload, the exact path's first step, is then never called).
    seen = {"all": 0, "one pass": 0, "events": 0}

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(generated=delivery())
    def run(generated: tuple[bytes, HeaderValues | None, str]) -> None:
        body, values, _ = generated
        got = compare(body, values)
        seen["all"] += 1
        seen["events"] += got[0] == "event"
        seen["one pass"] += got[0] == "event" and took_one_pass(body, values)

    run()
    assert seen["all"] >= 250
    assert seen["events"] >= seen["all"] // 3, seen
    assert seen["one pass"] >= seen["all"] // 10, seen


# -- the documented card delivery takes the one pass -------------------------------------------

# The documented Card payload (reference §4, as bench/webhooks.py sends it), test card data:
# the envelope first, a fractional balance.
PAYLOAD: dict[str, Any] = {
    "eventTag": "card.status.active",
    "notify_id": "ntf_8c1d0e5f3a2b4c6d",
    **CARD_PAYLOAD,
    "balance": 10.25,
}
BODY = json.dumps(PAYLOAD, separators=(",", ":")).encode()
TAG_HEADERS = {"Content-Type": "application/json", "EventTag": "card.status.active"}


def _no_exact_path(body: bytes) -> dict[str, Any]:
    raise AssertionError("the exact path was taken")


@pytest.fixture
def one_pass_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_onepass, "decode_payload", _no_exact_path)


def _assert_documented_card(found: webhooks.WebhookEventBase) -> None:
    assert isinstance(found, webhooks.CardEvent)
    assert found.event_tag == "card.status.active"
    assert found.notify_id == "ntf_8c1d0e5f3a2b4c6d"
    assert found.data.balance == Decimal("10.25")
    assert str(found.data.balance) == "10.25"
    assert found.data.limit == Decimal(10)
    assert found.data.use_at == datetime(2025, 3, 3, 2, 42, 11)
    assert found.data.close_at is None
    extra = found.data.__pydantic_extra__ or {}
    for name in _onepass.ENVELOPE_FIELDS:
        assert name not in extra
        assert name not in found.data.model_fields_set


@pytest.mark.usefixtures("one_pass_only")
@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        pytest.param(TAG_HEADERS, None, id="tag-header"),
        pytest.param({"Content-Type": "application/json"}, None, id="envelope-only"),
        pytest.param({"Content-Type": "application/json"}, "card", id="kind-pinned"),
        pytest.param(TAG_HEADERS, "card", id="tag-header-and-kind"),
    ],
)
def test_the_documented_card_delivery_is_built_in_one_pass(
    headers: dict[str, str], kind: str | None
) -> None:
    values = header_values(headers, DEFAULT_SCHEME.wanted)
    found = decode_body(BODY, values, DEFAULT_SCHEME, kind, None)
    _assert_documented_card(found)


def test_the_one_pass_card_equals_the_exact_one() -> None:
    for headers, kind in ((TAG_HEADERS, None), ({}, None), ({}, "card")):
        values = header_values(headers, DEFAULT_SCHEME.wanted)
        got = compare(BODY, values, DEFAULT_SCHEME, kind, None)
        assert got[0] == "event"
        _assert_documented_card(got[1])


@pytest.mark.parametrize(
    "body",
    [
        BODY.replace(b'"balance":10.25', b'"balance":20.00'),
        BODY.replace(b'"balance":10.25', b'"balance":0.10'),
        BODY.replace(b'"mark":""', b'"mark":"","x":1E-7'),
    ],
)
def test_a_body_a_float_would_change_takes_the_exact_path(body: bytes) -> None:
    values = header_values(TAG_HEADERS, DEFAULT_SCHEME.wanted)
    with mock.patch.object(_onepass, "decode_payload", wraps=decode_payload) as exact:
        found = decode_body(body, values, DEFAULT_SCHEME, None, None)
    exact.assert_called_once_with(body)
    assert isinstance(found, webhooks.CardEvent)
    expected = decode_payload(body)
    assert found.data.balance is not None
    assert str(found.data.balance) == str(expected["balance"])
    assert_same_outcome(
        ("event", found), ("event", exact_path(body, values, DEFAULT_SCHEME, None, None))
    )


def test_twenty_point_zero_zero_keeps_its_digits() -> None:
    body = BODY.replace(b'"balance":10.25', b'"balance":20.00')
    with mock.patch.object(_onepass, "decode_payload", wraps=decode_payload) as exact:
        found = decode_body(body, {}, DEFAULT_SCHEME, None, None)
    assert exact.called
    assert isinstance(found, webhooks.CardEvent)
    balance = found.data.balance
    assert balance is not None
    assert str(balance) == "20.00"
    assert balance.as_tuple() == Decimal("20.00").as_tuple()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (BODY.replace(b'"card.status.active"', b'"payee.status.approved"', 1), "invalid_data"),
        (BODY.replace(b'"notify_id"', b'"notifyId":"ntf_other","notify_id"'), "bad_envelope"),
        (BODY.replace(b'"eventTag":"card.status.active"', b'"eventTag":5'), "bad_envelope"),
        (BODY.replace(b'"card_id":"cid_sxdwXPRxtXt6Ch4n"', b'"card_id":""'), "invalid_data"),
    ],
)
def test_what_the_one_pass_cannot_build_gets_the_exact_paths_error(
    body: bytes, reason: str
) -> None:
    values = header_values(TAG_HEADERS, DEFAULT_SCHEME.wanted)
    got = compare(body, values, DEFAULT_SCHEME, None, None)
    assert got[0] == "error"
    assert isinstance(got[1], webhooks.WebhookPayloadInvalid)
    assert got[1].reason == reason


def test_a_pinned_kind_against_the_bodys_tag_is_a_mismatch_both_ways() -> None:
    got = compare(BODY, {}, DEFAULT_SCHEME, "order", None)
    assert got[0] == "error"
    assert got[1].reason == "kind_mismatch"
    # Judged in one pass: the card body is a valid order too, its tag is not.
    assert took_one_pass(BODY, {}, DEFAULT_SCHEME, "order")


# -- through the public API ------------------------------------------------------------------


def _signed(body: bytes, **extra: str) -> dict[str, str]:
    timestamp = str(NOW)
    return {
        "Content-Type": "application/json",
        "Timestamp": timestamp,
        "Signature": compute_signature(API_KEY, body, timestamp),
        **extra,
    }


PUBLIC_BODIES = [
    (BODY, {"EventTag": "card.status.active"}),
    (BODY, {}),
    (BODY.replace(b'"balance":10.25', b'"balance":20.00'), {}),
    (
        json.dumps(
            {
                "event_tag": "wallet.transaction.income",
                "notifyId": "ntf_w1",
                "transaction_id": "tx_1",
                "amount": 9865.29,
                "before_balance": 0.4,
                "after_balance": 9865.69,
                "in_out_type": 1,
                "status": 2,
                "transaction_time": "2025-03-03 02:42:11",
                "note": {"rate": [1.5, "0.10"], "n": 12345678901234567890},
            }
        ).encode(),
        {"EventTag": "wallet.transaction.income"},
    ),
    (b'{"eventTag":"holder.created","notify_id":"n1","holder_id":"h1","fee":0.4}', {}),
    (b'{"eventTag":"card.trade","trade_id":"t1","amount":-3.5,"create_at":"out_x"}', {}),
]


@pytest.mark.parametrize(("body", "extra"), PUBLIC_BODIES)
def test_construct_event_gives_the_exact_paths_event(body: bytes, extra: dict[str, str]) -> None:
    signed = _signed(body, **extra)
    found = webhooks.construct_event(body, signed, api_key=API_KEY, now=NOW)
    values = header_values(signed, DEFAULT_SCHEME.wanted)
    assert_same_outcome(
        ("event", found), ("event", exact_path(body, values, DEFAULT_SCHEME, None, None))
    )


def test_construct_event_takes_the_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_onepass, "decode_payload", _no_exact_path)
    found = webhooks.construct_event(BODY, _signed(BODY), api_key=API_KEY, now=NOW, kind="card")
    _assert_documented_card(found)


# -- keys sent twice: the last one counts, on both paths -------------------------------------

TWICE = [
    b'{"eventTag":"card.status.active","card_id":"c1","eventTag":null}',
    b'{"eventTag":null,"card_id":"c1","eventTag":"card.status.active"}',
    b'{"eventTag":"order.status.completed","card_id":"c1","eventTag":"card.status.active"}',
    b'{"eventTag":5,"card_id":"c1","eventTag":"card.status.active"}',
    b'{"eventTag":"card.status.active","card_id":"","card_id":"c1"}',
    b'{"eventTag":"card.status.active","card_id":"c1","card_id":""}',
    b'{"eventTag":"card.status.active","card_id":"c1","balance":"x","balance":10.25}',
    b'{"eventTag":"card.status.active","card_id":"c1","notify_id":5,"notify_id":"n1"}',
    b'{"eventTag":"card.status.active","card_id":"c1","x":1,"y":2,"x":0.5}',
    b'{"eventTag":"card.status.active","card_id":"c1","mark":5,"mark":"m"}',
]


@pytest.mark.parametrize("body", TWICE)
@pytest.mark.parametrize("tag_header", [None, "card.status.active"])
@pytest.mark.parametrize("kind", [None, "card"])
def test_a_key_sent_twice_is_read_alike(
    body: bytes, tag_header: str | None, kind: str | None
) -> None:
    values: HeaderValues = {} if tag_header is None else {"eventtag": tag_header}
    compare(body, values, DEFAULT_SCHEME, kind, None)
