"""The sandbox's orders: what it stores and what its callbacks and answers contain."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from lemft_async.payin import PayinStatus, PayoutStatus

__all__ = ["PayinRecord", "PayoutRecord", "SandboxState"]


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class PayinRecord:
    """One pay-in as the sandbox gateway holds it."""

    pay_order_id: str
    mch_order_no: str
    amount: int
    currency: str
    notify_url: str
    remark: str | None = None
    status: PayinStatus = PayinStatus.CREATED
    channel_pay_no: str | None = None
    pay_succ_time: int | None = None
    error_message: str | None = None

    @property
    def settled(self) -> bool:
        return self.status not in (PayinStatus.CREATED, PayinStatus.PAYING)

    def settle(self, status: PayinStatus, utr: str) -> None:
        self.status = status
        if status.is_paid:
            self.channel_pay_no = utr
            self.pay_succ_time = _now_ms()
        else:
            self.error_message = f"sandbox: pay-in {status.name.lower()}"

    def query_fields(self) -> dict[str, Any]:
        """The query answer's order fields (seed 003's example)."""
        return {
            "status": int(self.status),
            "productId": "8001",
            "amount": self.amount,
            "channelPayNo": self.channel_pay_no,
            "currency": self.currency,
            "mchOrderNo": self.mch_order_no,
            "payOrderId": self.pay_order_id,
            "errorMessage": self.error_message,
            "paySuccTime": self.pay_succ_time,
        }

    def notify_fields(self, mch_id: str) -> dict[str, Any]:
        """The callback's fields (seed 003's example), before signing."""
        return {
            "payOrderId": self.pay_order_id,
            "paySuccTime": self.pay_succ_time,
            "amount": self.amount,
            "mchId": mch_id,
            "mchOrderNo": self.mch_order_no,
            "channelPayNo": self.channel_pay_no,
            "backType": 2,
            "channelCode": "SANDBOX",
            "status": int(self.status),
            "errorMessage": self.error_message,
        }


@dataclass
class PayoutRecord:
    """One payout (agentpay) as the sandbox gateway holds it."""

    agentpay_order_id: str
    mch_order_no: str
    amount: int
    fee: int
    currency: str
    account_no: str = field(repr=False)
    extra: str
    notify_url: str
    status: PayoutStatus = PayoutStatus.PROCESSING
    trans_msg: str | None = None

    @property
    def settled(self) -> bool:
        return self.status not in (PayoutStatus.PENDING, PayoutStatus.PROCESSING)

    def settle(self, status: PayoutStatus) -> None:
        self.status = status
        self.trans_msg = f"sandbox: payout {status.name.lower()}"

    def query_fields(self) -> dict[str, Any]:
        return {
            "agentpayOrderId": self.agentpay_order_id,
            "mchOrderNo": self.mch_order_no,
            "amount": self.amount,
            "fee": self.fee,
            "status": int(self.status),
            "transMsg": self.trans_msg,
        }

    def notify_fields(self) -> dict[str, Any]:
        # LemonPay's payout notify carries no mchId (reference 1.7).
        return {**self.query_fields(), "extra": self.extra}


@dataclass
class SandboxState:
    """Orders by merchant order number and by gateway order id."""

    payins: dict[str, PayinRecord] = field(default_factory=dict)
    payouts: dict[str, PayoutRecord] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{int(time.time())}{next(self._seq):06d}"

    def find_payin(self, pay_order_id: str | None, mch_order_no: str | None) -> PayinRecord | None:
        if mch_order_no is not None:
            record = self.payins.get(mch_order_no)
            if record is None or pay_order_id not in (None, record.pay_order_id):
                return None
            return record
        return next((r for r in self.payins.values() if r.pay_order_id == pay_order_id), None)

    def find_payout(
        self, agentpay_order_id: str | None, mch_order_no: str | None
    ) -> PayoutRecord | None:
        if mch_order_no is not None:
            record = self.payouts.get(mch_order_no)
            if record is None or agentpay_order_id not in (None, record.agentpay_order_id):
                return None
            return record
        return next(
            (r for r in self.payouts.values() if r.agentpay_order_id == agentpay_order_id), None
        )
