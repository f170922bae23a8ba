"""Lenient models: unknown fields and values kept, money exact, card data masked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from lemft_async.keysecure import (
    AccessToken,
    Card,
    CardPrivateInfo,
    CardStatus,
    Consumption,
    Transfer,
)


def test_unknown_fields_and_values_are_kept() -> None:
    card = Card.model_validate(
        {"card_no": "C1", "status": "Suspended", "card_type": "Metal", "new_field": [1]}
    )
    assert card.status == "Suspended"
    assert not isinstance(card.status, CardStatus)
    assert card.card_type == "Metal"
    assert card.model_extra == {"new_field": [1]}


def test_known_values_become_members_that_still_equal_text() -> None:
    card = Card.model_validate({"card_no": "C1", "status": "Frozen", "time": "1716307200000"})
    assert card.status == "Frozen"
    assert card.status is CardStatus.FROZEN
    assert f"{card.status}" == "Frozen"
    assert card.time == 1716307200000
    assert card.time_utc is not None
    assert card.time_utc.year == 2024


def test_money_is_decimal_and_floats_are_never_needed() -> None:
    row = Consumption.model_validate(
        {"consume_no": "T1", "amount": "100.10", "fee": "", "local_amount": 3}
    )
    assert row.amount == Decimal("100.10")
    assert str(row.amount) == "100.10"
    assert row.fee is None
    assert row.local_amount == Decimal(3)
    with pytest.raises(ValidationError):
        Transfer.model_validate({"balance": "a lot"})


def test_reprs_mask_card_data_and_tokens() -> None:
    info = CardPrivateInfo(card_no="C0001", pan="4242424242424242", cvv="123")
    text = repr(info)
    assert "4242424242424242" not in text
    assert "424242******4242" in text
    assert "'123'" not in text
    token = AccessToken(access_token="tok-secret-value")
    assert "tok-secret-value" not in repr(token)
