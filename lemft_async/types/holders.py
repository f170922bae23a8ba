"""Cardholder model (inferred: the holder pages were not in the available docs)."""

from __future__ import annotations

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel

__all__ = ["Holder"]


class Holder(LemftModel):
    """A cardholder (inferred shape)."""

    holder_id: Identifier
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    mobile_prefix: str | None = None
    mobile: str | None = None
    birthday: str | None = None
    """``YYYY-MM-DD``."""
    country: str | None = None
    state: str | None = None
    city: str | None = None
    address: str | None = None
    post_code: str | None = None
    status: int | None = None
    create_at: LemftDateTime = None
