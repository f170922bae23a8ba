"""Soak size: ``LEMFT_SOAK_CALLS`` (``make soak`` sets 10000; ``make test`` runs the default)."""

from __future__ import annotations

import os

import pytest

DEFAULT_CALLS = 800
"""The reduced size ``make test`` runs: a few seconds, still every fault kind many times."""


def soak_size(raw: str | None) -> int:
    """The value of ``LEMFT_SOAK_CALLS`` (unset or blank: ``DEFAULT_CALLS``)."""
    raw = (raw or "").strip()
    if not raw:
        return DEFAULT_CALLS
    if not raw.isdigit() or int(raw) < 1:
        raise pytest.UsageError(f"LEMFT_SOAK_CALLS must be a positive integer, got {raw!r}")
    return int(raw)


@pytest.fixture
def soak_calls() -> int:
    """How many calls the soak makes."""
    return soak_size(os.environ.get("LEMFT_SOAK_CALLS"))
