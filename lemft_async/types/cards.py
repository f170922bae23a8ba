"""Card models. ``Card`` fields are documented by the Card webhook payload; ``CardTrade``
and ``MerchantScore`` are inferred."""

from __future__ import annotations

from typing import Annotated, ClassVar

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel, Money, enum_value
from .constants import CardType

__all__ = ["Card", "CardTrade", "MerchantScore"]


class Card(LemftModel):
    """A card (fields documented by Webhook / Card Notify / Card).

    ``card_no`` is masked (first 6 / last 4) and ``cvv`` / ``pin`` hidden in ``repr``;
    the attributes hold the real values, so handle this object as cardholder data.
    """

    _masked_fields: ClassVar[frozenset[str]] = frozenset({"card_no", "cvv", "pin"})

    card_id: Identifier
    order_id: str | None = None
    out_order_id: str | None = None
    app_id: int | None = None
    bin_id: str | None = None
    holder_id: str | None = None
    card_no: str | None = None
    balance: Money = None
    limit: Money = None
    """Cumulative top-up amount (documented meaning of 累计充值), not a spending limit."""
    expiry: str | None = None
    """``MM/YY``."""
    cvv: str | None = None
    pin: str | None = None
    status: int | None = None
    """Constant 'Card Status': values not documented (the sandbox's are in the README)."""
    use_at: LemftDateTime = None
    close_at: LemftDateTime = None
    end_at: LemftDateTime = None
    mark: str | None = None
    currency: str | None = None
    """Inferred (not in the webhook payload)."""
    card_type: Annotated[CardType | int | None, enum_value(CardType)] = None
    """Inferred (not in the webhook payload)."""


class CardTrade(LemftModel):
    """One card transaction (inferred: the Card Trade pages were not in the available docs)."""

    trade_id: str | None = None
    card_id: str | None = None
    trade_type: int | None = None
    """Constant 'Card Trade Type': values not documented."""
    trade_result: int | None = None
    """Constant 'Card Trade Result': values not documented."""
    amount: Money = None
    currency: str | None = None
    local_amount: Money = None
    local_currency: str | None = None
    fee: Money = None
    merchant_name: str | None = None
    merchant_mcc: str | None = None
    merchant_country: str | None = None
    auth_code: str | None = None
    remark: str | None = None
    trade_time: LemftDateTime = None
    create_at: LemftDateTime = None


class MerchantScore(LemftModel):
    """Your (the merchant's) card-trade score (商户交易评分; inferred shape).

    Issuers score a programme on its cards' trade outcomes (decline rate and similar);
    the fields below are our inference of that, kept lenient.
    """

    score: Money = None
    level: str | None = None
    trade_count: int | None = None
    decline_count: int | None = None
    decline_rate: Money = None
    start_time: LemftDateTime = None
    end_time: LemftDateTime = None
