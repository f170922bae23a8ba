"""Payment model (inferred: the payment pages were not in the available docs)."""

from __future__ import annotations

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel, Money

__all__ = ["Payment"]


class Payment(LemftModel):
    """A payout from a wallet to a payee."""

    payment_id: Identifier
    out_order_id: str | None = None
    payee_id: str | None = None
    wallet_id: int | None = None
    amount: Money = None
    fee: Money = None
    fee_mode: int | None = None
    """Constant 'Fee Mode': values not documented."""
    currency: str | None = None
    reason: str | None = None
    """A code from ``payments.reasons()``."""
    status: int | None = None
    """Constant 'Payment Status': values not documented (the sandbox's are in the README)."""
    reject_reason: str | None = None
    remark: str | None = None
    complete_at: LemftDateTime = None
    create_at: LemftDateTime = None
