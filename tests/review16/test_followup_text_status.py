"""Review 16: ``WaitForOrder`` polls again for any status it does not know (its docstring:
"any other one (processing, under review, a value the SDK does not know) is polled
again"). The open enum keeps a status sent as text as that text, and
``_followups.wait_for_order`` calls ``int()`` on it: the step fails at once with a bare
``ValueError`` instead of reading the order again.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import respx

from lemft_async import AsyncLemft, WaitForOrder
from lemft_async.types.constants import OrderStatus

from ..conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY

OPEN_CARD = "/v1/openApi/card/order/openCard"
GET_ORDER = "/v1/openApi/card/order/getOrder"


def _answer(data: Any) -> httpx.Response:
    return httpx.Response(200, content=json.dumps({"code": 0, "message": "ok", "data": data}))


def _order(status: Any) -> dict[str, Any]:
    return {"order_id": "o1", "out_order_id": "x1", "card_id": "c1", "status": status}


async def test_a_status_sent_as_text_is_polled_again_not_a_value_error() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        router.post(OPEN_CARD).mock(return_value=_answer({"order_info": _order(0)}))
        reads = router.post(GET_ORDER).mock(
            side_effect=[
                _answer({"order_info": _order("processing")}),
                _answer({"order_info": _order(1)}),
            ]
        )
        async with AsyncLemft(
            customer_id=FAKE_CUSTOMER_ID,
            app_id=FAKE_APP_ID,
            key=FAKE_KEY,
            api_key=FAKE_API_KEY,
            base_url=BASE_URL,
        ) as client:
            (outcome,) = await client.orders.open_cards(
                [{"bin_id": "b1", "amount": Decimal("10"), "out_order_id": "x1"}],
                then=[WaitForOrder(polls=3, interval=0)],
            )
    assert outcome.ok
    assert not isinstance(outcome.followup_error, ValueError), outcome.followup_error
    assert outcome.complete
    assert reads.call_count == 2
    assert outcome.order is not None
    assert outcome.order.order_info.status == OrderStatus.COMPLETED


async def test_a_fractional_status_is_not_read_as_completed() -> None:
    # 1.5 is no known status (the open enum keeps Decimal("1.5")); int() truncates it to 1,
    # COMPLETED, and the step reports an order complete that the server never said was.
    with respx.mock(base_url=BASE_URL) as router:
        router.post(OPEN_CARD).mock(return_value=_answer({"order_info": _order(0)}))
        router.post(GET_ORDER).mock(
            return_value=httpx.Response(
                200,
                content=b'{"code":0,"message":"ok","data":{"order_info":{"order_id":"o1",'
                b'"out_order_id":"x1","card_id":"c1","status":1.5}}}',
            )
        )
        async with AsyncLemft(
            customer_id=FAKE_CUSTOMER_ID,
            app_id=FAKE_APP_ID,
            key=FAKE_KEY,
            api_key=FAKE_API_KEY,
            base_url=BASE_URL,
        ) as client:
            (outcome,) = await client.orders.open_cards(
                [{"bin_id": "b1", "amount": Decimal("10"), "out_order_id": "x1"}],
                then=[WaitForOrder(polls=1, interval=0)],
            )
    assert not outcome.complete
    assert outcome.failed_step == "wait_for_order"
