"""Payment method model (inferred)."""

from __future__ import annotations

from .._core._identity import Identifier
from .._core._models import LemftModel, Money

__all__ = ["PayMethod"]


class PayMethod(LemftModel):
    """A way to pay a payee (bank transfer rail, currency, country; inferred shape)."""

    pay_method_id: Identifier
    pay_method_name: str | None = None
    currency: str | None = None
    country: str | None = None
    fee_mode: int | None = None
    """Constant 'Fee Mode': values not documented."""
    fee_rate: Money = None
    fixed_fee: Money = None
    min_amount: Money = None
    max_amount: Money = None
    status: int | None = None
