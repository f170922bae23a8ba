"""Small models shared by several namespaces (inferred shapes)."""

from __future__ import annotations

from .._core._models import LemftModel

__all__ = ["ReferenceItem"]


class ReferenceItem(LemftModel):
    """An entry of a reference list (funding sources, payment purposes, payment reasons).

    Inferred shape: a code to send back in requests, and a display name.
    """

    code: str | None = None
    name: str | None = None
