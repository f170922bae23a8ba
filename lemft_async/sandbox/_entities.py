"""The sandbox's card-side records (wallets, BINs, holders, cards, orders, ledger, trades)
and their wire form; the payout records are in ``_payouts``.

``to_wire()`` gives exactly the fields of the matching ``lemft_async.types`` model, in the
documented order where the docs show one (wallet, order, card notification). Amounts go
out as JSON numbers written like the docs' examples (``20``, ``0.4``); times as
``YYYY-MM-DD HH:MM:SS`` (UTC) or ``""`` when unset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._money import ZERO, wire_money

__all__ = [
    "BinProduct",
    "Card",
    "CardTrade",
    "Holder",
    "Order",
    "OrderBill",
    "Transaction",
    "Wallet",
]

# Sandbox numbering for the groups the docs name without values (docs/notifications.md).
CARD_INACTIVE, CARD_ACTIVE, CARD_FROZEN, CARD_CLOSING, CARD_CLOSED, CARD_LOST = 1, 2, 3, 4, 5, 6
TRADE_PURCHASE, TRADE_REFUND, TRADE_REVERSAL = 1, 2, 3
TRADE_APPROVED, TRADE_DECLINED = 1, 2

CARD_STATUS_NAMES = {
    CARD_INACTIVE: "inactive",
    CARD_ACTIVE: "active",
    CARD_FROZEN: "frozen",
    CARD_CLOSING: "closing",
    CARD_CLOSED: "closed",
    CARD_LOST: "lost",
}


@dataclass(slots=True)
class Wallet:
    wallet_id: int
    wallet_sn: str
    wallet_name: str
    customer_id: int
    currency: str
    available_balance: Decimal
    freeze_balance: Decimal
    status: int
    create_at: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "wallet_id": self.wallet_id,
            "wallet_sn": self.wallet_sn,
            "wallet_name": self.wallet_name,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "available_balance": wire_money(self.available_balance),
            "freeze_balance": wire_money(self.freeze_balance),
            "status": self.status,
            "create_at": self.create_at,
        }


@dataclass(slots=True)
class BinProduct:
    """A BIN with its fees and limits (one record; three wire views)."""

    bin_id: str
    bin: str
    bin_name: str
    card_brand: str
    currency: str
    card_type: int
    open_card_fee: Decimal
    recharge_fee_rate: Decimal
    recharge_fee_min: Decimal
    min_open_amount: Decimal
    max_open_amount: Decimal
    min_recharge_amount: Decimal
    max_recharge_amount: Decimal
    max_balance: Decimal
    single_trade_limit: Decimal
    daily_trade_limit: Decimal
    create_at: str
    bin_type: int = 1
    bin_mode: int = 1
    status: int = 1

    def to_wire(self) -> dict[str, Any]:
        return {
            "bin_id": self.bin_id,
            "bin": self.bin,
            "bin_name": self.bin_name,
            "card_brand": self.card_brand,
            "currency": self.currency,
            "card_type": self.card_type,
            "bin_type": self.bin_type,
            "bin_mode": self.bin_mode,
            "status": self.status,
            "create_at": self.create_at,
        }

    def fees_wire(self) -> dict[str, Any]:
        return {
            "bin_id": self.bin_id,
            "currency": self.currency,
            "open_card_fee": wire_money(self.open_card_fee),
            "recharge_fee_rate": wire_money(self.recharge_fee_rate),
            "recharge_fee_min": wire_money(self.recharge_fee_min),
        }

    def limits_wire(self) -> dict[str, Any]:
        return {
            "bin_id": self.bin_id,
            "currency": self.currency,
            "min_open_amount": wire_money(self.min_open_amount),
            "max_open_amount": wire_money(self.max_open_amount),
            "min_recharge_amount": wire_money(self.min_recharge_amount),
            "max_recharge_amount": wire_money(self.max_recharge_amount),
            "max_balance": wire_money(self.max_balance),
            "single_trade_limit": wire_money(self.single_trade_limit),
            "daily_trade_limit": wire_money(self.daily_trade_limit),
        }


_HOLDER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "mobile_prefix",
    "mobile",
    "birthday",
    "country",
    "state",
    "city",
    "address",
    "post_code",
)


@dataclass(slots=True)
class Holder:
    holder_id: str
    profile: dict[str, str]
    create_at: str
    status: int = 1

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"holder_id": self.holder_id}
        for name in _HOLDER_FIELDS:
            wire[name] = self.profile.get(name, "")
        wire["status"] = self.status
        wire["create_at"] = self.create_at
        return wire


@dataclass(slots=True)
class Card:
    card_id: str
    order_id: str
    out_order_id: str
    app_id: int
    bin_id: str
    holder_id: str
    card_no: str
    expiry: str
    cvv: str
    currency: str
    card_type: int
    status: int
    balance: Decimal = ZERO
    limit: Decimal = ZERO
    pin: str = ""
    use_at: str = ""
    close_at: str = ""
    end_at: str = ""
    mark: str = ""

    def notify_wire(self) -> dict[str, Any]:
        """The documented Card notification payload, field for field."""
        return {
            "card_id": self.card_id,
            "order_id": self.order_id,
            "out_order_id": self.out_order_id,
            "app_id": self.app_id,
            "bin_id": self.bin_id,
            "holder_id": self.holder_id,
            "card_no": self.card_no,
            "balance": wire_money(self.balance),
            "limit": wire_money(self.limit),
            "expiry": self.expiry,
            "cvv": self.cvv,
            "pin": self.pin,
            "status": self.status,
            "use_at": self.use_at,
            "close_at": self.close_at,
            "end_at": self.end_at,
            "mark": self.mark,
        }

    def to_wire(self) -> dict[str, Any]:
        wire = self.notify_wire()
        wire["currency"] = self.currency
        wire["card_type"] = self.card_type
        return wire

    def __repr__(self) -> str:
        return f"Card(card_id={self.card_id!r}, status={self.status}, card_no=***, cvv=***)"


@dataclass(slots=True)
class OrderBill:
    bill_type: int
    in_out_type: int
    transaction_time: str
    lines: list[tuple[int, Decimal]]

    def to_wire(self) -> dict[str, Any]:
        return {
            "bill_type": self.bill_type,
            "in_out_type": self.in_out_type,
            "transaction_time": self.transaction_time,
            "bill_list": [
                {"bill_category": category, "amount": wire_money(amount)}
                for category, amount in self.lines
            ],
        }


@dataclass(slots=True)
class Order:
    order_id: str
    bin_id: str
    holder_id: str
    out_order_id: str
    card_type: int
    order_type: int
    amount: Decimal
    fee: Decimal
    currency: str
    card_id: str
    status: int
    create_at: str
    wallet_id: int
    created_epoch: float
    mark: str = ""
    track_code: str = ""
    track_supplier: str = ""
    track_at: str = ""
    complete_at: str = ""
    bills: list[OrderBill] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        """``order_info`` exactly as documented (订单详情)."""
        return {
            "order_id": self.order_id,
            "bin_id": self.bin_id,
            "holder_id": self.holder_id,
            "out_order_id": self.out_order_id,
            "card_type": self.card_type,
            "order_type": self.order_type,
            "amount": wire_money(self.amount),
            "fee": wire_money(self.fee),
            "currency": self.currency,
            "card_id": self.card_id,
            "status": self.status,
            "track_code": self.track_code,
            "track_supplier": self.track_supplier,
            "track_at": self.track_at,
            "complete_at": self.complete_at,
            "create_at": self.create_at,
        }


@dataclass(slots=True)
class Transaction:
    """One wallet ledger record with the balance before and after it."""

    transaction_id: str
    wallet_id: int
    record_id: str
    out_transaction_id: str
    in_out_type: int
    transaction_type: int
    transaction_desc: str
    amount: Decimal
    currency: str
    before_balance: Decimal
    after_balance: Decimal
    transaction_time: str
    created_epoch: float
    status: int = 2
    reject_reason: str = ""
    remark: str = ""

    def to_wire(self) -> dict[str, Any]:
        """A ``transaction_list`` entry exactly as documented (交易详情)."""
        return {
            "record_id": self.record_id,
            "transaction_id": self.transaction_id,
            "out_transaction_id": self.out_transaction_id,
            "in_out_type": self.in_out_type,
            "transaction_type": self.transaction_type,
            "transaction_desc": self.transaction_desc,
            "amount": wire_money(self.amount),
            "currency": self.currency,
            "before_balance": wire_money(self.before_balance),
            "after_balance": wire_money(self.after_balance),
            "status": self.status,
            "reject_reason": self.reject_reason,
            "remark": self.remark,
            "transaction_time": self.transaction_time,
            "create_at": self.transaction_time,
        }


@dataclass(slots=True)
class CardTrade:
    trade_id: str
    card_id: str
    trade_type: int
    trade_result: int
    amount: Decimal
    currency: str
    merchant_name: str
    merchant_mcc: str
    merchant_country: str
    auth_code: str
    trade_time: str
    created_epoch: float
    remark: str = ""
    fee: Decimal = ZERO

    def to_wire(self) -> dict[str, Any]:
        return {
            "trade_id": self.trade_id,
            "card_id": self.card_id,
            "trade_type": self.trade_type,
            "trade_result": self.trade_result,
            "amount": wire_money(self.amount),
            "currency": self.currency,
            "local_amount": wire_money(self.amount),
            "local_currency": self.currency,
            "fee": wire_money(self.fee),
            "merchant_name": self.merchant_name,
            "merchant_mcc": self.merchant_mcc,
            "merchant_country": self.merchant_country,
            "auth_code": self.auth_code,
            "remark": self.remark,
            "trade_time": self.trade_time,
            "create_at": self.trade_time,
        }
