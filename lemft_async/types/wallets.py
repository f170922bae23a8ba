"""Wallet models. ``Wallet`` and ``WalletTransaction`` fields are documented (钱包列表,
交易详情); ``TransactionDetail`` wraps the documented ``transaction_list``; ``ExchangeRate``
is inferred."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel, Money, enum_value
from .constants import InOutType, TransactionStatus, WalletStatus

__all__ = ["ExchangeRate", "TransactionDetail", "Wallet", "WalletTransaction"]


class Wallet(LemftModel):
    """One wallet (documented: 钱包列表 wallet_list[])."""

    wallet_id: int
    wallet_sn: str | None = None
    wallet_name: str | None = None
    customer_id: int | None = None
    currency: str | None = None
    available_balance: Money = None
    """Available balance in major units."""
    freeze_balance: Money = None
    """Frozen balance in major units."""
    status: Annotated[WalletStatus | int | None, enum_value(WalletStatus)] = None
    create_at: LemftDateTime = None


class WalletTransaction(LemftModel):
    """One wallet ledger record (documented fields: 交易详情 transaction_list[])."""

    record_id: str | None = None
    """Related business record (card order id, payment id, ...); read with transaction_type."""
    transaction_id: Identifier
    out_transaction_id: str | None = None
    in_out_type: Annotated[InOutType | int | None, enum_value(InOutType)] = None
    transaction_type: int | None = None
    """Values not documented (Constant 'Transaction Type' not found)."""
    transaction_desc: str | None = None
    amount: Money = None
    currency: str | None = None
    before_balance: Money = None
    after_balance: Money = None
    status: Annotated[TransactionStatus | int | None, enum_value(TransactionStatus)] = None
    reject_reason: str | None = None
    remark: str | None = None
    transaction_time: LemftDateTime = None
    create_at: LemftDateTime = None


class TransactionDetail(LemftModel):
    """The ``data`` of 交易详情: normally one record; a currency exchange gives two (documented)."""

    transaction_list: list[WalletTransaction] = Field(default_factory=list)


class ExchangeRate(LemftModel):
    """Exchange rate between two wallet currencies (inferred shape)."""

    from_currency: str | None = None
    to_currency: str | None = None
    rate: Money = None
    """Units of ``to_currency`` per one unit of ``from_currency`` (inferred)."""
    amount: Money = None
    """The converted amount, when an ``amount`` was sent (inferred)."""
    update_at: LemftDateTime = None
