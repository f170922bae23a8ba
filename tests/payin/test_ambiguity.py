"""Payin's ``k=v&k=v`` signed string must stay unambiguous, and the merchant check unskippable.

``currency="INR&mchId=M100"`` signs exactly like ``currency="INR"`` plus ``mchId="M100"``:
a signature would vouch for a merchant id that was never a field. Such values are refused
when we sign (before sending) and when we verify (callbacks).
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
import respx

from lemft_async import WebhookVerificationError
from lemft_async.payin import AsyncPayin, parse_notification, sign

from .conftest import BASE_URL, MCH_ID, NOTIFY_URL, SECRET, json_response


def md5_sign(canonical: str, secret: str = SECRET) -> str:
    """An independent signer that signs whatever string it is given (as a forger would)."""
    return (
        hashlib.md5(f"{canonical}&key={secret}".encode(), usedforsecurity=False).hexdigest().upper()
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("currency", "INR&mchId=M100"),
        ("remark", "thanks&amount=1"),
        ("notify_url", "https://merchant.example/notify?x=1&key=abc"),
        ("remark", "x&sign=ABC"),
        ("account_name", "Ravi&mchId=M100"),
    ],
)
async def test_a_value_that_folds_another_parameter_is_refused_before_sending(
    field: str, value: str
) -> None:
    options: dict[str, Any] = {"amount": 10000, "notify_url": NOTIFY_URL, field: value}
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().mock(return_value=json_response({"retCode": "SUCCESS"}))
        async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url=BASE_URL) as payin:
            # currency is also refused by its own format check; either way, before sending.
            with pytest.raises(ValueError, match=r"ambiguous|currency"):
                await payin.create_order(**options)
    assert route.call_count == 0


@pytest.mark.parametrize(
    "value", ["https://merchant.example/notify?order=1&tenant=7", "a=b & c", "x&y", "R&D=yes"]
)
def test_ordinary_ampersands_and_equals_signs_still_sign(value: str) -> None:
    assert len(sign({"mchId": MCH_ID, "notifyUrl": value}, SECRET)) == 32


def _payin_callback(**extra: str) -> dict[str, str]:
    fields = {
        "payOrderId": "P0001",
        "mchId": MCH_ID,
        "mchOrderNo": "M-1",
        "amount": "10000",
        "status": "2",
        **extra,
    }
    return {**fields, "sign": sign(fields, SECRET)}


def test_a_forged_callback_with_a_folded_merchant_id_is_refused() -> None:
    # Signed (with the right secret) over a string where "mchId" exists only inside
    # another value: the signature matches that string, but the fields are ambiguous.
    params = {
        "payOrderId": "P0001",
        "mchOrderNo": "M-1",
        "amount": "10000",
        "status": "2",
        "channelCode": f"X&mchId={MCH_ID}",
    }
    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params))
    with pytest.raises(WebhookVerificationError):
        parse_notification({**params, "sign": md5_sign(canonical)}, secret=SECRET, mch_id=MCH_ID)


def test_a_pay_in_callback_without_mch_id_cannot_skip_the_merchant_check() -> None:
    fields = {"payOrderId": "P0001", "mchOrderNo": "M-1", "amount": "10000", "status": "2"}
    params = {**fields, "sign": sign(fields, SECRET)}
    with pytest.raises(WebhookVerificationError, match="mchId"):
        parse_notification(params, secret=SECRET, mch_id=MCH_ID)
    # Without a merchant to check against, it is authentic and decodes.
    assert parse_notification(params, secret=SECRET).mch_order_no == "M-1"


def test_a_pay_in_callback_for_this_merchant_is_accepted() -> None:
    notification = parse_notification(_payin_callback(), secret=SECRET, mch_id=MCH_ID)
    assert notification.mch_order_no == "M-1"


def test_a_payout_callback_without_mch_id_is_accepted_and_a_wrong_one_refused() -> None:
    # LemonPay's payout notify is reported to carry no mchId (see the reference).
    fields = {"agentpayOrderId": "A1", "mchOrderNo": "M-2", "amount": "10000", "status": "2"}
    ok = parse_notification({**fields, "sign": sign(fields, SECRET)}, secret=SECRET, mch_id=MCH_ID)
    assert ok.mch_order_no == "M-2"
    other = {**fields, "mchId": "SOMEONE-ELSE"}
    with pytest.raises(WebhookVerificationError, match="another merchant"):
        parse_notification({**other, "sign": sign(other, SECRET)}, secret=SECRET, mch_id=MCH_ID)


async def test_the_client_checks_its_own_merchant_id() -> None:
    async with AsyncPayin(
        mch_id=MCH_ID, secret=SECRET, base_url=BASE_URL, http_client=httpx.AsyncClient()
    ) as payin:
        fields = {"payOrderId": "P0001", "mchOrderNo": "M-1", "amount": "10000", "status": "2"}
        with pytest.raises(WebhookVerificationError, match="mchId"):
            payin.parse_notification({**fields, "sign": sign(fields, SECRET)})
