"""A minimal ASGI server answering every POST with the documented getOrder response.

It does no work of its own, so the benchmark measures the clients, not the server.
"""

from __future__ import annotations

from typing import Any

BODY = (
    b'{"code":0,"message":"success","data":{"order_info":{"order_id":"ord_MEP9vKJi",'
    b'"bin_id":"cpi_6530de6a2f1c7","holder_id":"","out_order_id":"out_10002000004",'
    b'"card_type":2,"order_type":2,"amount":20,"fee":0.4,"currency":"USD",'
    b'"card_id":"cid_YqcDBySrmt9iLFJy","status":1,"track_code":"","track_supplier":"",'
    b'"track_at":"out_10002000004","complete_at":"2025-02-19 05:33:57",'
    b'"create_at":"2025-02-19 05:33:57"},"order_bill_list":[{"bill_type":2,"in_out_type":2,'
    b'"transaction_time":"2025-02-19 05:33:56","bill_list":[{"bill_category":3,"amount":20},'
    b'{"bill_category":4,"amount":0.4}]}]}}'
)
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
