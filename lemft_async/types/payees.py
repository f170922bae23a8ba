"""Payee model (inferred: the payee pages were not in the available docs)."""

from __future__ import annotations

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel

__all__ = ["Payee"]


class Payee(LemftModel):
    """A payment beneficiary; created, then applied for (submitted for review)."""

    payee_id: Identifier
    pay_method_id: str | None = None
    payee_type: int | None = None
    account_name: str | None = None
    account_no: str | None = None
    bank_name: str | None = None
    bank_code: str | None = None
    currency: str | None = None
    country: str | None = None
    address: str | None = None
    email: str | None = None
    fund_source: str | None = None
    """A code from ``payees.funding_sources()``."""
    payment_purpose: str | None = None
    """A code from ``payees.payment_purposes()``."""
    status: int | None = None
    """Constant 'Payee Status': values not documented (the sandbox's are in the README)."""
    reject_reason: str | None = None
    remark: str | None = None
    create_at: LemftDateTime = None
