"""Response models: lenient decoding (unknown fields and enum values kept), masked card data,
dates, and money that never passes through float."""

from __future__ import annotations

import enum
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any

import pydantic
import pytest
import respx

import lemft_async.types as types_module
from lemft_async import AsyncLemft, LemftError
from lemft_async._core._codec import loads
from lemft_async.types import (
    Card,
    CardType,
    Order,
    OrderDetail,
    OrderStatus,
    Wallet,
    WalletStatus,
)
from tests.answers import CARD as IDS_OF_CARD
from tests.answers import ORDER, WALLET, required_fields
from tests.resources.conftest import envelope, path

PAN = "4111110000001234"
CVV = "987"
PIN = "4321"
CARD: dict[str, Any] = {"card_id": "cid_1", "card_no": PAN, "cvv": CVV, "pin": PIN, "balance": 5}

MODELS: list[type[pydantic.BaseModel]] = [
    cls
    for name in types_module.__all__
    if isinstance(cls := getattr(types_module, name), type) and issubclass(cls, pydantic.BaseModel)
]


# -- unknown fields and unknown enum values -------------------------------------------------------


async def test_unknown_fields_and_enum_values_survive_the_wire(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    wallet = {
        "wallet_id": 1,
        "status": 7,  # not a documented Wallet Status
        "risk_level": "high",  # not a documented field
        "limits": {"daily": 100.5},
    }
    api.post(path("wallet/walletList")).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "wallet_list": [wallet]})
    )

    page = await client.wallets.list()

    (item,) = page.items
    assert item.status == 7
    assert type(item.status) is int  # kept as a plain int, not coerced or rejected
    assert item.risk_level == "high"  # type: ignore[attr-defined]
    assert item.model_extra == {"risk_level": "high", "limits": {"daily": Decimal("100.5")}}
    dumped = item.model_dump()
    assert dumped["status"] == 7
    assert dumped["risk_level"] == "high"


async def test_unknown_values_in_the_documented_order_detail(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    data = {
        "order_info": {
            "order_id": "o",
            "out_order_id": "x",
            "status": 9,
            "card_type": 4,
            "order_type": 1,
            "eta": "x",
        },
        "order_bill_list": [
            {"bill_type": 8, "in_out_type": 1, "bill_list": [{"bill_category": 99, "amount": 1.1}]}
        ],
        "refund_info": {"amount": 2.5},
    }
    api.post(path("card/order/getOrder")).mock(return_value=envelope(data))

    detail = await client.orders.retrieve("o")

    info = detail.order_info
    assert (info.status, info.card_type) == (9, 4)
    assert not isinstance(info.status, OrderStatus)
    assert info.order_type == 1
    assert isinstance(info.order_type, enum.IntEnum)
    assert info.eta == "x"  # type: ignore[attr-defined]
    bill = detail.order_bill_list[0]
    assert bill.bill_type == 8
    assert bill.bill_list[0].bill_category == 99
    assert bill.bill_list[0].amount == Decimal("1.1")
    assert detail.model_extra == {"refund_info": {"amount": Decimal("2.5")}}


def test_known_enum_values_become_members_equal_to_their_int() -> None:
    order = Order.model_validate({**ORDER, "status": 1, "card_type": "2"})

    assert order.status is OrderStatus.COMPLETED
    value: object = order.status
    assert value == 1
    assert order.card_type is CardType.VIRTUAL  # digit strings are understood too


def test_non_numeric_enum_values_are_kept_as_sent() -> None:
    # ARCHITECTURE 5.3: unknown enum values are kept (a text status must not break decoding).
    wallet = Wallet.model_validate({**WALLET, "status": "frozen"})

    value: object = wallet.status
    assert value == "frozen"


def test_enum_fields_accept_enum_members_and_none() -> None:
    assert Wallet(**WALLET, status=WalletStatus.FROZEN).status is WalletStatus.FROZEN
    assert Wallet.model_validate({**WALLET, "status": None}).status is None


# -- answers that do not fit the model ------------------------------------------------------------


async def test_card_data_never_leaks_through_a_decoding_error(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    # A server sending the PAN and CVV as JSON numbers: whatever the SDK does with that, it
    # must decode it (masked) or raise a LemftError whose text does not carry them.
    api.post(path("card/card/getCard")).mock(
        return_value=envelope(
            {"card_info": {"card_id": "cid_1", "card_no": 4111110000001234, "cvv": 7319}}
        )
    )

    outcome: object
    try:
        outcome = await client.cards.retrieve("cid_1")
    except Exception as exc:
        outcome = exc

    if isinstance(outcome, Card):
        assert str(outcome.card_no) == "4111110000001234"
        assert "4111110000001234" not in repr(outcome)
        assert "7319" not in repr(outcome)
    else:
        assert isinstance(outcome, LemftError), type(outcome).__name__
        text = f"{outcome} {outcome!r} {outcome.__cause__!r} {outcome.__context__!r}"
        # The traceid is random hex and could contain the CVV's digits by chance.
        text = text.replace(str(getattr(outcome, "traceid", "")), "")
        assert "4111110000001234" not in text
        assert "7319" not in text


async def test_a_malformed_field_is_a_lemft_error_not_a_pydantic_one(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(path("wallet/getWallet")).mock(
        return_value=envelope({"wallet_info": {"wallet_id": "not-a-number"}})
    )

    with pytest.raises(LemftError):
        await client.wallets.retrieve(1)


async def test_a_malformed_list_item_is_a_lemft_error_not_a_pydantic_one(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(path("wallet/walletList")).mock(
        return_value=envelope({"total": 1, "wallet_list": [{"wallet_id": "not-a-number"}]})
    )

    with pytest.raises(LemftError):
        await client.wallets.list()


# -- masking of card data -------------------------------------------------------------------------


def test_card_repr_masks_card_no_and_hides_cvv_and_pin() -> None:
    card = Card.model_validate(CARD)

    for text in (repr(card), str(card), repr([card]), str({"card": card})):
        assert PAN not in text
        assert "411111******1234" in text
        assert CVV not in text
        assert PIN not in text
        assert "cvv='***'" in text
        assert "pin='***'" in text
    # The attributes keep the real values.
    assert (card.card_no, card.cvv, card.pin) == (PAN, CVV, PIN)


def test_documented_21_digit_card_number_is_masked_6_4() -> None:
    card = Card.model_validate({**IDS_OF_CARD, "card_no": "907152573585214424064"})

    assert "card_no='907152***********4064'" in repr(card)


async def test_cards_from_the_wire_are_masked_in_pages_and_lists(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(path("card/card/cardList")).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "card_list": [CARD]})
    )

    page = await client.cards.list()

    for text in (repr(page), str(page), repr(page.items), repr(list(page))):
        assert PAN not in text
        assert CVV not in text
        assert PIN not in text
    assert "411111******1234" in repr(page.items)
    assert page.items[0].card_no == PAN


def test_card_nested_in_another_model_is_masked() -> None:
    class Holder(pydantic.BaseModel):
        card: Card

    text = repr(Holder(card=Card.model_validate(CARD)))

    assert PAN not in text
    assert CVV not in text
    assert PIN not in text


def test_empty_secrets_show_as_empty() -> None:
    card = Card.model_validate({**IDS_OF_CARD, "card_no": "", "cvv": "", "pin": ""})

    assert "cvv=''" in repr(card)
    assert "card_no=''" in repr(card)


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("2025-02-19 05:33:57", datetime(2025, 2, 19, 5, 33, 57)),
        ("2025-02-19T05:33:57", datetime(2025, 2, 19, 5, 33, 57)),
        ("", None),
        ("   ", None),
        (None, None),
        ("out_10002000004", "out_10002000004"),  # the docs' own quirk in track_at
        ("19/02/2025", "19/02/2025"),
    ],
)
def test_dates(raw: str | None, decoded: datetime | str | None) -> None:
    order = Order.model_validate({**ORDER, "track_at": raw, "create_at": raw})

    assert order.track_at == decoded
    assert order.create_at == decoded


def test_parsed_dates_are_naive_because_the_zone_is_not_documented() -> None:
    order = Order.model_validate({**ORDER, "create_at": "2025-02-19 05:33:57"})

    assert isinstance(order.create_at, datetime)
    assert order.create_at.tzinfo is None


# -- money ----------------------------------------------------------------------------------------


def _money_fields(model: type[pydantic.BaseModel]) -> list[str]:
    return [
        name
        for name, field in model.model_fields.items()
        if Decimal in typing.get_args(field.annotation)
    ]


def test_no_model_field_is_typed_float() -> None:
    for model in MODELS:
        for name, field in model.model_fields.items():
            assert float not in typing.get_args(field.annotation), f"{model.__name__}.{name}"
            assert field.annotation is not float, f"{model.__name__}.{name}"


def test_every_model_has_been_checked() -> None:
    # Money fields exist where the docs have amounts: a guard against the list going empty.
    with_money = {m.__name__ for m in MODELS if _money_fields(m)}
    assert {"Wallet", "WalletTransaction", "Order", "Bill", "Card", "Payment"} <= with_money


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_money_decodes_to_exact_decimal(model: type[pydantic.BaseModel]) -> None:
    fields = _money_fields(model)
    wire = loads(b"{" + b",".join(b'"%s": 0.1' % f.encode() for f in fields) + b"}")

    decoded = model.model_validate({**required_fields(model), **wire})

    for name in fields:
        value = getattr(decoded, name)
        assert isinstance(value, Decimal), name
        assert value == Decimal("0.1"), name


def test_integer_and_text_amounts_become_decimal() -> None:
    wallet = Wallet.model_validate({**WALLET, "available_balance": 10020, "freeze_balance": "0.30"})

    assert wallet.available_balance == Decimal("10020")
    assert isinstance(wallet.available_balance, Decimal)
    assert str(wallet.freeze_balance) == "0.30"


def test_a_float_given_by_hand_is_converted_by_its_shortest_repr() -> None:
    # Decimal(0.1) would be 0.1000000000000000055511151231257827...; the model keeps 0.1.
    wallet = Wallet(**WALLET, available_balance=0.1)

    assert wallet.available_balance == Decimal("0.1")


def test_money_from_bills_and_cards_is_decimal() -> None:
    detail = OrderDetail.model_validate(
        {
            "order_info": ORDER,
            **loads(b'{"order_bill_list": [{"bill_category": 4, "bill_list": [{"amount": 0.4}]}]}'),
        }
    )
    card = Card.model_validate({**IDS_OF_CARD, **loads(b'{"balance": 9865.29, "limit": 10}')})

    assert detail.order_bill_list[0].bill_list[0].amount == Decimal("0.4")
    assert card.balance == Decimal("9865.29")
    assert isinstance(card.limit, Decimal)
