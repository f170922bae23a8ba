"""Shared test data for the webhook tests. Credentials are obviously fake."""

from __future__ import annotations

import json
from typing import Any

from lemft_async._signing import SignatureEncoding, compute_signature

SECRET = "test-secret-not-real"
OTHER_SECRET = "other-test-secret-not-real"
NOW = 1_700_000_000
PAN = "4000000000000002"  # a test card number, never a real one
CVV = "987"
PIN = "4321"

# The documented Card payload shape (reference §4) with test card data.
CARD_PAYLOAD: dict[str, Any] = {
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100005,
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_no": PAN,
    "balance": 10,
    "limit": 10,
    "expiry": "03/28",
    "cvv": CVV,
    "pin": PIN,
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
    "close_at": "",
    "end_at": "",
    "mark": "",
}


def card_body(
    tag: str | None = "card.status.active", notify_id: str | None = "ntf_0001", **fields: Any
) -> bytes:
    """A compact JSON card notification (envelope first, as the inferred format shows)."""
    payload: dict[str, Any] = {}
    if tag is not None:
        payload["eventTag"] = tag
    if notify_id is not None:
        payload["notify_id"] = notify_id
    payload.update(CARD_PAYLOAD)
    payload.update(fields)
    return json.dumps(payload, separators=(",", ":")).encode()


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(
    body: bytes,
    *,
    secret: str = SECRET,
    timestamp: int | str = NOW,
    encoding: SignatureEncoding = "hex",
    **extra: str,
) -> dict[str, str]:
    """``timestamp`` + ``signature`` headers as the (inferred) sender writes them."""
    headers = {
        "timestamp": str(timestamp),
        "signature": compute_signature(secret, body, str(timestamp), encoding),
    }
    headers.update(extra)
    return headers
