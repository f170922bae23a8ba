"""Property tests: whatever arrives, only the two webhook errors come out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lemft_async import WebhookPayloadError, WebhookVerificationError, webhooks
from lemft_async._core._models import _parse_datetime

from ._helpers import NOW, SECRET, body_of, signed_headers

WEBHOOK_ERRORS = (WebhookVerificationError, WebhookPayloadError)
HEADER_NAMES = st.sampled_from(
    ["timestamp", "Timestamp", "SIGNATURE", "signature", "eventTag", "notify_id", "x-other"]
)
TEXT = st.text(max_size=80)
HEADER_VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(alphabet="0123456789abcdefABCDEF", min_size=60, max_size=70),
)
HEADERS = st.one_of(
    st.dictionaries(st.one_of(HEADER_NAMES, TEXT), HEADER_VALUES, max_size=6),
    st.lists(st.tuples(st.one_of(HEADER_NAMES, TEXT), HEADER_VALUES), max_size=6),
    st.lists(
        st.tuples(st.one_of(HEADER_NAMES, TEXT).map(str.encode), st.binary(max_size=80)),
        max_size=6,
    ),
)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(body=st.binary(max_size=2000), headers=HEADERS)
def test_arbitrary_bytes_and_headers_raise_only_webhook_errors(body: bytes, headers: Any) -> None:
    try:
        webhooks.construct_event(body, headers, api_key=SECRET, now=NOW)
    except WEBHOOK_ERRORS:
        return
    raise AssertionError("an unsigned delivery was accepted")


@SETTINGS
@given(body=st.binary(max_size=2000), extra=st.dictionaries(HEADER_NAMES, HEADER_VALUES))
def test_signed_arbitrary_bytes_verify_and_at_worst_fail_to_decode(
    body: bytes, extra: dict[str, str]
) -> None:
    headers = {k: v for k, v in extra.items() if k.lower() not in ("timestamp", "signature")}
    headers.update(signed_headers(body))
    webhooks.verify(body, headers, api_key=SECRET, now=NOW)
    outcome: object
    try:
        outcome = webhooks.construct_event(body, headers, api_key=SECRET, now=NOW)
    except WebhookPayloadError as exc:
        outcome = exc
    # Authentic bytes: an event, or a payload error that is not a verification error.
    if isinstance(outcome, WebhookPayloadError):
        assert not isinstance(outcome, WebhookVerificationError)
    else:
        assert isinstance(outcome, webhooks.WebhookEventBase)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str).map(float),
    TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "eventTag",
        "event_tag",
        "notify_id",
        "notifyId",
        "card_no",
        "balance",
        "use_at",
        "status",
        "amount",
        "order_id",
        "create_at",
        "kind",
        "data",
        "model_config",
        "__class__",
    ]
)
TAGS = st.one_of(
    st.sampled_from(
        [
            "card.status.active",
            "card.trade",
            "order.status.completed",
            "payee.status.approved",
            "payment.status.failed",
            "wallet.transaction.income",
            "something.else",
            "",
        ]
    ),
    TEXT,
)


@SETTINGS
@given(
    fields=st.dictionaries(st.one_of(FIELD_NAMES, TEXT), JSON_VALUES, max_size=8),
    tag=TAGS,
    kind=st.sampled_from([None, *webhooks.EVENT_KINDS]),
)
def test_signed_json_objects_decode_or_raise_payload_error(
    fields: dict[str, Any], tag: str, kind: str | None
) -> None:
    payload = {"eventTag": tag, **fields}
    body = body_of(payload)
    try:
        event = webhooks.construct_event(
            body, signed_headers(body), api_key=SECRET, now=NOW, kind=kind
        )
    except WebhookPayloadError:
        return
    assert event.kind in (*webhooks.EVENT_KINDS, "unknown")
    repr(event)  # reprs (with masking) never crash on odd data


DATE_TEXT = st.one_of(
    st.text(alphabet="0123456789-: T.+Z", min_size=17, max_size=21),
    st.datetimes(min_value=datetime(1, 1, 1)).map(lambda d: d.isoformat(" ")[:19]),
    st.datetimes().map(lambda d: d.isoformat()[:19]),
    TEXT,
)


@settings(max_examples=600, deadline=None)
@given(text=DATE_TEXT)
def test_datetime_fast_path_matches_the_model_parser(text: str) -> None:
    # The native schema of LemftDateTime against its reference rule, on a webhook payload.
    event = webhooks.parse_event({"eventTag": "card.status.active", "card_id": "c", "use_at": text})
    assert isinstance(event, webhooks.CardEvent)
    expected = _parse_datetime(text)
    assert event.data.use_at == expected
    assert type(event.data.use_at) is type(expected)


def test_json_float_values_do_not_leak_into_money() -> None:
    body = json.dumps({"eventTag": "card.status.active", "card_id": "c1", "balance": 0.1}).encode()
    event = webhooks.construct_event(body, signed_headers(body), api_key=SECRET, now=NOW)
    assert isinstance(event, webhooks.CardEvent)
    assert str(event.data.balance) == "0.1"
