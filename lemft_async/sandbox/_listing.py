"""Paged list answers in the documented shape (``total``, ``page_no``, ``page_size``, items)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from ._clock import format_time
from ._fields import Params

__all__ = ["in_window", "paged"]

T = TypeVar("T")


def paged(
    items: Sequence[T], params: Params, list_key: str, wire: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    """One page of ``items`` as ``{"total","page_no","page_size","<list_key>": [...]}``."""
    page_no, page_size = params.page()
    start = (page_no - 1) * page_size
    return {
        "total": len(items),
        "page_no": page_no,
        "page_size": page_size,
        list_key: [wire(item) for item in items[start : start + page_size]],
    }


def in_window(items: Iterable[T], params: Params, epoch_of: Callable[[T], float]) -> list[T]:
    """``items`` whose time lies within the optional ``start_time`` / ``end_time`` filters."""
    start, end = params.time("start_time"), params.time("end_time")
    if start is None and end is None:
        return list(items)
    low = _text(start) if start else ""
    high = _text(end) if end else "9999"
    # The wire times are UTC text of a fixed width, so text order is time order.
    return [item for item in items if low <= format_time(epoch_of(item)) <= high]


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
