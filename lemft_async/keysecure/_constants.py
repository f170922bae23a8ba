"""KeySecure constant groups (docs: Appendix, Constants §8).

All are string enums. Model fields are typed ``Enum | str`` through ``str_enum``: a value
the platform adds later is kept as plain text instead of failing to parse.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BeforeValidator

__all__ = [
    "CallbackAction",
    "CardStatus",
    "CardType",
    "CardholderStatus",
    "CommonStatus",
    "ConsumptionType",
    "ExemptionType",
    "FeeType",
    "TransferType",
    "str_enum",
]


class _StrEnum(str, enum.Enum):
    """Prints and formats as its value (``f"{CardStatus.FROZEN}"`` is ``Frozen``)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class CommonStatus(_StrEnum):
    PENDING = "Pending"
    SUCCESS = "Success"
    FAIL = "Fail"


class CardStatus(_StrEnum):
    PENDING = "Pending"
    TO_ACTIVATE = "ToActivate"
    ACTIVATED = "Activated"
    FAIL = "Fail"
    FROZEN = "Frozen"
    DELETE = "Delete"


class CardType(_StrEnum):
    VIRTUAL = "Virtual"
    PHYSICAL = "Physical"


class ConsumptionType(_StrEnum):
    OPEN_CARD = "Open_card"
    CONSUMPTION = "Consumption"
    ATM = "Atm"
    MANAGE_FEE = "Manage_fee"
    REVERSAL = "Reversal"
    REFUND = "Refund"


class FeeType(_StrEnum):
    CONSUME_FEE = "Consume_fee"
    APPLE_AUTH_FEE = "Apple_auth_fee"
    AUTH_FEE = "Auth_fee"
    ATM_FEE = "Atm_fee"
    EXCHANGE_FEE = "Exchange_fee"
    DECLINE_FEE = "Decline_fee"
    SMALL_FEE = "Small_fee"
    REFUND_FEE = "Refund_fee"
    CANCEL_FEE = "Cancel_fee"


class ExemptionType(_StrEnum):
    FOREVER = "Forever"
    NONE = "None"
    DAY = "Day"


class CardholderStatus(_StrEnum):
    PENDING = "Pending"
    IN_PROGRESS = "In_progress"
    APPROVED = "Approved"
    REJECTED = "Rejected"


class TransferType(_StrEnum):
    IN = "In"
    OUT = "Out"


class CallbackAction(_StrEnum):
    """``action`` of a callback (Constants, push actions)."""

    AUTH = "Auth"
    CONSUMPTION = "Consumption"
    CARD_UPDATE = "Card_update"


def str_enum(enum_cls: type[enum.Enum]) -> BeforeValidator:
    """Validator for ``Annotated[MyEnum | str | None, str_enum(MyEnum)]``: known text
    becomes a member (still equal to its string), anything else stays as sent."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return enum_cls(value)
            except ValueError:
                return value
        return value

    return BeforeValidator(convert)
