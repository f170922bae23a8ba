"""The sandbox's in-memory KeySecure: cardholders, cards, consumptions, accounts.

Seeded with a few records so examples have something to list. Amounts are ``Decimal``
and go out as 2-decimal strings (the docs' shape); times are Unix milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "CardRecord",
    "ConsumptionRecord",
    "HolderRecord",
    "SandboxError",
    "SandboxState",
    "TransferRecord",
    "money",
]

DAY_MS = 86_400_000


def money(value: Decimal) -> str:
    """Two-decimal text, as the docs' examples show amounts."""
    return format(value.quantize(Decimal("0.01")), "f")


class SandboxError(Exception):
    """A business error the sandbox answers with ``{"code": code, "msg": msg}``."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code
        self.msg = msg


@dataclass
class HolderRecord:
    cardholder_no: str
    cardholder_unique_no: str
    email: str
    status: str
    time: int
    fail_reason: str = ""

    def as_item(self) -> dict[str, Any]:
        return {
            "cardholder_no": self.cardholder_no,
            "cardholder_unique_no": self.cardholder_unique_no,
            "email": self.email,
            "fail_reason": self.fail_reason,
            "status": self.status,
            "time": self.time,
        }


@dataclass
class CardRecord:
    card_no: str
    card_unique_no: str
    cardholder_no: str
    card_type: str
    status: str
    pan: str
    cvv: str
    time: int
    exp_year: str = "2030"
    exp_month: str = "12"
    organization: str = "VISA"
    package_no: str | None = None
    card_bin_no: str | None = None
    pin: str | None = field(default=None, repr=False)

    def as_item(self) -> dict[str, Any]:
        return {
            "card_no": self.card_no,
            "card_unique_no": self.card_unique_no,
            "cardholder_no": self.cardholder_no,
            "card_type": self.card_type,
            "card_last_no": self.pan[-4:],
            "organization": self.organization,
            "status": self.status,
            "time": self.time,
        }


@dataclass
class ConsumptionRecord:
    consume_no: str
    card_no: str
    cardholder_no: str
    type: str
    amount: Decimal
    status: str
    time: int
    local_currency: str = "USD"
    fee: Decimal = Decimal("0.00")
    consume_relate_no: str = ""
    remark: str = ""

    def as_item(self) -> dict[str, Any]:
        return {
            "consume_no": self.consume_no,
            "consume_relate_no": self.consume_relate_no,
            "card_no": self.card_no,
            "cardholder_no": self.cardholder_no,
            "type": self.type,
            "amount": money(self.amount),
            "local_amount": money(self.amount),
            "local_currency": self.local_currency,
            "fee": money(self.fee),
            "status": self.status,
            "remark": self.remark,
            "time": self.time,
        }


@dataclass
class TransferRecord:
    transfer_no: str
    transfer_unique_no: str
    cardholder_no: str
    type: str
    balance: Decimal
    before_balance: Decimal
    after_balance: Decimal
    time: int

    def as_item(self) -> dict[str, Any]:
        return {
            "transfer_no": self.transfer_no,
            "transfer_unique_no": self.transfer_unique_no,
            "cardholder_no": self.cardholder_no,
            "type": self.type,
            "balance": money(self.balance),
            "before_balance": money(self.before_balance),
            "after_balance": money(self.after_balance),
            "time": self.time,
        }


class SandboxState:
    """All records, keyed by their KeySecure numbers."""

    def __init__(self, now_ms: int) -> None:
        self.holders: dict[str, HolderRecord] = {}
        self.cards: dict[str, CardRecord] = {}
        self.consumptions: dict[str, ConsumptionRecord] = {}
        self.transfers: list[TransferRecord] = []
        self.balances: dict[str, Decimal] = {}
        self._serial = 0
        self.packages: list[dict[str, Any]] = [
            _package("P0001", "Virtual", "Sandbox Virtual", "C_BIN_001", "424242"),
            _package("P0002", "Physical", "Sandbox Physical", "C_BIN_002", "555555"),
        ]
        self.bins: list[dict[str, Any]] = [
            _bin("C_BIN_001", "424242", physical=False),
            _bin("C_BIN_002", "555555", physical=True),
        ]
        self._seed(now_ms)

    def next_no(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08d}"

    def _seed(self, now_ms: int) -> None:
        day = now_ms - DAY_MS
        for no, unique, email, status in (
            ("U0001", "MERCHANT_USER_001", "alice@example.test", "Approved"),
            ("U0002", "MERCHANT_USER_002", "bob@example.test", "Approved"),
            ("U0003", "MERCHANT_USER_003", "carol@example.test", "Pending"),
        ):
            self.holders[no] = HolderRecord(no, unique, email, status, day)
            self.balances[no] = Decimal("1000.00")
        for card in (
            CardRecord("C0001", "CARD_001", "U0001", "Virtual", "Activated", "4242424242424242",
                       "123", day, package_no="P0001"),
            CardRecord("C0002", "CARD_002", "U0001", "Physical", "ToActivate", "5555555555554444",
                       "456", day, package_no="P0002"),
            CardRecord("C0003", "CARD_003", "U0002", "Virtual", "Frozen", "4000056655665556",
                       "789", day, package_no="P0001"),
        ):  # fmt: skip
            self.cards[card.card_no] = card
        for consume in (
            ConsumptionRecord("T0001", "C0001", "U0001", "Consumption", Decimal("12.50"),
                              "Success", day + 3_600_000, remark="coffee"),
            ConsumptionRecord("T0002", "C0001", "U0001", "Refund", Decimal("2.00"),
                              "Success", day + 7_200_000, consume_relate_no="T0001"),
        ):  # fmt: skip
            self.consumptions[consume.consume_no] = consume

    def holder(self, cardholder_no: str) -> HolderRecord:
        try:
            return self.holders[cardholder_no]
        except KeyError:
            raise SandboxError(2002, "Cardholder does not exist") from None

    def card(self, card_no: str) -> CardRecord:
        try:
            return self.cards[card_no]
        except KeyError:
            # The 4xxx texts are not in our docs; 4001 is the sandbox's choice.
            raise SandboxError(4001, "Card does not exist") from None


def _limits() -> dict[str, str]:
    return {
        "limit_balance": "10000.00",
        "limit_week_balance": "5000.00",
        "limit_atm_day_balance": "500.00",
        "limit_atm_month_balance": "2000.00",
    }


def _package(no: str, kind: str, name: str, bin_no: str, bin_: str) -> dict[str, Any]:
    return {
        "package_no": no,
        "package_en_name": name,
        "package_cn_name": name,
        "card_bin": bin_,
        "card_bin_no": bin_no,
        "organization": "VISA",
        "package_type": kind,
        "en_desc": f"{name} card",
        "cn_desc": f"{name} card",
        "en_tag_list": ["sandbox"],
        "cn_tag_list": ["sandbox"],
        "consumption_limit": _limits(),
        "fee_detail": {"consume_rate": "0.015", "open_cost": "5.00", "manage_fee": "1.00"},
    }


def _bin(no: str, bin_: str, *, physical: bool) -> dict[str, Any]:
    return {
        "card_bin_no": no,
        "card_bin": bin_,
        "organization": "VISA",
        "support_physical": physical,
        "support_virtual": True,
        "currencies": ["USD"],
        "balance_limit": _limits(),
    }
