"""What the receiver answers: the acknowledgement and the short error bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ._events import WebhookEventBase

__all__ = ["ACK_BODY", "Reply", "error_body"]

ACK_BODY = b'{"code":0,"message":"success"}'
"""The acknowledgement (*inferred*: the API's success envelope)."""


def error_body(message: str) -> bytes:
    """``{"code":1,"message":<reason code>}``: short, and never a secret or body data."""
    return json.dumps({"code": 1, "message": message}, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Reply:
    """The HTTP answer for one delivery. ``reason`` is a short code for logs and tests."""

    status: int
    body: bytes
    reason: str
    event: WebhookEventBase | None = None

    @property
    def acknowledged(self) -> bool:
        """True when the sender will consider the delivery done."""
        return self.status == 200 and self.body == ACK_BODY
