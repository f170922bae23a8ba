"""Pay-in and payout status codes (XxPay ``PayConstant``; Lemon's own table was not seen).

Unknown values are kept as plain ``int`` by the models, and every predicate below is False
for them: code must never assume an unknown status means "paid".
"""

from __future__ import annotations

import enum

__all__ = [
    "PayinStatus",
    "PayoutStatus",
    "payin_is_failed",
    "payin_is_paid",
    "payin_is_pending",
    "payout_is_failed",
    "payout_is_pending",
    "payout_is_success",
]


class PayinStatus(enum.IntEnum):
    """``status`` of a pay-in (query responses and notifications)."""

    EXPIRED = -2
    FAILED = -1
    CREATED = 0
    PAYING = 1
    PAID = 2
    COMPLETED = 3
    """Paid, and the merchant acknowledged the callback (XxPay moves 2 -> 3): also paid."""
    REFUNDED = 4
    CLOSED = 5
    DEPOSIT_UNSETTLED = 6
    DEPOSIT_RETURNED = 7

    @property
    def is_paid(self) -> bool:
        """True for ``PAID`` (2) and ``COMPLETED`` (3)."""
        return payin_is_paid(self)


class PayoutStatus(enum.IntEnum):
    """``status`` of a payout (agentpay)."""

    PENDING = 0
    PROCESSING = 1
    SUCCESS = 2
    FAILED = 3
    REVERSED = 6
    """冲正: refunded after success. Treated as a failure; *unconfirmed* (one integrator's
    comment is the only source)."""

    @property
    def is_success(self) -> bool:
        """True only for ``SUCCESS`` (2)."""
        return payout_is_success(self)


_PAYIN_PAID = frozenset({2, 3})
_PAYIN_PENDING = frozenset({0, 1})
_PAYIN_FAILED = frozenset({-2, -1, 5})
_PAYOUT_PENDING = frozenset({0, 1})
_PAYOUT_FAILED = frozenset({3, 6})


def _code(status: object) -> int | None:
    if isinstance(status, bool) or not isinstance(status, int):
        return None
    return int(status)


def payin_is_paid(status: object) -> bool:
    """Paid: 2 (paid) or 3 (paid and acknowledged)."""
    return _code(status) in _PAYIN_PAID


def payin_is_pending(status: object) -> bool:
    """Not settled yet: 0 (created) or 1 (paying)."""
    return _code(status) in _PAYIN_PENDING


def payin_is_failed(status: object) -> bool:
    """The payment did not happen: -2 (expired), -1 (failed) or 5 (closed)."""
    return _code(status) in _PAYIN_FAILED


def payout_is_success(status: object) -> bool:
    """The payout was made: 2."""
    return _code(status) == 2


def payout_is_pending(status: object) -> bool:
    """Not settled yet: 0 (pending) or 1 (processing)."""
    return _code(status) in _PAYOUT_PENDING


def payout_is_failed(status: object) -> bool:
    """Failed (3) or reversed after success (6, unconfirmed meaning)."""
    return _code(status) in _PAYOUT_FAILED
