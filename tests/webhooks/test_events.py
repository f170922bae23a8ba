"""Typed events: tag -> kind, envelope handling, payload models, masking, payload errors."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from lemft_async import webhooks
from lemft_async.types import Card, CardTrade, Order, Payee, Payment, WalletTransaction
from lemft_async.webhooks import (
    CardEvent,
    CardTradeEvent,
    OrderEvent,
    PayeeEvent,
    PaymentEvent,
    UnknownEvent,
    WalletEvent,
    WebhookEvent,
)
from tests.answers import CARD, EVENT_IDS, PAYMENT

from ._helpers import CARD_PAYLOAD, CVV, NOW, PAN, PIN, SECRET, body_of, card_body, signed_headers


def construct(body: bytes, **options: Any) -> webhooks.WebhookEventBase:
    headers = options.pop("headers", None) or signed_headers(body)
    return webhooks.construct_event(body, headers, api_key=SECRET, now=NOW, **options)


DOCUMENTED_CARD_TAGS = sorted(webhooks.CARD_EVENT_TAGS)
TAG_TABLE: list[tuple[str, type[webhooks.WebhookEventBase], type[Any]]] = [
    *[(tag, CardEvent, Card) for tag in DOCUMENTED_CARD_TAGS],
    ("card.trade", CardTradeEvent, CardTrade),
    ("card.trade.refund", CardTradeEvent, CardTrade),
    ("card.status.something_new", CardEvent, Card),
    ("order.status.completed", OrderEvent, Order),
    ("order.status.refunded", OrderEvent, Order),
    ("payee.status.approved", PayeeEvent, Payee),
    ("payment.status.failed", PaymentEvent, Payment),
    ("wallet.transaction.income", WalletEvent, WalletTransaction),
    ("holder.created", UnknownEvent, dict),
    ("cards.status.active", UnknownEvent, dict),
    ("ORDER.status.completed", UnknownEvent, dict),
]


def test_documented_card_tags_are_the_seven_from_the_reference() -> None:
    assert {
        "card.status.active",
        "card.status.freeze",
        "card.status.unfreeze",
        "card.status.closing",
        "card.status.closed",
        "card.status.lost",
        "card.status.replace",
    } == webhooks.CARD_EVENT_TAGS


@pytest.mark.parametrize(
    ("tag", "event_cls", "data_cls"), TAG_TABLE, ids=[t for t, _, _ in TAG_TABLE]
)
def test_tag_decides_the_event_type(
    tag: str, event_cls: type[webhooks.WebhookEventBase], data_cls: type[Any]
) -> None:
    event = construct(body_of({"eventTag": tag, "notify_id": "n1", **EVENT_IDS, "amount": 1.5}))
    assert type(event) is event_cls
    assert isinstance(event.data, data_cls)
    assert event.event_tag == tag
    assert event.notify_id == "n1"


def test_inferred_tags_all_map_to_their_kind() -> None:
    for kind, tags in webhooks.INFERRED_EVENT_TAGS.items():
        for tag in tags:
            assert webhooks.kind_for_tag(tag) == kind


def test_documented_card_payload_decodes_exactly() -> None:
    body = card_body().replace(b'"balance":10', b'"balance":9865.29')
    event = construct(body)
    assert isinstance(event, CardEvent)
    card = event.data
    assert card.card_id == "cid_sxdwXPRxtXt6Ch4n"
    assert card.app_id == 100005
    assert card.card_no == PAN
    assert card.cvv == CVV
    assert card.pin == PIN
    assert card.balance == Decimal("9865.29")
    assert isinstance(card.balance, Decimal)
    assert card.limit == Decimal(10)
    assert card.expiry == "03/28"
    assert card.status == 2
    assert card.use_at == datetime(2025, 3, 3, 2, 42, 11)
    assert card.close_at is None
    assert card.end_at is None
    assert card.holder_id == ""
    assert card.mark == ""


def test_envelope_fields_are_stripped_from_data_and_unknown_fields_kept() -> None:
    body = body_of(
        {
            "event_tag": "card.status.freeze",
            "notifyId": "n-7",
            "card_id": "c1",
            "new_field": {"a": 1},
        }
    )
    event = construct(body)
    assert isinstance(event, CardEvent)
    dumped = event.data.model_dump()
    for envelope in ("eventTag", "event_tag", "notify_id", "notifyId"):
        assert envelope not in dumped
    assert event.data.model_extra == {"new_field": {"a": 1}}
    assert (event.event_tag, event.notify_id) == ("card.status.freeze", "n-7")


def test_numeric_notify_id_becomes_text() -> None:
    event = construct(body_of({"eventTag": "card.status.active", "notify_id": 42, **CARD}))
    assert event.notify_id == "42"


def test_tag_from_header_when_the_body_has_none_but_notify_id_header_is_opt_in() -> None:
    body = body_of({"card_id": "c1"})
    headers = signed_headers(body, eventTag="card.status.lost", NOTIFY_ID="n-9")
    event = construct(body, headers=headers)
    assert isinstance(event, CardEvent)
    # The notify_id header is unsigned: ignored unless the scheme names it.
    assert (event.event_tag, event.notify_id) == ("card.status.lost", None)
    opted_in = construct(
        body, headers=headers, scheme=webhooks.WebhookScheme(notify_id_header="notify_id")
    )
    assert (opted_in.event_tag, opted_in.notify_id) == ("card.status.lost", "n-9")


def test_body_tag_wins_over_the_unsigned_header() -> None:
    body = card_body(tag="card.status.freeze")
    event = construct(body, headers=signed_headers(body, eventTag="order.status.completed"))
    assert isinstance(event, CardEvent)
    assert event.event_tag == "card.status.freeze"


def test_custom_tag_header_name() -> None:
    body = body_of({"card_id": "c1"})
    scheme = webhooks.WebhookScheme(event_tag_header="X-Event")
    event = construct(
        body, headers={**signed_headers(body), "x-event": "card.status.active"}, scheme=scheme
    )
    assert isinstance(event, CardEvent)


def test_no_tag_anywhere_is_an_unknown_event() -> None:
    event = construct(body_of({"card_id": "c1"}))
    assert isinstance(event, UnknownEvent)
    assert event.event_tag is None
    assert event.data == {"card_id": "c1"}


@pytest.mark.parametrize(
    ("kind", "event_cls"),
    [
        ("card", CardEvent),
        ("order", OrderEvent),
        ("card_trade", CardTradeEvent),
        ("payee", PayeeEvent),
        ("payment", PaymentEvent),
        ("wallet", WalletEvent),
    ],
)
def test_route_pinned_kind_types_an_untagged_body(
    kind: str, event_cls: type[webhooks.WebhookEventBase]
) -> None:
    event = construct(body_of(EVENT_IDS), kind=kind)
    assert type(event) is event_cls
    assert event.event_tag is None


def test_pinned_kind_keeps_an_unknown_tag() -> None:
    event = construct(body_of({"eventTag": "card.renamed", "card_id": "c"}), kind="card")
    assert isinstance(event, CardEvent)


def test_pinned_kind_with_a_tag_of_another_kind_is_a_payload_error() -> None:
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        construct(card_body(tag="order.status.completed"), kind="card")
    assert info.value.reason == "kind_mismatch"


def test_pinned_kind_must_be_known() -> None:
    with pytest.raises(ValueError, match="kind"):
        construct(card_body(), kind="cards")


def test_tag_kind_overrides() -> None:
    body = body_of({"eventTag": "holder.card.issued", "card_id": "c1"})
    event = construct(body, tag_kinds={"holder.card.issued": "card"})
    assert isinstance(event, CardEvent)
    assert webhooks.kind_for_tag("holder.card.issued") == "unknown"


PAYLOAD_ERRORS = [
    ("not json", b"{not json", "not_json"),
    ("truncated json", card_body()[:-1], "not_json"),
    ("NaN is not JSON", b'{"eventTag":"card.status.active","balance":NaN}', "not_json"),
    ("Infinity is not JSON", b'{"balance":-Infinity}', "not_json"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "not_json"),
    ("huge integer", b'{"status":' + b"9" * 5000 + b"}", "not_json"),
    ("BOM", b"\xef\xbb\xbf" + card_body(), "not_json"),
    ("array", b"[1,2]", "not_object"),
    ("string", b'"card"', "not_object"),
    ("empty body", b"", "not_json"),
    ("utf-16 body", card_body().decode().encode("utf-16"), "not_utf8"),
    ("tag not a string", b'{"eventTag":5}', "bad_envelope"),
    (
        "conflicting tags",
        b'{"eventTag":"card.status.active","event_tag":"card.status.lost"}',
        "bad_envelope",
    ),
    ("notify_id an object", b'{"eventTag":"card.status.active","notify_id":{}}', "bad_envelope"),
    (
        "card_no a number",
        body_of({"eventTag": "card.status.active", "card_no": int(PAN)}),
        "invalid_data",
    ),
    (
        "balance not a number",
        body_of({"eventTag": "card.status.active", "balance": "ten"}),
        "invalid_data",
    ),
]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b, r) for _, b, r in PAYLOAD_ERRORS],
    ids=[i for i, _, _ in PAYLOAD_ERRORS],
)
def test_authentic_but_undecodable_is_a_payload_error(body: bytes, reason: str) -> None:
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        construct(body)
    assert info.value.reason == reason
    assert not isinstance(info.value, webhooks.WebhookVerificationError)
    assert info.value.__cause__ is None
    assert PAN not in str(info.value)
    assert "ten" not in str(info.value)


def test_invalid_data_names_fields_not_values() -> None:
    body = body_of(
        {"eventTag": "card.status.active", **CARD, "card_no": int(PAN), "balance": "ten"}
    )
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        construct(body)
    assert {name for name, _ in info.value.fields} == {"card_no", "balance"}
    assert "card_no" in str(info.value)
    assert "balance" in str(info.value)
    assert PAN not in repr(info.value.args)
    assert PAN not in repr(info.value.fields)


@pytest.mark.parametrize(
    ("tag", "missing"),
    [
        ("card.status.active", {"card_id"}),
        ("order.status.completed", {"order_id", "out_order_id"}),
        ("payee.status.approved", {"payee_id"}),
        ("payment.status.failed", {"payment_id"}),
        ("wallet.transaction.income", {"transaction_id"}),
    ],
)
def test_a_notification_without_its_id_is_a_payload_error(tag: str, missing: set[str]) -> None:
    # The payload models type their ids as str, so a handler can use them as they are.
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        construct(body_of({"eventTag": tag, "amount": 1}))
    assert info.value.reason == "invalid_data"
    assert {name for name, _ in info.value.fields} == missing
    with pytest.raises(webhooks.WebhookPayloadInvalid):
        construct(body_of({"eventTag": tag, **dict.fromkeys(missing, "")}))


def test_card_event_repr_and_str_mask_pan_cvv_pin() -> None:
    event = construct(card_body())
    for text in (repr(event), str(event), repr(event.data), f"{event}"):
        assert PAN not in text
        assert f"'{CVV}'" not in text
        assert f"'{PIN}'" not in text
        assert PAN[:6] in text
        assert PAN[-4:] in text


def test_unknown_event_repr_masks_card_fields_at_any_depth() -> None:
    body = body_of({"eventTag": "x.y", "card_no": PAN, "nested": [{"cvv": CVV, "pin": PIN}]})
    event = construct(body)
    assert isinstance(event, UnknownEvent)
    assert event.data["card_no"] == PAN  # the data itself is intact
    text = repr(event)
    assert PAN not in text
    assert CVV not in text
    assert PIN not in text
    assert "***" in text


def test_events_are_immutable() -> None:
    event = construct(card_body())
    with pytest.raises(ValueError, match="frozen"):
        event.event_tag = "card.status.lost"  # type: ignore[misc]


def test_stored_events_round_trip_through_the_union() -> None:
    adapter: TypeAdapter[WebhookEvent] = TypeAdapter(WebhookEvent)
    for tag, event_cls, _ in TAG_TABLE:
        original = construct(
            body_of({"eventTag": tag, "notify_id": "n", **EVENT_IDS, "amount": "1.10"})
        )
        restored = adapter.validate_python(original.model_dump())
        assert type(restored) is event_cls
        assert restored == original
        restored_json = adapter.validate_json(original.model_dump_json())
        assert type(restored_json) is event_cls


def test_union_discriminates_bare_envelopes_by_tag() -> None:
    adapter: TypeAdapter[WebhookEvent] = TypeAdapter(WebhookEvent)
    event = adapter.validate_python({"event_tag": "payment.status.completed", "data": PAYMENT})
    assert isinstance(event, PaymentEvent)
    assert isinstance(adapter.validate_python({"event_tag": None, "data": {}}), UnknownEvent)
    with pytest.raises(ValidationError):  # a stored kind this SDK does not know
        adapter.validate_python({"kind": "bogus", "data": {}})


def test_parse_event_types_a_decoded_payload_without_mutating_it() -> None:
    payload = {"eventTag": "card.status.active", **CARD_PAYLOAD}
    before = json.dumps(payload, sort_keys=True)
    event = webhooks.parse_event(payload)
    assert isinstance(event, CardEvent)
    assert json.dumps(payload, sort_keys=True) == before
    header_event = webhooks.parse_event({"card_id": "c"}, {"EventTag": "card.status.lost"})
    assert isinstance(header_event, CardEvent)


def test_parse_event_rejects_non_objects_and_bad_kinds() -> None:
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        webhooks.parse_event([1, 2])  # type: ignore[arg-type]
    assert info.value.reason == "not_object"
    with pytest.raises(ValueError, match="kind"):
        webhooks.parse_event({}, kind="unknown")


def test_conflicting_tag_headers_matter_only_without_a_body_tag() -> None:
    body = body_of({"card_id": "c"})
    headers = [
        *signed_headers(body).items(),
        ("eventTag", "card.status.active"),
        ("EVENTTAG", "order.status.completed"),
    ]
    with pytest.raises(webhooks.WebhookPayloadInvalid) as info:
        construct(body, headers=headers)
    assert info.value.reason == "bad_envelope"
    tagged = card_body()
    headers = [*signed_headers(tagged).items(), ("eventTag", "a.b"), ("eventTag", "c.d")]
    assert isinstance(construct(tagged, headers=headers), CardEvent)
