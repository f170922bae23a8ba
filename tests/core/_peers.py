"""The three clients, described once for the tests that run a guarantee through each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import respx

from lemft_async import AsyncLemft
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.payin import AsyncPayin, sign

from ..conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ..keysecure.conftest import API_KEY, API_SECRET, TOKEN_PATH, token_response
from ..keysecure.conftest import BASE as KS_BASE
from ..payin.conftest import BASE_URL as PAYIN_BASE
from ..payin.conftest import MCH_ID, NOTIFY_URL, SECRET, json_response

__all__ = ["IDS", "KS_BASE", "PAYIN_BASE", "PEERS", "Peer", "lemft_envelope"]


def lemft_envelope(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "message": "success", "data": data})


def ks_envelope(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "msg": "success", "data": data})


@dataclass(frozen=True)
class Peer:
    """How to drive one client's money-moving write for these tests."""

    name: str
    base: str
    path: str
    operation: str
    reference: tuple[str, str]
    make: Callable[..., Any]
    write: Callable[[Any], Awaitable[Any]]
    unfit: Callable[[], httpx.Response]
    read_path: str
    read: Callable[[Any], Awaitable[Any]]
    read_ok: Callable[[], httpx.Response]
    setup: Callable[[respx.MockRouter], object] = lambda router: None

    def client(self, **options: Any) -> Any:
        return self.make(**options)


PEERS = [
    Peer(
        name="lemft",
        base=BASE_URL,
        path="/v1/openApi/card/order/openCard",
        operation="orders.open_card",
        reference=("out_order_id", "o-42"),
        make=lambda **o: AsyncLemft(
            customer_id=FAKE_CUSTOMER_ID,
            app_id=FAKE_APP_ID,
            key=FAKE_KEY,
            api_key=FAKE_API_KEY,
            environment="sandbox",
            **o,
        ),
        read_path="/v1/openApi/card/order/getOrder",
        read=lambda c: c.orders.retrieve("ord_1"),
        read_ok=lambda: lemft_envelope(
            {"order_info": {"order_id": "ord_1", "out_order_id": "o-1"}}
        ),
        write=lambda c: c.orders.open_card(bin_id="b1", amount=Decimal("10"), out_order_id="o-42"),
        unfit=lambda: lemft_envelope({"order_info": {"order_id": {"not": "text"}}}),
    ),
    Peer(
        name="payin",
        base=PAYIN_BASE,
        path="/api/pay/neworder",
        operation="create_order",
        reference=("mch_order_no", "M-42"),
        make=lambda **o: AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url=PAYIN_BASE, **o),
        read_path="/api/pay/orderquery",
        read=lambda c: c.query_order(mch_order_no="M-42"),
        read_ok=lambda: json_response(
            {
                **(
                    body := {
                        "retCode": "SUCCESS",
                        "mchOrderNo": "M-42",
                        "payOrderId": "P1",
                        "status": 2,
                    }
                ),
                "sign": sign(body, SECRET),
            }
        ),
        write=lambda c: c.create_order(amount=10000, notify_url=NOTIFY_URL, mch_order_no="M-42"),
        unfit=lambda: json_response(
            {
                **(body := {"retCode": "SUCCESS", "payOrderId": {"not": "text"}}),
                "sign": sign(body, SECRET),
            }
        ),
    ),
    Peer(
        name="keysecure",
        base=KS_BASE,
        path="/open-api/v1/account/transfer",
        operation="accounts.transfer",
        reference=("transfer_unique_no", "T-42"),
        make=lambda **o: AsyncKeySecure(
            api_key=API_KEY, api_secret=API_SECRET, environment="sandbox", **o
        ),
        read_path="/open-api/v1/card/C1/detail",
        read=lambda c: c.cards.retrieve("C1"),
        read_ok=lambda: ks_envelope({"card_no": "C1"}),
        write=lambda c: c.accounts.transfer(
            cardholder_no="U1", type="In", balance="10.00", transfer_unique_no="T-42"
        ),
        unfit=lambda: ks_envelope({"transfer_no": {"not": "text"}}),
        setup=lambda router: router.get(TOKEN_PATH).mock(return_value=token_response()),
    ),
]
IDS = [p.name for p in PEERS]
