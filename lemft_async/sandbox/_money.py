"""Decimal money: quantizing, fees and the wire form of amounts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "ZERO", "handling_fee", "q2", "wire_money"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def q2(value: Decimal) -> Decimal:
    """Two decimal places, half up (how the sandbox rounds every computed fee)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def handling_fee(amount: Decimal, *, rate: Decimal, minimum: Decimal) -> Decimal:
    """``amount * rate`` (2 dp, half up), at least ``minimum`` when ``amount > 0``."""
    if amount <= 0:
        return ZERO
    return max(q2(amount * rate), q2(minimum))


def wire_money(value: Decimal) -> int | Decimal:
    """As the docs write amounts: ``20``, ``0.4``, ``9865.29`` (no trailing zeros)."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
