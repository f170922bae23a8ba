"""Payin models: lenient decoding, exact amounts, masked reprs."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from lemft_async.payin import PayinOrder, PayoutOrder, PayParams

QUERIED = {"mchOrderNo": "M1", "payOrderId": "P1", "status": 2}
"""The fields a query answer always carries (documented): the ids and the status."""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1730111845123, datetime(2024, 10, 28, 10, 37, 25, 123000, tzinfo=timezone.utc)),
        ("1768445162000", datetime(2026, 1, 15, 2, 46, 2, tzinfo=timezone.utc)),
        ("", None),
        (None, None),
        ("2025-03-11 18:20:01", "2025-03-11 18:20:01"),  # not epoch ms: kept as sent
        # Beyond datetime's range, or digits int() refuses: kept (as text), never a crash.
        (10**30, str(10**30)),
        ("9" * 40, "9" * 40),
        ("9" * 5000, "9" * 5000),
        ("\u00b2", "\u00b2"),
        (-(10**30), str(-(10**30))),
    ],
)
def test_pay_succ_time(raw: object, expected: object) -> None:
    assert PayinOrder.model_validate({**QUERIED, "paySuccTime": raw}).pay_succ_time == expected


def test_amounts_stay_minor_units_with_exact_rupees() -> None:
    order = PayinOrder.model_validate({**QUERIED, "amount": 10050})
    assert order.amount == 10050
    assert order.amount_rupees == Decimal("100.50")
    assert PayinOrder.model_validate(QUERIED).amount_rupees is None


def test_unknown_fields_are_kept() -> None:
    params = PayParams.model_validate({"payUrl": "https://x", "deepLink": "upi://pay"})
    assert params.pay_url == "https://x"
    assert params.model_extra == {"deepLink": "upi://pay"}


def test_account_numbers_are_masked_in_reprs() -> None:
    declared = PayoutOrder.model_validate({"accountNo": "123456789012"})
    extra = PayinOrder.model_validate({**QUERIED, "accountNo": "123456789012", "note": "visible"})
    assert declared.account_no == "123456789012"
    for model in (declared, extra):
        assert "123456789012" not in repr(model)
        assert "***" in repr(model)
    assert "visible" in repr(extra)


def test_pay_succ_time_out_of_range_in_json() -> None:
    body = '{"mchOrderNo": "M1", "payOrderId": "P1", "status": 2, "paySuccTime": 1%s}' % ("0" * 40)
    assert PayinOrder.model_validate_json(body).pay_succ_time == "1" + "0" * 40
