"""The type of an identity field: the id an answer must carry for the SDK to use it.

A model types its own id (``Order.order_id``, ``Card.card_id`` ...) as ``Identifier``
instead of ``str | None``: typed user code passes it on without ``or ""``, and an answer
without it (or with ``""``) does not fit its model, which the transport turns into
``APIResponseValidationError`` for a read and an unknown outcome for a write. A native
string constraint, so validation stays in pydantic-core.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

__all__ = ["Identifier"]

Identifier = Annotated[str, StringConstraints(min_length=1)]
"""A non-empty ``str`` id, required on the model that it identifies."""
