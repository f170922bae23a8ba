"""The server of ``bench/overhead.py``: the documented getOrder answer for every POST (as
``_echo_app``), and a Lithic card (``GET /v1/cards/{token}``, the shape of lithic's
``Card`` model) for the peer row. It does no work of its own, so the benchmark measures the
clients, not the server.
"""

from __future__ import annotations

import json
from typing import Any

from _echo_app import BODY as ORDER_BODY

__all__ = ["CARD_TOKEN", "app"]

CARD_TOKEN = "7ef7d65c-9023-4da3-b113-3b8583fd7951"
CARD_BODY = json.dumps(
    {
        "token": CARD_TOKEN,
        "account_token": "f3f4918c-9a1f-4ee4-9a3c-2a3b5a1b4d1e",
        "card_program_token": "5e9483eb-8103-4e16-9794-2106111b2eca",
        "created": "2025-02-19T05:33:57Z",
        "funding": {
            "token": "b0f0d91a-3697-46d8-85f3-20f0a585cbea",
            "created": "2025-02-19T05:33:56Z",
            "last_four": "1234",
            "state": "ENABLED",
            "type": "DEPOSITORY_CHECKING",
            "account_name": "Sandbox checking",
            "nickname": "ops",
        },
        "last_four": "4242",
        "pin_status": "OK",
        "spend_limit": 2000,
        "spend_limit_duration": "TRANSACTION",
        "state": "OPEN",
        "tags": {},
        "type": "VIRTUAL",
        "memo": "bench card",
        "exp_month": "06",
        "exp_year": "2029",
        "hostname": "",
        "auth_rule_tokens": [],
        "cardholder_currency": "USD",
        "pending_commands": [],
    },
    separators=(",", ":"),
).encode()


def _headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]


ORDER = (_headers(ORDER_BODY), ORDER_BODY)
CARD = (_headers(CARD_BODY), CARD_BODY)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    headers, body = CARD if scope["method"] == "GET" else ORDER
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
