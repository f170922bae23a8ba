"""Callback verification and typing: the table the issue asks for, and more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lemft_async import WebhookPayloadError, WebhookVerificationError
from lemft_async.payin import (
    ACK,
    AsyncPayin,
    PayinNotification,
    PayinStatus,
    PayoutNotification,
    PayoutStatus,
    parse_notification,
    sign,
)

from .conftest import MCH_ID, SECRET

# Seed 003's example callback, re-signed with our fake secret.
SEED_CALLBACK = {
    "payOrderId": "test1997967825452457986",
    "paySuccTime": "1768445162000",
    "amount": "20000",
    "mchId": MCH_ID,
    "mchOrderNo": "Test17651876220001",
    "channelPayNo": "12300000000",
    "backType": "2",
    "channelCode": "10024",
    "status": "2",
    "errorMessage": "Rejected after secondary review",
}


def _signed(params: dict[str, str], secret: str = SECRET) -> dict[str, str]:
    return {**params, "sign": sign(params, secret)}


Mutation = Callable[[dict[str, str]], dict[str, str]]

# (id, build the received params, expected outcome: a field check or an error type)
_TABLE: list[tuple[str, Mutation, type[Exception] | None]] = [
    ("valid", lambda p: _signed(p), None),
    ("lowercase-sign", lambda p: {**_signed(p), "sign": _signed(p)["sign"].lower()}, None),
    ("tampered-amount", lambda p: {**_signed(p), "amount": "2000000"}, WebhookVerificationError),
    ("tampered-status", lambda p: {**_signed(p), "status": "3"}, WebhookVerificationError),
    ("missing-sign", lambda p: dict(p), WebhookVerificationError),
    ("empty-sign", lambda p: {**p, "sign": ""}, WebhookVerificationError),
    ("wrong-secret", lambda p: _signed(p, "another-secret-not-real"), WebhookVerificationError),
    ("extra-unknown-field-signed", lambda p: _signed({**p, "newField": "v"}), None),
    (
        "extra-unknown-field-added-after-signing",
        lambda p: {**_signed(p), "newField": "v"},
        WebhookVerificationError,
    ),
    ("empty-values-dropped", lambda p: {**_signed(p), "currency": "", "param2": ""}, None),
    ("other-merchant", lambda p: _signed({**p, "mchId": "OTHER"}), WebhookVerificationError),
    ("undecodable-amount", lambda p: _signed({**p, "amount": "lots"}), WebhookPayloadError),
    (
        "no-order-id",
        lambda p: _signed({k: v for k, v in p.items() if k != "payOrderId"}),
        WebhookPayloadError,
    ),
    (
        "no-status",
        lambda p: _signed({k: v for k, v in p.items() if k != "status"}),
        WebhookPayloadError,
    ),
]


@pytest.mark.parametrize(("build", "error"), [t[1:] for t in _TABLE], ids=[t[0] for t in _TABLE])
async def test_callback_table(build: Mutation, error: type[Exception] | None) -> None:
    params = build(dict(SEED_CALLBACK))
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as client:
        if error is not None:
            with pytest.raises(error) as info:
                client.parse_notification(params)
            # Nothing from the payload (or the secret) leaks into the message.
            assert "2000000" not in str(info.value)
            assert "lots" not in str(info.value)
            assert SECRET not in str(info.value)
            return
        notification = client.parse_notification(params)
    assert isinstance(notification, PayinNotification)
    assert notification.amount == 20000
    assert str(notification.amount_rupees) == "200.00"
    assert notification.status is PayinStatus.PAID
    assert notification.is_paid
    assert notification.mch_order_no == "Test17651876220001"
    assert notification.back_type == 2
    assert notification.currency is None  # empty values are not kept
    assert notification.pay_succ_time is not None


def test_undecodable_message_names_fields_only() -> None:
    params = _signed({**SEED_CALLBACK, "amount": "lots"})
    with pytest.raises(WebhookPayloadError, match="amount") as info:
        parse_notification(params, secret=SECRET)
    assert "lots" not in str(info.value)


@pytest.mark.parametrize(
    ("status", "paid", "pending", "failed"),
    [
        (-2, False, False, True),
        (-1, False, False, True),
        (0, False, True, False),
        (1, False, True, False),
        (2, True, False, False),
        (3, True, False, False),
        (4, False, False, False),
        (5, False, False, True),
        (6, False, False, False),
        (7, False, False, False),
        (42, False, False, False),
    ],
)
def test_payin_status_predicates(status: int, paid: bool, pending: bool, failed: bool) -> None:
    note = parse_notification(_signed({**SEED_CALLBACK, "status": str(status)}), secret=SECRET)
    assert isinstance(note, PayinNotification)
    assert (note.is_paid, note.is_pending, note.is_failed) == (paid, pending, failed)
    assert note.status == status
    assert isinstance(note.status, PayinStatus) == (status != 42)


def test_paid_and_completed_share_one_dedup_key() -> None:
    paid = parse_notification(_signed({**SEED_CALLBACK, "status": "2"}), secret=SECRET)
    done = parse_notification(_signed({**SEED_CALLBACK, "status": "3"}), secret=SECRET)
    failed = parse_notification(_signed({**SEED_CALLBACK, "status": "-1"}), secret=SECRET)
    assert paid.dedup_key == done.dedup_key
    assert failed.dedup_key != paid.dedup_key
    assert PayinStatus.COMPLETED.is_paid
    assert not PayinStatus.FAILED.is_paid


PAYOUT_CALLBACK = {
    "agentpayOrderId": "Le198311136382210",
    "mchOrderNo": "PO1",
    "amount": "100000",
    "fee": "1200",
    "status": "2",
    "transMsg": "ok",
    "extra": '{"value":"AIRP0000001"}',
}


@pytest.mark.parametrize(
    ("status", "success", "failed"),
    [
        ("0", False, False),
        ("1", False, False),
        ("2", True, False),
        ("3", False, True),
        ("6", False, True),
    ],
)
def test_payout_notification(status: str, success: bool, failed: bool) -> None:
    note = parse_notification(_signed({**PAYOUT_CALLBACK, "status": status}), secret=SECRET)
    assert isinstance(note, PayoutNotification)
    assert (note.is_success, note.is_failed) == (success, failed)
    assert note.fee == 1200
    assert note.mch_id is None
    assert note.dedup_key == f"payout:Le198311136382210:{status}"
    assert PayoutStatus(int(status)).is_success == success


def test_kind_is_detected_or_pinned() -> None:
    with pytest.raises(WebhookPayloadError, match="neither"):
        parse_notification(_signed({"status": "2", "amount": "100"}), secret=SECRET)
    with pytest.raises(WebhookPayloadError, match="PayoutNotification"):
        parse_notification(_signed(SEED_CALLBACK), secret=SECRET, kind="payout")
    with pytest.raises(ValueError, match="kind"):
        parse_notification(_signed(SEED_CALLBACK), secret=SECRET, kind="refund")  # type: ignore[arg-type]


def test_bad_inputs() -> None:
    with pytest.raises(TypeError, match="mapping"):
        parse_notification([("sign", "x")], secret=SECRET)  # type: ignore[arg-type]
    unsignable: dict[str, Any] = {**SEED_CALLBACK, "amount": 1.5, "sign": "A" * 32}
    with pytest.raises(WebhookVerificationError, match="cannot be signed"):
        parse_notification(unsignable, secret=SECRET)


def test_ack_is_plain_success() -> None:
    assert ACK == "success"


# -- one success property for both kinds ------------------------------------------------------

# A LemonPay payout callback: no mchId, no mchOrderNo (the integrator's report).
PAYOUT_CALLBACK = {"agentpayOrderId": "Le198311136382210", "status": "2", "fee": "1200"}


@pytest.mark.parametrize(
    ("params", "status", "succeeded"),
    [
        (SEED_CALLBACK, "2", True),
        (SEED_CALLBACK, "3", True),
        (SEED_CALLBACK, "-1", False),
        (SEED_CALLBACK, "99", False),  # unknown: never taken for success
        (PAYOUT_CALLBACK, "2", True),
        (PAYOUT_CALLBACK, "1", False),
        (PAYOUT_CALLBACK, "6", False),
        (PAYOUT_CALLBACK, "99", False),
    ],
)
def test_every_callback_answers_succeeded(
    params: dict[str, str], status: str, succeeded: bool
) -> None:
    # A handler written against Notification (the README's) reads n.succeeded on both kinds.
    notification = parse_notification(_signed({**params, "status": status}), secret=SECRET)
    assert notification.succeeded is succeeded
    assert notification.kind == ("payout" if "agentpayOrderId" in params else "payin")


def test_callback_ids_are_typed_str() -> None:
    payin = parse_notification(_signed(SEED_CALLBACK), secret=SECRET)
    payout = parse_notification(_signed(PAYOUT_CALLBACK), secret=SECRET)
    assert isinstance(payin, PayinNotification)
    assert isinstance(payout, PayoutNotification)
    pay_order_id: str = payin.pay_order_id
    agentpay_order_id: str = payout.agentpay_order_id
    assert (pay_order_id, agentpay_order_id) == ("test1997967825452457986", "Le198311136382210")
    assert payout.mch_order_no is None  # optional: LemonPay's payout callback omits it
