"""The sandbox gateway's request rules: verify, validate, store, answer (no I/O here).

Answers mirror XxPay: ``SUCCESS`` bodies are signed over every field (``retCode``
included; nested ``payParams`` as key-sorted compact JSON keeping ``null``), ``FAIL``
bodies are not signed and carry ``errCode`` from XxPay's ``PayEnum``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lemft_async.payin import sign, signature_matches

from . import _checks as check
from ._state import PayinRecord, PayoutRecord, SandboxState

__all__ = ["Gateway", "GatewayFailure"]

CHECKOUT_URL = "https://checkout.sandbox.invalid/#/checkout/"


class GatewayFailure(Exception):
    """A request the gateway refuses: becomes a ``FAIL`` answer."""

    def __init__(self, err_code: str, message: str) -> None:
        super().__init__(message)
        self.err_code = err_code
        self.message = message


def _field(
    form: Mapping[str, str],
    name: str,
    rule: Callable[[str], Any] | None = None,
    *,
    required: bool = False,
) -> Any:
    """The checked value of ``name``; ``None`` when absent or empty and not required."""
    value = form.get(name, "")
    if not value:
        if required:
            raise GatewayFailure("0014", f"request params[{name}] error.")
        return None
    if rule is None:
        return value
    try:
        return rule(value)
    except ValueError as exc:
        raise GatewayFailure("0014", f"request params[{name}] error: {name} {exc}") from None


@dataclass
class Gateway:
    """State plus the rules of the four endpoints."""

    mch_id: str
    secret: str = field(repr=False)
    payout_fee: Callable[[int], int] = lambda amount: 0
    state: SandboxState = field(default_factory=SandboxState)

    def success(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {"retCode": "SUCCESS", **fields}
        payload["sign"] = sign(payload, self.secret)
        return payload

    @staticmethod
    def failure(err_code: str, message: str) -> dict[str, Any]:
        return {"retCode": "FAIL", "retMsg": message, "errCode": err_code, "errDes": message}

    def authenticate(self, form: Mapping[str, str]) -> None:
        if form.get("mchId") != self.mch_id:
            raise GatewayFailure("0015", "merchant not found")
        if not signature_matches(form, self.secret):
            raise GatewayFailure("0013", "Verify XX pay sign failed.")

    def create_order(self, form: Mapping[str, str]) -> PayinRecord:
        mch_order_no = _field(form, "mchOrderNo", check.order_id, required=True)
        amount = _field(form, "amount", check.amount, required=True)
        notify_url = _field(form, "notifyUrl", check.url, required=True)
        currency = _field(form, "currency", check.currency, required=True)
        _field(form, "phoneNumber", check.phone)
        _field(form, "payerEmail", check.email)
        _field(form, "accountName", check.account_name)
        _field(form, "returnUrl", check.url)
        if mch_order_no in self.state.payins:
            raise GatewayFailure("0014", "request params[mchOrderNo] error: duplicate order")
        record = PayinRecord(
            pay_order_id=self.state.next_id("Le"),
            mch_order_no=mch_order_no,
            amount=amount,
            currency=currency,
            notify_url=notify_url,
            remark=form.get("remark"),
        )
        self.state.payins[mch_order_no] = record
        return record

    def created_answer(self, record: PayinRecord) -> dict[str, Any]:
        pay_url = f"{CHECKOUT_URL}{self.mch_id}/checkoutorderId={record.pay_order_id}"
        return self.success(
            {
                "retMsg": "OK",
                "payOrderId": record.pay_order_id,
                "payParams": {
                    "payMethod": "urlJump",
                    "payUrl": pay_url,
                    "qrString": f"upi://pay?tr={record.pay_order_id}",
                    "url": None,
                    "upi": "sandbox@upi",
                },
            }
        )

    def find_payin(self, form: Mapping[str, str]) -> PayinRecord:
        pay_order_id, mch_order_no = form.get("payOrderId"), form.get("mchOrderNo")
        if not pay_order_id and not mch_order_no:
            raise GatewayFailure("0014", "request params[mchOrderNo or payOrderId] error.")
        record = self.state.find_payin(pay_order_id or None, mch_order_no or None)
        if record is None:
            raise GatewayFailure("0112", "支付订单不存在")
        return record

    def query_answer(self, record: PayinRecord) -> dict[str, Any]:
        return self.success({"retMsg": "OK", **record.query_fields()})

    def apply_payout(self, form: Mapping[str, str]) -> PayoutRecord:
        mch_order_no = _field(form, "mchOrderNo", check.order_id, required=True)
        amount = _field(form, "amount", check.amount, required=True)
        account_no = _field(form, "accountNo", required=True)
        if _field(form, "accountBankCode", required=True) != "BANK":
            raise GatewayFailure("0014", "request params[accountBankCode] error: must be BANK")
        extra = _field(form, "extra", required=True)
        notify_url = _field(form, "notifyUrl", check.url, required=True)
        currency = _field(form, "currency", check.currency, required=True)
        _field(form, "phoneNumber", check.phone)
        _field(form, "payerEmail", check.email)
        _field(form, "accountName", check.account_name)
        if mch_order_no in self.state.payouts:
            raise GatewayFailure("0014", "request params[mchOrderNo] error: duplicate order")
        record = PayoutRecord(
            agentpay_order_id=self.state.next_id("LeP"),
            mch_order_no=mch_order_no,
            amount=amount,
            fee=self.payout_fee(amount),
            currency=currency,
            account_no=account_no,
            extra=extra,
            notify_url=notify_url,
        )
        self.state.payouts[mch_order_no] = record
        return record

    def applied_answer(self, record: PayoutRecord) -> dict[str, Any]:
        return self.success(
            {
                "retMsg": "Payout application successful",
                "agentpayOrderId": record.agentpay_order_id,
                "fee": record.fee,
                "extra": None,
                "status": int(record.status),
            }
        )

    def find_payout(self, form: Mapping[str, str]) -> PayoutRecord:
        agentpay_order_id, mch_order_no = form.get("agentpayOrderId"), form.get("mchOrderNo")
        if not agentpay_order_id and not mch_order_no:
            raise GatewayFailure("0014", "request params[mchOrderNo or agentpayOrderId] error.")
        record = self.state.find_payout(agentpay_order_id or None, mch_order_no or None)
        if record is None:
            raise GatewayFailure("0112", "代付订单不存在")
        return record

    def payout_answer(self, record: PayoutRecord) -> dict[str, Any]:
        return self.success({"retMsg": "OK", **record.query_fields()})

    @staticmethod
    def wants_notify(form: Mapping[str, str]) -> bool:
        """``executeNotify`` as fastjson's ``getBooleanValue`` reads it."""
        return form.get("executeNotify", "").lower() == "true"
