"""Rupees (``Decimal``) <-> minor units (paise, ``int``), the unit every Payin amount uses.

Lemon's ``amount`` is an int in minor units ("实际金额100,这里需要传10000"). Floats are
refused on both sides: money never passes through binary float.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["MINOR_PER_MAJOR", "minor_to_rupees", "rupees_to_minor"]

MINOR_PER_MAJOR = 100
_CENT = Decimal("0.01")


def rupees_to_minor(rupees: Decimal | int) -> int:
    """``Decimal("100")`` -> ``10000``. Fractions of a paisa are refused, not rounded."""
    if isinstance(rupees, bool) or not isinstance(rupees, Decimal | int):
        raise TypeError(
            f"rupees must be a Decimal or an int, not {type(rupees).__name__}"
            + (
                " (binary floats cannot represent money exactly)"
                if isinstance(rupees, float)
                else ""
            )
        )
    amount = Decimal(rupees)
    if not amount.is_finite():
        raise ValueError("rupees must be finite")
    # Checked before any arithmetic: 1E+999990 * 100 would build a million-digit int.
    if amount.adjusted() >= 13:
        raise ValueError("rupees is implausibly large (>= 10^13)")
    minor = amount * MINOR_PER_MAJOR
    if minor != minor.to_integral_value():
        raise ValueError(f"rupees {rupees} has a fraction of a paisa (more than 2 decimals)")
    return int(minor)


def minor_to_rupees(minor: int) -> Decimal:
    """``10000`` -> ``Decimal("100.00")`` (always two decimals)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units must be an int, not {type(minor).__name__}")
    return (Decimal(minor) / MINOR_PER_MAJOR).quantize(_CENT)
