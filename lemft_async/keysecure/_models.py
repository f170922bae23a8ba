"""Response models for the KeySecure endpoints (field names as in the docs' examples).

Lenient like every model of this package: unknown fields are kept (attribute access and
``model_extra``), unknown constant values are kept as text, money is ``Decimal`` (the docs
send amounts as strings such as ``"100.00"``; they are parsed digit for digit), ``time``
fields are Unix milliseconds (``time_utc`` gives an aware datetime).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from .._core._identity import Identifier
from .._core._models import LemftModel, Money, str_enum_value
from ._constants import (
    CardholderStatus,
    CardStatus,
    CardType,
    CommonStatus,
    ConsumptionType,
    TransferType,
)

__all__ = [
    "AccessToken",
    "Account",
    "BalanceLimit",
    "Card",
    "CardApplyResult",
    "CardBin",
    "CardDetail",
    "CardPackage",
    "CardPrivateInfo",
    "Cardholder",
    "CardholderApplyResult",
    "CardholderDetail",
    "ClientAccessToken",
    "Consumption",
    "EpochMs",
    "FeeDetail",
    "KeySecureModel",
    "OperationResult",
    "Transfer",
    "TransferResult",
]


def _epoch_ms(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lstrip("-").isdigit():
            return int(text)
    return value


EpochMs = Annotated[int | None, BeforeValidator(_epoch_ms)]
"""Unix milliseconds as ``int`` (digit strings accepted, ``""`` is ``None``)."""


class KeySecureModel(LemftModel):
    """Base of the KeySecure models: secrets and card data masked in reprs."""

    _masked_fields: ClassVar[frozenset[str]] = frozenset(
        {"cvv", "pin", "access_token", "client_access_token"}
    )


class _Timed(KeySecureModel):
    time: EpochMs = None

    @property
    def time_utc(self) -> datetime | None:
        """``time`` as an aware UTC datetime."""
        return None if self.time is None else datetime.fromtimestamp(self.time / 1000, timezone.utc)


class AccessToken(KeySecureModel):
    """The cached Access-Token (value masked in repr)."""

    access_token: str
    expired_time: Any = None
    """As sent by the server (documented: Unix milliseconds; see ``_token``)."""
    expires_at: datetime | None = None
    """The SDK's reading of ``expired_time`` (``None``: unknown, kept until a 1007)."""


class OperationResult(KeySecureModel):
    """``{"result": true}`` answers (activation, status update, PIN)."""

    result: bool | None = None


class CardholderApplyResult(KeySecureModel):
    cardholder_no: Identifier
    """KeySecure's number for the new cardholder: an answer without it is an unknown outcome."""
    cardholder_unique_no: str | None = None


class Cardholder(_Timed):
    """An item of the cardholder list."""

    cardholder_no: Identifier
    cardholder_unique_no: str | None = None
    email: str | None = None
    status: Annotated[CardholderStatus | str | None, str_enum_value(CardholderStatus)] = None
    fail_reason: str | None = None


class CardholderDetail(Cardholder):
    """Cardholder details; accounts and issued cards are kept as extra fields."""

    total_balance: Money = None


class FeeDetail(KeySecureModel):
    """A package's or card's fee schedule (amounts and rates as ``Decimal``)."""

    consume_rate: Money = None
    open_cost: Money = None
    cross_consume_rate: Money = None
    small_consume_threshold: Money = None
    small_consume_deduct: Money = None
    free_small_consume_count: int | None = None
    refund_rate: Money = None
    decline_fee: Money = None
    decline_fee_free_count: int | None = None
    atm_rate: Money = None
    atm_min_fee: Money = None
    apple_pay_fee: Money = None
    manage_fee_type: str | None = None
    manage_fee: Money = None


class BalanceLimit(KeySecureModel):
    """``consumption_limit`` / ``balance_limit``."""

    limit_balance: Money = None
    limit_week_balance: Money = None
    limit_atm_day_balance: Money = None
    limit_atm_month_balance: Money = None


class CardApplyResult(KeySecureModel):
    card_no: Identifier
    """KeySecure's number for the new card: an answer without it is an unknown outcome."""
    card_unique_no: str | None = None


class Card(_Timed):
    """An item of the card list. ``card_no`` is KeySecure's card order number."""

    card_no: Identifier
    card_unique_no: str | None = None
    cardholder_no: str | None = None
    card_type: Annotated[CardType | str | None, str_enum_value(CardType)] = None
    card_last_no: str | None = None
    organization: str | None = None
    status: Annotated[CardStatus | str | None, str_enum_value(CardStatus)] = None


class CardDetail(Card):
    card_name: str | None = None
    package_name_en: str | None = None
    package_name_cn: str | None = None
    fee_detail: FeeDetail | None = None


class CardPrivateInfo(KeySecureModel):
    """The decrypted card privacy JSON (``pan`` and ``cvv`` masked in repr)."""

    card_no: str | None = None
    card_unique_no: str | None = None
    pan: str | None = None
    cvv: str | None = None
    exp_year: str | int | None = None
    exp_month: str | int | None = None


class ClientAccessToken(KeySecureModel):
    """One-time token for the PCI iframe (masked in repr)."""

    client_access_token: str | None = None
    expires_in: int | None = None
    """Validity in seconds."""


class Consumption(_Timed):
    """A consumption record (list item or details)."""

    consume_no: Identifier
    consume_relate_no: str | None = None
    card_no: str | None = None
    cardholder_no: str | None = None
    type: Annotated[ConsumptionType | str | None, str_enum_value(ConsumptionType)] = None
    amount: Money = None
    local_amount: Money = None
    local_currency: str | None = None
    fee: Money = None
    status: Annotated[CommonStatus | str | None, str_enum_value(CommonStatus)] = None
    remark: str | None = None


class Account(KeySecureModel):
    """One cardholder account (credit-extension mode)."""

    cardholder_no: str | None = None
    symbol: str | None = None
    symbol_chain: str | None = None
    balance: Money = None
    usd_balance: Money = None
    bonus_balance: Money = None
    usd_bonus_balance: Money = None


class TransferResult(KeySecureModel):
    transfer_no: str | None = None
    transfer_unique_no: str | None = None
    before_balance: Money = None
    after_balance: Money = None


class Transfer(_Timed):
    """An item of the transfer flow list."""

    transfer_no: str | None = None
    transfer_unique_no: str | None = None
    cardholder_no: str | None = None
    type: Annotated[TransferType | str | None, str_enum_value(TransferType)] = None
    balance: Money = None
    before_balance: Money = None
    after_balance: Money = None


class CardPackage(KeySecureModel):
    """A card package (credit-extension mode)."""

    package_no: str | None = None
    package_en_name: str | None = None
    package_cn_name: str | None = None
    card_bin: str | None = None
    card_bin_no: str | None = None
    organization: str | None = None
    package_type: str | None = None
    en_desc: str | None = None
    cn_desc: str | None = None
    en_tag_list: list[str] = Field(default_factory=list)
    cn_tag_list: list[str] = Field(default_factory=list)
    consumption_limit: BalanceLimit | None = None
    fee_detail: FeeDetail | None = None


class CardBin(KeySecureModel):
    """A supported card BIN (authorization mode)."""

    card_bin_no: str | None = None
    card_bin: str | None = None
    organization: str | None = None
    support_physical: bool | None = None
    support_virtual: bool | None = None
    currencies: list[str] = Field(default_factory=list)
    balance_limit: BalanceLimit | None = None
