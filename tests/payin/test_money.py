"""Rupees <-> minor units, exactly, floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lemft_async.payin import minor_to_rupees, rupees_to_minor


@pytest.mark.parametrize(
    ("rupees", "minor"),
    [(Decimal("100"), 10000), (Decimal("100.5"), 10050), (Decimal("0.01"), 1), (7, 700)],
)
def test_rupees_to_minor(rupees: Decimal | int, minor: int) -> None:
    assert rupees_to_minor(rupees) == minor


def test_minor_to_rupees_has_two_decimals() -> None:
    value = minor_to_rupees(10000)
    assert value == Decimal("100.00")
    assert str(value) == "100.00"
    assert str(minor_to_rupees(1)) == "0.01"


@pytest.mark.parametrize("value", [100.0, True, "100"])
def test_rupees_to_minor_refuses_non_decimal(value: object) -> None:
    with pytest.raises(TypeError, match="rupees"):
        rupees_to_minor(value)  # type: ignore[arg-type]


def test_float_error_explains_why() -> None:
    with pytest.raises(TypeError, match="floats cannot represent money"):
        rupees_to_minor(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [Decimal("1.005"), Decimal("NaN"), Decimal("Infinity")])
def test_rupees_to_minor_refuses_inexact(value: Decimal) -> None:
    with pytest.raises(ValueError, match="rupees"):
        rupees_to_minor(value)


@pytest.mark.parametrize("value", [100.0, False, "100", Decimal("100")])
def test_minor_to_rupees_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError, match="minor units"):
        minor_to_rupees(value)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_round_trip(minor: int) -> None:
    assert rupees_to_minor(minor_to_rupees(minor)) == minor


@pytest.mark.parametrize("rupees", [Decimal(10**13), Decimal("-1E+13"), Decimal("1E+999990")])
def test_implausibly_large_rupees_are_refused(rupees: Decimal) -> None:
    with pytest.raises(ValueError, match="implausibly large"):
        rupees_to_minor(rupees)
