"""Identity fields are required, through all three clients.

An answer without the id of what it is about (or with ``""``) does not fit its model: a
read raises ``APIResponseValidationError``; a write raises the client's unknown-outcome
error carrying its references (the server accepted it; the id it assigned is lost). An id
the request named is filled in when a write's answer leaves it out. Success paths are typed
``str`` (mypy checks the annotations below).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import respx

from lemft_async import APIResponseValidationError, OutcomeUnknownError
from lemft_async.keysecure import KeySecureOutcomeUnknownError
from lemft_async.payin import PayinOutcomeUnknownError

from ..keysecure.conftest import TOKEN_PATH, token_response
from ..payin.conftest import NOTIFY_URL, json_response, signed
from ._peers import PEERS, ks_envelope, lemft_envelope

LEMFT, PAYIN, KEYSECURE = PEERS
GET_ORDER = "/v1/openApi/card/order/getOrder"
OPEN_CARD = "/v1/openApi/card/order/openCard"
GET_CARD = "/v1/openApi/card/card/getCard"
CREATE_HOLDER = "/v1/openApi/card/holder/createHolder"
UPDATE_HOLDER = "/v1/openApi/card/holder/editHolder"
QUERY_ORDER = "/api/pay/orderquery"
NEW_ORDER = "/api/pay/neworder"
KS_CARD = "/open-api/v1/card/C1/detail"
KS_APPLY = "/open-api/v1/card/apply"


# -- LEMFT ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "answer", "call"),
    [
        (GET_ORDER, {"order_info": {"out_order_id": "o1"}}, lambda c: c.orders.retrieve("ord_1")),
        (
            GET_ORDER,
            {"order_info": {"order_id": "", "out_order_id": "o1"}},
            lambda c: c.orders.retrieve("ord_1"),
        ),
        (GET_ORDER, {"order_bill_list": []}, lambda c: c.orders.retrieve("ord_1")),
        (GET_CARD, {"card_info": {"balance": 5}}, lambda c: c.cards.retrieve("cid_1")),
    ],
    ids=["no-order-id", "blank-order-id", "no-order-info", "no-card-id"],
)
async def test_lemft_read_without_its_id_is_a_validation_error(
    path: str, answer: dict[str, Any], call: Any
) -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        route = router.post(path).mock(return_value=lemft_envelope(answer))
        async with LEMFT.make() as client:
            with pytest.raises(APIResponseValidationError, match="does not fit") as info:
                await call(client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert route.call_count == 1  # a well-formed answer that does not fit is not retried


async def test_lemft_read_with_its_ids_is_typed_str() -> None:
    answer = {"order_info": {"order_id": "ord_1", "out_order_id": "o1"}}
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(GET_ORDER).mock(return_value=lemft_envelope(answer))
        async with LEMFT.make() as client:
            detail = await client.orders.retrieve("ord_1")
    order_id: str = detail.order_info.order_id
    out_order_id: str = detail.order_info.out_order_id
    assert (order_id, out_order_id) == ("ord_1", "o1")


@pytest.mark.parametrize(
    "answer",
    [{"order_info": {}}, {"order_info": {"order_id": ""}}, None],
    ids=["no-order-id", "blank-order-id", "null"],
)
async def test_lemft_new_order_without_its_id_is_an_unknown_outcome(answer: Any) -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        route = router.post(OPEN_CARD).mock(return_value=lemft_envelope(answer))
        async with LEMFT.make() as client:
            with pytest.raises(OutcomeUnknownError, match="order_id") as info:
                await client.orders.open_card(bin_id="b1", amount=Decimal("10"), out_order_id="o-7")
    assert info.value.out_order_id == "o-7"
    assert route.call_count == 1  # never re-sent


async def test_lemft_new_order_gets_the_out_order_id_it_was_sent() -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(OPEN_CARD).mock(return_value=lemft_envelope({"order_info": {"order_id": "n1"}}))
        async with LEMFT.make() as client:
            order = await client.orders.open_card(bin_id="b1", amount=Decimal("10"))
    order_id: str = order.order_id
    out_order_id: str = order.out_order_id
    assert order_id == "n1"
    assert len(out_order_id) == 32  # generated before sending, filled in from the request


async def test_lemft_new_holder_without_its_id_is_an_unknown_outcome() -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(CREATE_HOLDER).mock(return_value=lemft_envelope({"holder_info": {}}))
        async with LEMFT.make() as client:
            with pytest.raises(OutcomeUnknownError, match="holder_id"):
                await client.holders.create(
                    first_name="A", last_name="B", email="a@b.co", mobile="5550100"
                )


@pytest.mark.parametrize(
    "answer", [None, {"holder_info": {"city": "Oxford"}}], ids=["null", "no-id"]
)
async def test_lemft_edit_gets_the_id_the_request_named(answer: Any) -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(UPDATE_HOLDER).mock(return_value=lemft_envelope(answer))
        async with LEMFT.make() as client:
            holder = await client.holders.update("h_9", city="Oxford")
    holder_id: str = holder.holder_id
    assert holder_id == "h_9"


async def test_lemft_edit_answered_about_another_entity_is_an_unknown_outcome() -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(UPDATE_HOLDER).mock(
            return_value=lemft_envelope({"holder_info": {"holder_id": "h_other"}})
        )
        async with LEMFT.make() as client:
            with pytest.raises(OutcomeUnknownError, match="another holder_id"):
                await client.holders.update("h_9", city="Oxford")


async def test_lemft_read_is_not_completed_from_the_request() -> None:
    # Only writes are completed: a card read that names no card is not about ours.
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(GET_CARD).mock(return_value=lemft_envelope(None))
        async with LEMFT.make() as client:
            with pytest.raises(APIResponseValidationError, match="card_id"):
                await client.cards.retrieve("cid_1")


# -- Payin ----------------------------------------------------------------------------------------


async def test_payin_query_without_its_ids_is_a_validation_error() -> None:
    answer = signed({"retCode": "SUCCESS", "mchOrderNo": "M-1", "status": 2})  # no payOrderId
    with respx.mock(base_url=PAYIN.base) as router:
        router.post(QUERY_ORDER).mock(return_value=json_response(answer))
        async with PAYIN.make() as payin:
            with pytest.raises(APIResponseValidationError, match="payOrderId"):
                await payin.query_order(mch_order_no="M-1")


async def test_payin_query_without_a_status_is_a_validation_error_not_unpaid() -> None:
    answer = signed({"retCode": "SUCCESS", "mchOrderNo": "M-1", "payOrderId": "P-1"})
    with respx.mock(base_url=PAYIN.base) as router:
        router.post(QUERY_ORDER).mock(return_value=json_response(answer))
        async with PAYIN.make() as payin:
            with pytest.raises(APIResponseValidationError, match="status"):
                await payin.query_order(mch_order_no="M-1")


async def test_payin_new_order_without_its_id_is_an_unknown_outcome() -> None:
    with respx.mock(base_url=PAYIN.base) as router:
        route = router.post(NEW_ORDER).mock(
            return_value=json_response(signed({"retCode": "SUCCESS"}))
        )
        async with PAYIN.make() as payin:
            with pytest.raises(PayinOutcomeUnknownError, match="payOrderId") as info:
                await payin.create_order(amount=10000, notify_url=NOTIFY_URL, mch_order_no="M-5")
    assert info.value.mch_order_no == "M-5"
    assert route.call_count == 1


async def test_payin_new_order_is_typed_str() -> None:
    answer = signed({"retCode": "SUCCESS", "payOrderId": "P-5"})
    with respx.mock(base_url=PAYIN.base) as router:
        router.post(NEW_ORDER).mock(return_value=json_response(answer))
        async with PAYIN.make() as payin:
            created = await payin.create_order(amount=10000, notify_url=NOTIFY_URL)
    pay_order_id: str = created.pay_order_id
    mch_order_no: str = created.mch_order_no
    amount: int = created.amount
    assert (pay_order_id, amount) == ("P-5", 10000)
    assert mch_order_no  # generated before sending


# -- KeySecure ------------------------------------------------------------------------------------


async def test_keysecure_read_without_its_id_is_a_validation_error() -> None:
    with respx.mock(base_url=KEYSECURE.base) as router:
        router.get(TOKEN_PATH).mock(return_value=token_response())
        router.get(KS_CARD).mock(return_value=ks_envelope({"status": "Activated"}))
        async with KEYSECURE.make() as ks:
            with pytest.raises(APIResponseValidationError, match="card_no"):
                await ks.cards.retrieve("C1")


async def test_keysecure_new_card_without_its_number_is_an_unknown_outcome() -> None:
    with respx.mock(base_url=KEYSECURE.base) as router:
        router.get(TOKEN_PATH).mock(return_value=token_response())
        route = router.post(KS_APPLY).mock(return_value=ks_envelope({"card_unique_no": "U-3"}))
        async with KEYSECURE.make() as ks:
            with pytest.raises(KeySecureOutcomeUnknownError, match="card_no") as info:
                await ks.cards.apply(
                    cardholder_no="U1", card_type="Virtual", package_no="P1", card_unique_no="U-3"
                )
    assert info.value.card_unique_no == "U-3"
    assert route.call_count == 1


async def test_keysecure_new_card_is_typed_str() -> None:
    with respx.mock(base_url=KEYSECURE.base) as router:
        router.get(TOKEN_PATH).mock(return_value=token_response())
        router.post(KS_APPLY).mock(return_value=ks_envelope({"card_no": "C9"}))
        async with KEYSECURE.make() as ks:
            result = await ks.cards.apply(cardholder_no="U1", card_type="Virtual", package_no="P1")
    card_no: str = result.card_no
    assert card_no == "C9"
