"""LEMFT's de-duplication key; the store protocol and the memory store live in the core.

Keys: ``"id:" + notify_id`` when the notification has one, else ``"sha256:" +`` hex of
SHA-256(raw body) (*inferred*, docs/notifications.md). Only signed content makes the key:
a tag read from an unsigned header must not turn a replay into a "new" event.
"""

from __future__ import annotations

from .._core._dedup import (
    ClaimState,
    DedupStore,
    MemoryDedupStore,
    RenewableDedupStore,
    sha256_key,
)
from ._events import WebhookEventBase

__all__ = ["ClaimState", "DedupStore", "MemoryDedupStore", "RenewableDedupStore", "dedup_key"]


def dedup_key(event: WebhookEventBase, raw_body: bytes) -> str:
    """The de-duplication key of a delivery (see module docstring)."""
    if event.notify_id:
        return "id:" + event.notify_id
    return sha256_key("", raw_body)
