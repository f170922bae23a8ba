"""V1 callback signature: base string, rendering rules and verification outcomes."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import pytest

from lemft_async._core._codec import loads, to_plain
from lemft_async._errors import WebhookPayloadError, WebhookVerificationError
from lemft_async.keysecure import (
    AuthEvent,
    CallbackVerifier,
    CardStatus,
    CardUpdateEvent,
    ConsumptionEvent,
    UnknownEvent,
    base_string,
    sign_v1,
)
from lemft_async.keysecure._signing import render_value

APP_ID = "test-app-id-not-real"
SECRET = "test-secret-not-real"
NOW_MS = 1716307200000  # the docs' example Timestamp
TS = str(NOW_MS)

CARD_UPDATE_BODY = (
    b'{"id":"evt-1","action":"Card_update","data":{"card_no":"C1","before_status":"Activated",'
    b'"after_status":"Frozen","reason":"","time":1716307200000}}'
)
# Built by hand from the documented rule (sorted keys, appId + timestamp added, id and
# action left out, empty reason kept as "reason=", number as its JSON text).
CARD_UPDATE_BASE = (
    "after_status=Frozen&appId=test-app-id-not-real&before_status=Activated&card_no=C1"
    "&reason=&time=1716307200000&timestamp=1716307200000"
)


def independent_signature(base: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), base.encode(), hashlib.sha256).hexdigest()


def verifier(**options: Any) -> CallbackVerifier:
    settings: dict[str, Any] = {
        "app_id": APP_ID,
        "secret": SECRET,
        "clock": lambda: NOW_MS / 1000,
    }
    settings.update(options)
    return CallbackVerifier(**settings)


def headers_for(body: bytes, *, ts: str = TS, secret: str = SECRET) -> dict[str, str]:
    data = json.loads(body, parse_float=Decimal).get("data")
    return {
        "Timestamp": ts,
        "Signature": sign_v1(secret, APP_ID, ts, data),
        "Sign-Version": "V1",
        "Timezone": "UTC+8",
    }


# -- the documented card-update case --------------------------------------------------------


def test_card_update_base_string_and_independent_hmac() -> None:
    data = json.loads(CARD_UPDATE_BODY)["data"]
    assert base_string(APP_ID, TS, data) == CARD_UPDATE_BASE
    expected = independent_signature(CARD_UPDATE_BASE)
    assert sign_v1(SECRET, APP_ID, TS, data) == expected

    headers = {"Timestamp": TS, "Signature": expected, "Sign-Version": "V1"}
    event = verifier().construct_event(CARD_UPDATE_BODY, headers)
    assert isinstance(event, CardUpdateEvent)
    assert event.id == "evt-1"
    assert event.timestamp == NOW_MS
    assert event.data.before_status is CardStatus.ACTIVATED
    assert event.data.after_status is CardStatus.FROZEN
    assert event.data.reason == ""
    assert event.data.time == NOW_MS


def test_reference_illustration_base_string() -> None:
    # The example in the compiled reference (payin-keysecure.md §2.5), byte for byte.
    data = {
        "card_no": "C1",
        "before_status": "Activated",
        "after_status": "Frozen",
        "reason": "",
        "time": 1716307200000,
    }
    assert base_string("APPID", TS, data) == (
        "after_status=Frozen&appId=APPID&before_status=Activated&card_no=C1&reason="
        "&time=1716307200000&timestamp=1716307200000"
    )


def test_tampered_value_is_rejected() -> None:
    headers = {"Timestamp": TS, "Signature": independent_signature(CARD_UPDATE_BASE)}
    tampered = CARD_UPDATE_BODY.replace(b'"after_status":"Frozen"', b'"after_status":"Delete"')
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verifier().construct_event(tampered, headers)


def test_added_field_is_rejected() -> None:
    headers = {"Timestamp": TS, "Signature": independent_signature(CARD_UPDATE_BASE)}
    extended = CARD_UPDATE_BODY.replace(b'"reason":""', b'"reason":"","extra":"x"')
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verifier().construct_event(extended, headers)


def test_stale_and_future_timestamps_are_rejected() -> None:
    body = CARD_UPDATE_BODY
    for offset_ms in (-301_000, 301_000):
        ts = str(NOW_MS + offset_ms)
        with pytest.raises(WebhookVerificationError, match="tolerance"):
            verifier().construct_event(body, headers_for(body, ts=ts))
    # Inside the window both ways it verifies.
    for offset_ms in (-299_000, 299_000):
        ts = str(NOW_MS + offset_ms)
        assert isinstance(
            verifier().construct_event(body, headers_for(body, ts=ts)), CardUpdateEvent
        )


def test_timestamp_is_part_of_the_signature() -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    headers["Timestamp"] = str(NOW_MS + 1000)  # fresh, but not the signed one
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verifier().construct_event(CARD_UPDATE_BODY, headers)


def test_reordered_values_are_rejected() -> None:
    # Swapping the two statuses keeps every key and value but reverses the change.
    headers = {"Timestamp": TS, "Signature": independent_signature(CARD_UPDATE_BASE)}
    swapped = CARD_UPDATE_BODY.replace(b'"before_status":"Activated"', b'"before_status":"X"')
    swapped = swapped.replace(b'"after_status":"Frozen"', b'"after_status":"Activated"')
    swapped = swapped.replace(b'"before_status":"X"', b'"before_status":"Frozen"')
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verifier().construct_event(swapped, headers)


def test_reordered_nested_keys_and_array_items_are_rejected() -> None:
    body = b'{"action":"X","data":{"merchant_info":{"name":"A","mcc":"5814"},"tags":["a","b"]}}'
    headers = headers_for(body)
    nested = b'{"action":"X","data":{"merchant_info":{"mcc":"5814","name":"A"},"tags":["a","b"]}}'
    array = b'{"action":"X","data":{"merchant_info":{"name":"A","mcc":"5814"},"tags":["b","a"]}}'
    assert isinstance(verifier().construct_event(body, headers), UnknownEvent)
    for reordered in (nested, array):
        with pytest.raises(WebhookVerificationError, match="signature mismatch"):
            verifier().construct_event(reordered, headers)


def test_top_level_data_order_does_not_matter() -> None:
    # Documented property of the TreeMap rule: the signature covers sorted pairs, so the
    # same fields in another order are the same message (not a tampering).
    headers = headers_for(CARD_UPDATE_BODY)
    reordered = (
        b'{"data":{"time":1716307200000,"reason":"","after_status":"Frozen",'
        b'"before_status":"Activated","card_no":"C1"},"action":"Card_update","id":"evt-1"}'
    )
    assert isinstance(verifier().construct_event(reordered, headers), CardUpdateEvent)


def test_id_and_action_are_not_signed() -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    other = CARD_UPDATE_BODY.replace(b'"id":"evt-1"', b'"id":"evt-2"')
    assert verifier().construct_event(other, headers).id == "evt-2"


# -- rendering rules ------------------------------------------------------------------------


def test_render_rules() -> None:
    assert render_value("text") == "text"
    assert render_value("") == ""
    assert render_value(None) is None
    assert render_value(True) == "true"
    assert render_value(False) == "false"
    assert render_value(7) == "7"
    assert render_value(Decimal("1.50")) == "1.50"
    assert render_value(Decimal("1E+2")) == "1E+2"  # like Java BigDecimal.toString
    assert render_value({"b": 1, "a": None, "c": "é"}) == '{"b":1,"c":"é"}'
    assert render_value([1, None, "x"]) == '[1,null,"x"]'
    with pytest.raises(TypeError, match="float"):
        render_value(1.5)


def test_numbers_keep_their_original_text() -> None:
    raw = b'{"amount":10.50,"rate":1.0e2,"n":12,"nested":{"v":0.10}}'
    data = loads(raw, keep_numbers=True)
    assert base_string("A", "1", data) == (
        'amount=10.50&appId=A&n=12&nested={"v":0.10}&rate=1.0e2&timestamp=1'
    )
    plain = to_plain(data)
    assert plain["amount"] == Decimal("10.50")
    assert str(plain["amount"]) == "10.50"
    assert plain["n"] == 12
    assert isinstance(plain["n"], int)
    assert plain["rate"] == Decimal("100")


def test_nulls_skipped_and_empty_strings_kept() -> None:
    assert base_string("A", "1", {"x": None, "y": ""}) == "appId=A&timestamp=1&y="


def test_data_field_named_like_a_reserved_key_wins_like_the_java() -> None:
    assert base_string("A", "1", {"appId": "B"}) == "appId=B&timestamp=1"
    assert base_string("A", "1", {"appId": None}) == "appId=A&timestamp=1"


def test_auth_amount_decodes_to_decimal_and_verifies() -> None:
    body = (
        b'{"id":"a1","action":"Auth","data":{"consume_no":"T1","card_no":"C1",'
        b'"amount":12.30,"local_amount":12.30,"local_currency":"USD",'
        b'"merchant_info":{"name":"SHOP","mcc":"5814"},"status":"Pending"}}'
    )
    base = (
        "amount=12.30&appId=test-app-id-not-real&card_no=C1&consume_no=T1&local_amount=12.30"
        '&local_currency=USD&merchant_info={"name":"SHOP","mcc":"5814"}&status=Pending'
        "&timestamp=1716307200000"
    )
    headers = {"Timestamp": TS, "Signature": independent_signature(base)}
    event = verifier().construct_event(body, headers)
    assert isinstance(event, AuthEvent)
    assert event.data.amount == Decimal("12.30")
    assert str(event.data.amount) == "12.30"


# -- header and body problems ----------------------------------------------------------------


@pytest.mark.parametrize("missing", ["Timestamp", "Signature"])
def test_missing_headers_are_rejected(missing: str) -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    del headers[missing]
    with pytest.raises(WebhookVerificationError, match="missing"):
        verifier().construct_event(CARD_UPDATE_BODY, headers)


def test_header_names_are_case_insensitive() -> None:
    headers = {k.lower(): v for k, v in headers_for(CARD_UPDATE_BODY).items()}
    assert isinstance(verifier().construct_event(CARD_UPDATE_BODY, headers), CardUpdateEvent)


def test_uppercase_hex_signature_is_accepted() -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    headers["Signature"] = headers["Signature"].upper()
    assert isinstance(verifier().construct_event(CARD_UPDATE_BODY, headers), CardUpdateEvent)


def test_unknown_sign_version_is_rejected() -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    headers["Sign-Version"] = "V2"
    with pytest.raises(WebhookVerificationError, match="Sign-Version"):
        verifier().construct_event(CARD_UPDATE_BODY, headers)


def test_non_numeric_timestamp_is_rejected() -> None:
    headers = headers_for(CARD_UPDATE_BODY)
    headers["Timestamp"] = "yesterday"
    with pytest.raises(WebhookVerificationError, match="Unix timestamp"):
        verifier().construct_event(CARD_UPDATE_BODY, headers)


def test_seconds_timestamp_is_accepted() -> None:
    ts = str(NOW_MS // 1000)
    headers = headers_for(CARD_UPDATE_BODY, ts=ts)
    assert verifier().construct_event(CARD_UPDATE_BODY, headers).timestamp == NOW_MS


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"not json", "not JSON"),
        (b"[1,2]", "not a JSON object"),
        (b'{"action":"Auth","data":[1]}', "data is not a JSON object"),
        (b'{"action":"Auth","data":{"amount":NaN}}', "not JSON"),
    ],
)
def test_unverifiable_bodies_are_verification_errors(body: bytes, match: str) -> None:
    headers = {"Timestamp": TS, "Signature": "00" * 32}
    with pytest.raises(WebhookVerificationError, match=match):
        verifier().construct_event(body, headers)


def test_authentic_but_undecodable_is_a_payload_error() -> None:
    body = b'{"id":"c1","action":"Consumption","data":{"amount":"lots"}}'
    with pytest.raises(WebhookPayloadError, match="amount"):
        verifier().construct_event(body, headers_for(body))
    no_action = b'{"id":"c1","data":{"x":"1"}}'
    with pytest.raises(WebhookPayloadError, match="no action"):
        verifier().construct_event(no_action, headers_for(no_action))
    no_data = b'{"id":"c1","action":"Auth"}'
    with pytest.raises(WebhookPayloadError, match="data"):
        verifier().construct_event(no_data, headers_for(no_data))


def test_consumption_and_unknown_actions_are_typed() -> None:
    body = (
        b'{"id":"c1","action":"Consumption","data":{"consume_no":"T9","card_no":"C1","fee":"0.35"}}'
    )
    event = verifier().construct_event(body, headers_for(body))
    assert isinstance(event, ConsumptionEvent)
    assert event.data.fee == Decimal("0.35")
    future = b'{"id":"f1","action":"Card_renewal","data":{"card_no":"C1"}}'
    unknown = verifier().construct_event(future, headers_for(future))
    assert isinstance(unknown, UnknownEvent)
    assert unknown.action == "Card_renewal"
    assert unknown.data == {"card_no": "C1"}


def test_secret_rotation_accepts_any_configured_secret() -> None:
    old = "test-old-secret-not-real"
    rotated = verifier(secret=[SECRET, old])
    headers = headers_for(CARD_UPDATE_BODY, secret=old)
    assert isinstance(rotated.construct_event(CARD_UPDATE_BODY, headers), CardUpdateEvent)
    with pytest.raises(WebhookVerificationError):
        verifier().construct_event(CARD_UPDATE_BODY, headers)


def test_wrong_app_id_is_rejected() -> None:
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verifier(app_id="another-app").construct_event(
            CARD_UPDATE_BODY, headers_for(CARD_UPDATE_BODY)
        )


def test_verifier_config_is_checked_and_masked() -> None:
    with pytest.raises(ValueError, match="secret"):
        CallbackVerifier(app_id=APP_ID, secret=[])
    with pytest.raises(ValueError, match="app_id"):
        CallbackVerifier(app_id="", secret=SECRET)
    with pytest.raises(ValueError, match="tolerance"):
        CallbackVerifier(app_id=APP_ID, secret=SECRET, tolerance=-1)
    text = repr(verifier())
    assert SECRET not in text
    assert APP_ID not in text
