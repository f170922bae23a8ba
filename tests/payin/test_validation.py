"""Client-side field checks: each accepts what the docs allow and names the field it refuses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lemft_async.payin._validation import (
    check_account_name,
    check_amount,
    check_currency,
    check_email,
    check_extra,
    check_flag,
    check_id,
    check_phone,
    check_url,
    new_mch_order_no,
)

Check = Callable[[str, object], Any]

VALID: list[tuple[Check, object]] = [
    (check_amount, 100),
    (check_amount, 10000),
    (check_phone, "6888889999"),
    (check_phone, "9000000000"),
    (check_email, "ab@x.co"),
    (check_email, "payer.name@mail.example.com"),
    (check_account_name, "Al"),
    (check_account_name, "x" * 48),
    (check_id, "202503110001"),
    (check_id, "x" * 30),
    (check_currency, "INR"),
    (check_url, "https://merchant.com/notify"),
    (check_url, "http://localhost:8081/api/pay/notifyUrl"),
    (check_flag, True),
    (check_extra, {"value": "AIRP0000001"}),
]

INVALID: list[tuple[Check, object, type[Exception], str]] = [
    (check_amount, 0, ValueError, "positive"),
    (check_amount, -100, ValueError, "positive"),
    (check_amount, 150, ValueError, "multiple of 100"),
    (check_amount, 100.0, TypeError, "int in minor units"),
    (check_amount, Decimal("100"), TypeError, "rupees_to_minor"),
    (check_amount, True, TypeError, "int"),
    (check_amount, "10000", TypeError, "int"),
    (check_phone, "5888889999", ValueError, "starting with 6-9"),
    (check_phone, "688888999", ValueError, "10 digits"),
    (check_phone, "68888899990", ValueError, "10 digits"),
    (check_phone, "+916888889999", ValueError, "10 digits"),
    (check_phone, 6888889999, TypeError, "str"),
    (check_email, "a@x.com", ValueError, "2 characters before"),
    (check_email, "abx.com", ValueError, "email"),
    (check_email, "ab@xcom", ValueError, "email"),
    (check_email, "ab@x.", ValueError, "email"),
    (check_email, "a b@x.com", ValueError, "email"),
    (check_account_name, "A", ValueError, "2 to 48"),
    (check_account_name, "x" * 49, ValueError, "2 to 48"),
    (check_account_name, "   ", ValueError, "blank"),
    (check_id, "", ValueError, "empty"),
    (check_id, "x" * 31, ValueError, "at most 30"),
    (check_id, "a b", ValueError, "whitespace"),
    (check_id, "a\x00b", ValueError, "control"),
    (check_id, 12345, TypeError, "str"),
    (check_currency, "inr", ValueError, "3-letter"),
    (check_currency, "RUPEE", ValueError, "3-letter"),
    (check_url, "merchant.com/notify", ValueError, "absolute http"),
    (check_url, "ftp://merchant.com/notify", ValueError, "absolute http"),
    (check_flag, "true", TypeError, "bool"),
    (check_extra, {}, TypeError, "non-empty mapping"),
    (check_extra, "AIRP0000001", TypeError, "non-empty mapping"),
    (check_extra, {1: "x"}, TypeError, "keys must be str"),
]


@pytest.mark.parametrize(("check", "value"), VALID)
def test_valid_values_pass_unchanged(check: Check, value: object) -> None:
    assert check("field_x", value) == value


@pytest.mark.parametrize(("check", "value", "error", "words"), INVALID)
def test_invalid_values_name_the_field(
    check: Check, value: object, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as info:
        check("field_x", value)
    assert "field_x" in str(info.value)
    assert words in str(info.value)


def test_generated_order_numbers_fit_and_differ() -> None:
    first, second = new_mch_order_no(), new_mch_order_no()
    assert len(first) == 30
    assert check_id("mch_order_no", first) == first
    assert first != second
