"""Payout records (pay methods, payees, payments) and their wire form (inferred shapes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._money import wire_money

__all__ = [
    "FEE_FROM_AMOUNT",
    "FEE_ON_TOP",
    "PAYEE_APPROVED",
    "PAYEE_CREATED",
    "PAYEE_PENDING",
    "PAYEE_REJECTED",
    "PAYMENT_COMPLETED",
    "PAYMENT_FAILED",
    "PAYMENT_PROCESSING",
    "PayMethod",
    "Payee",
    "Payment",
]

# Sandbox numbering for groups the docs name without values (docs/notifications.md).
PAYEE_CREATED, PAYEE_PENDING, PAYEE_APPROVED, PAYEE_REJECTED = 0, 1, 2, 3
PAYMENT_PROCESSING, PAYMENT_COMPLETED, PAYMENT_FAILED = 0, 1, 2
FEE_ON_TOP, FEE_FROM_AMOUNT = 1, 2
"""Fee Mode (sandbox numbering): 1 the fee is debited on top, 2 it is taken from the amount."""


@dataclass(slots=True)
class PayMethod:
    pay_method_id: str
    pay_method_name: str
    currency: str
    country: str
    fee_rate: Decimal
    fixed_fee: Decimal
    min_amount: Decimal
    max_amount: Decimal
    fee_mode: int = FEE_ON_TOP
    status: int = 1

    def to_wire(self) -> dict[str, Any]:
        return {
            "pay_method_id": self.pay_method_id,
            "pay_method_name": self.pay_method_name,
            "currency": self.currency,
            "country": self.country,
            "fee_mode": self.fee_mode,
            "fee_rate": wire_money(self.fee_rate),
            "fixed_fee": wire_money(self.fixed_fee),
            "min_amount": wire_money(self.min_amount),
            "max_amount": wire_money(self.max_amount),
            "status": self.status,
        }


_PAYEE_FIELDS = (
    "payee_type",
    "account_name",
    "account_no",
    "bank_name",
    "bank_code",
    "currency",
    "country",
    "address",
    "email",
    "fund_source",
    "payment_purpose",
)


@dataclass(slots=True)
class Payee:
    payee_id: str
    pay_method_id: str
    details: dict[str, Any]
    create_at: str
    status: int = PAYEE_CREATED
    reject_reason: str = ""
    remark: str = ""

    @property
    def currency(self) -> str:
        return str(self.details["currency"])

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"payee_id": self.payee_id, "pay_method_id": self.pay_method_id}
        for name in _PAYEE_FIELDS:
            wire[name] = self.details.get(name, 1 if name == "payee_type" else "")
        wire["status"] = self.status
        wire["reject_reason"] = self.reject_reason
        wire["remark"] = self.remark
        wire["create_at"] = self.create_at
        return wire


@dataclass(slots=True)
class Payment:
    payment_id: str
    out_order_id: str
    payee_id: str
    wallet_id: int
    amount: Decimal
    fee: Decimal
    fee_mode: int
    currency: str
    reason: str
    create_at: str
    created_epoch: float
    debit: Decimal
    """What left the wallet: ``amount + fee`` (fee on top) or ``amount`` (fee from amount)."""
    status: int = PAYMENT_PROCESSING
    reject_reason: str = ""
    remark: str = ""
    complete_at: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {
            "payment_id": self.payment_id,
            "out_order_id": self.out_order_id,
            "payee_id": self.payee_id,
            "wallet_id": self.wallet_id,
            "amount": wire_money(self.amount),
            "fee": wire_money(self.fee),
            "fee_mode": self.fee_mode,
            "currency": self.currency,
            "reason": self.reason,
            "status": self.status,
            "reject_reason": self.reject_reason,
            "remark": self.remark,
            "complete_at": self.complete_at,
            "create_at": self.create_at,
        }
