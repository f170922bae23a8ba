"""Per-peer ways to call a read and a write with per-call options, plain or raw."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from ..payin.conftest import NOTIFY_URL

Caller = Callable[..., Awaitable[Any]]

READ: dict[str, Caller] = {
    "lemft": lambda c, **o: c.orders.retrieve("ord_1", **o),
    "payin": lambda c, **o: c.query_order(mch_order_no="M-42", **o),
    "keysecure": lambda c, **o: c.cards.retrieve("C1", **o),
}
RAW_READ: dict[str, Caller] = {
    "lemft": lambda c, **o: c.orders.with_raw_response.retrieve("ord_1", **o),
    "payin": lambda c, **o: c.with_raw_response.query_order(mch_order_no="M-42", **o),
    "keysecure": lambda c, **o: c.cards.with_raw_response.retrieve("C1", **o),
}
WRITE: dict[str, Caller] = {
    "lemft": lambda c, **o: c.orders.open_card(
        bin_id="b1", amount=Decimal("10"), out_order_id="o-42", **o
    ),
    "payin": lambda c, **o: c.create_order(
        amount=10000, notify_url=NOTIFY_URL, mch_order_no="M-42", **o
    ),
    "keysecure": lambda c, **o: c.accounts.transfer(
        cardholder_no="U1", type="In", balance="10.00", transfer_unique_no="T-42", **o
    ),
}
RAW_WRITE: dict[str, Caller] = {
    "lemft": lambda c, **o: c.orders.with_raw_response.open_card(
        bin_id="b1", amount=Decimal("10"), out_order_id="o-42", **o
    ),
    "payin": lambda c, **o: c.with_raw_response.create_order(
        amount=10000, notify_url=NOTIFY_URL, mch_order_no="M-42", **o
    ),
    "keysecure": lambda c, **o: c.accounts.with_raw_response.transfer(
        cardholder_no="U1", type="In", balance="10.00", transfer_unique_no="T-42", **o
    ),
}
PROTECTED: dict[str, tuple[str, ...]] = {
    "lemft": ("signature", "Timestamp", "traceid", "content-type"),
    "payin": ("Content-Type",),
    "keysecure": ("Api-Key", "timestamp", "Access-Token"),
}


def write_ok(name: str) -> Any:
    """A success answer to the peer's write."""
    from ..payin.conftest import SECRET, json_response
    from ..payin.conftest import signed as payin_signed
    from ._peers import ks_envelope, lemft_envelope

    if name == "lemft":
        return lemft_envelope({"order_info": {"order_id": "ord_9", "out_order_id": "o-42"}})
    if name == "payin":
        return json_response(payin_signed({"retCode": "SUCCESS", "payOrderId": "P1"}, SECRET))
    return ks_envelope({"transfer_no": "TR1"})
