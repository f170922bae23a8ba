"""Card BIN models (inferred shapes: the BIN pages were not in the available docs)."""

from __future__ import annotations

from typing import Annotated

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel, Money, enum_value
from .constants import CardType

__all__ = ["Bin", "BinFees", "BinLimits"]


class Bin(LemftModel):
    """A card BIN product you can issue cards on (inferred)."""

    bin_id: Identifier
    bin: str | None = None
    """The card-number prefix."""
    bin_name: str | None = None
    card_brand: str | None = None
    currency: str | None = None
    card_type: Annotated[CardType | int | None, enum_value(CardType)] = None
    bin_type: int | None = None
    """Constant 'Bin Type': values not documented."""
    bin_mode: int | None = None
    """Constant 'Bin Mode': values not documented."""
    status: int | None = None
    """Constant 'Bin Status': values not documented."""
    create_at: LemftDateTime = None


class BinFees(LemftModel):
    """Fees charged for cards of a BIN (inferred)."""

    bin_id: str | None = None
    currency: str | None = None
    open_card_fee: Money = None
    """Flat fee per card opened, major units."""
    recharge_fee_rate: Money = None
    """Handling fee as a fraction of each top-up (e.g. ``0.02`` = 2 %)."""
    recharge_fee_min: Money = None
    """Minimum handling fee per top-up, major units."""


class BinLimits(LemftModel):
    """Amount limits for cards of a BIN (inferred)."""

    bin_id: str | None = None
    currency: str | None = None
    min_open_amount: Money = None
    max_open_amount: Money = None
    min_recharge_amount: Money = None
    max_recharge_amount: Money = None
    max_balance: Money = None
    single_trade_limit: Money = None
    daily_trade_limit: Money = None
