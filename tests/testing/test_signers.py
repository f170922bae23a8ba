"""The public signers are the exact inverses of the verifiers, for all three APIs."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lemft_async import WebhookVerificationError, webhooks
from lemft_async.keysecure import CallbackVerifier, sign_callback
from lemft_async.payin import parse_notification, sign_notification

SECRET = "test-secret-not-real"
BODY = b'{"eventTag":"card.status.active","notify_id":"n1","card_id":"cid_1","balance":10.50}'


# -- LEMFT ---------------------------------------------------------------------------------


def test_sign_then_verify_and_decode() -> None:
    headers = webhooks.sign(BODY, SECRET)
    assert set(headers) == {"Content-Type", "timestamp", "signature"}
    assert abs(int(headers["timestamp"]) - time.time()) < 5
    webhooks.verify(BODY, headers, api_key=SECRET)
    event = webhooks.construct_event(BODY, headers, api_key=SECRET)
    assert isinstance(event, webhooks.CardEvent)
    assert event.data.balance == Decimal("10.50")


@given(body=st.binary(max_size=512), secret=st.text(min_size=1, max_size=40).filter(str.strip))
def test_sign_is_the_inverse_of_verify_for_any_body(body: bytes, secret: str) -> None:
    webhooks.verify(body, webhooks.sign(body, secret), api_key=secret)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h: {
            **h,
            "signature": h["signature"][:-1] + ("0" if h["signature"][-1] != "0" else "1"),
        },
        lambda h: {**h, "timestamp": str(int(h["timestamp"]) + 1)},
    ],
)
def test_a_tampered_header_fails(tamper: Callable[[dict[str, str]], dict[str, str]]) -> None:
    headers = tamper(webhooks.sign(BODY, SECRET))
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, headers, api_key=SECRET)


def test_another_secret_or_body_fails() -> None:
    headers = webhooks.sign(BODY, SECRET)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, headers, api_key="another-secret")
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY + b" ", headers, api_key=SECRET)


def test_an_old_timestamp_is_signed_as_given_and_then_stale() -> None:
    headers = webhooks.sign(BODY, SECRET, timestamp=1_700_000_000)
    assert headers["timestamp"] == "1700000000"
    webhooks.verify(BODY, headers, api_key=SECRET, now=1_700_000_100)
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(BODY, headers, api_key=SECRET)
    assert caught.value.reason == "stale"


def test_the_scheme_decides_names_encoding_and_layout() -> None:
    scheme = webhooks.WebhookScheme(
        timestamp_header="X-Ts",
        signature_header="X-Sig",
        event_tag_header="X-Tag",
        encoding="base64",
        message=lambda body, ts: ts.encode() + b"." + body,
    )
    headers = webhooks.sign(BODY, SECRET, scheme=scheme, event_tag="card.status.active")
    assert {"X-Ts", "X-Sig", "X-Tag"} <= set(headers)
    base64.b64decode(headers["X-Sig"], validate=True)
    webhooks.verify(BODY, headers, api_key=SECRET, scheme=scheme)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, headers, api_key=SECRET)  # the default scheme disagrees


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"body": "text"}, TypeError),
        ({"api_key": ""}, ValueError),
        ({"api_key": ["a", "b"]}, TypeError),
        ({"timestamp": -1}, ValueError),
        ({"timestamp": "12a"}, ValueError),
        ({"timestamp": True}, TypeError),
        ({"event_tag": " "}, ValueError),
    ],
)
def test_sign_refuses_bad_input(kwargs: dict[str, object], error: type) -> None:
    arguments: dict[str, object] = {"body": BODY, "api_key": SECRET, **kwargs}
    with pytest.raises(error):
        webhooks.sign(**arguments)  # type: ignore[arg-type]


# -- Payin ---------------------------------------------------------------------------------

PAYIN_FIELDS = {
    "mchId": "M1",
    "mchOrderNo": "o-1",
    "payOrderId": "P1",
    "amount": 10000,
    "status": 2,
    "remark": "",
    "paySuccTime": None,
}


def test_sign_notification_then_parse() -> None:
    params = sign_notification(PAYIN_FIELDS, SECRET)
    assert params["amount"] == "10000"
    assert "remark" not in params  # empty values travel as nothing
    assert "paySuccTime" not in params
    assert len(params["sign"]) == 32
    assert params["sign"] == params["sign"].upper()
    notification = parse_notification(params, secret=SECRET, mch_id="M1")
    assert notification.amount == 10000


def test_a_tampered_or_foreign_notification_fails() -> None:
    params = sign_notification(PAYIN_FIELDS, SECRET)
    with pytest.raises(WebhookVerificationError):
        parse_notification({**params, "amount": "99999"}, secret=SECRET)
    with pytest.raises(WebhookVerificationError):
        parse_notification(params, secret="another-secret")


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"sign": "x"}, ValueError), ({"amount": 1.5}, TypeError), ({1: "x"}, TypeError)],
)
def test_sign_notification_refuses_bad_input(fields: dict[object, object], error: type) -> None:
    with pytest.raises(error):
        sign_notification(fields, SECRET)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="secret"):
        sign_notification({"a": "b"}, "")


# -- KeySecure -----------------------------------------------------------------------------

KS_BODY = (
    b'{"id":"e1","action":"Card_update","data":{"card_no":"C0001","before_status":"Active",'
    b'"after_status":"Frozen","amount":1.50}}'
)


def test_sign_callback_then_construct_event() -> None:
    headers = sign_callback(KS_BODY, app_id="app-1", secret=SECRET)
    assert headers["Sign-Version"] == "V1"
    assert abs(int(headers["Timestamp"]) / 1000 - time.time()) < 5
    event = CallbackVerifier(app_id="app-1", secret=SECRET).construct_event(KS_BODY, headers)
    assert event.action == "Card_update"


def test_a_tampered_callback_fails() -> None:
    headers = sign_callback(KS_BODY, app_id="app-1", secret=SECRET)
    verifier = CallbackVerifier(app_id="app-1", secret=SECRET)
    with pytest.raises(WebhookVerificationError):
        verifier.construct_event(KS_BODY.replace(b"1.50", b"1.5"), headers)  # exact number text
    with pytest.raises(WebhookVerificationError):
        CallbackVerifier(app_id="app-2", secret=SECRET).construct_event(KS_BODY, headers)


@pytest.mark.parametrize(
    ("body", "kwargs", "error"),
    [
        ("text", {}, TypeError),
        (b"not json", {}, ValueError),
        (b"[1]", {}, ValueError),
        (b'{"data": 1}', {}, ValueError),
        (KS_BODY, {"app_id": ""}, ValueError),
        (KS_BODY, {"timestamp": "soon"}, ValueError),
    ],
)
def test_sign_callback_refuses_bad_input(
    body: object, kwargs: dict[str, object], error: type
) -> None:
    arguments: dict[str, object] = {"app_id": "app-1", "secret": SECRET, **kwargs}
    with pytest.raises(error):
        sign_callback(body, **arguments)  # type: ignore[arg-type]
