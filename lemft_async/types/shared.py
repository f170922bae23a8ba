"""Small models shared by several namespaces (inferred shapes)."""

from __future__ import annotations

from .._core._identity import Identifier
from .._core._models import LemftModel

__all__ = ["ReferenceItem"]


class ReferenceItem(LemftModel):
    """An entry of a reference list (funding sources, payment purposes, payment reasons).

    Inferred shape: a code to send back in requests, and a display name.
    """

    code: Identifier
    """Sent back as is in requests (``fund_source=``, ``payment_purpose=``, ``reason=``)."""
    name: str | None = None
