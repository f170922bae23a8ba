"""Fresh random ids in ``uuid.uuid4().hex`` form, without building a ``UUID`` object.

Every call takes one (its ``traceid``) and every write without an ``out_order_id`` another;
``uuid4().hex`` spends most of its time in ``UUID.__init__``'s checks. Same randomness
(``os.urandom``), same text: 32 lower-case hex digits carrying the version-4 and RFC 4122
variant bits, so ``uuid.UUID(hex=...)`` reads it back as a version 4 UUID.
"""

from __future__ import annotations

import os

__all__ = ["uuid4_hex"]


def uuid4_hex() -> str:
    """A random version-4 UUID as 32 hex digits (what ``uuid.uuid4().hex`` returns)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # variant RFC 4122
    return raw.hex()
