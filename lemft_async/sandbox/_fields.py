"""Reading an operation's params from the request body, with 10001 messages naming the field.

Rules (inferred, as strict as the docs' field tables suggest): a required field that is
absent, ``null`` or ``""`` is *missing*; ids and text are JSON strings; codes are JSON
integers; amounts are JSON numbers with at most two decimals; times are
``YYYY-MM-DD HH:MM:SS``. Fields the sandbox does not know are ignored (``extra_body``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ._errors import param_error

__all__ = ["MAX_PAGE_SIZE", "Params"]

MAX_PAGE_SIZE = 100
"""Largest ``page_size`` accepted (inferred; the docs do not state one)."""

_MISSING: Any = object()


class Params:
    """Typed, validating access to the operation params of one request body."""

    __slots__ = ("_body",)

    def __init__(self, body: Mapping[str, Any]) -> None:
        self._body = body

    def _raw(self, name: str, required: bool) -> Any:
        value = self._body.get(name, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                raise param_error(f"missing field {name}")
            return _MISSING
        return value

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int = 255,
        choices: Collection[str] | None = None,
    ) -> str | None:
        """A string field; ``choices`` restricts it to known codes."""
        value = self._raw(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            raise param_error(f"{name} must be a string, got {_json_type(value)}")
        if not value.strip():
            raise param_error(f"{name} must not be blank")
        if len(value) > max_length:
            raise param_error(f"{name} must be at most {max_length} characters")
        if choices is not None and value not in choices:
            known = ", ".join(sorted(choices))
            raise param_error(f"{name} {value!r} is not one of: {known}")
        return value

    def required_text(self, name: str, **kwargs: Any) -> str:
        value = self.text(name, required=True, **kwargs)
        assert value is not None  # required=True never returns None
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        choices: Collection[int] | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """An integer field (JSON integer; booleans and fractions refused)."""
        value = self._raw(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise param_error(f"{name} must be an integer, got {_json_type(value)}")
        if choices is not None and value not in choices:
            known = ", ".join(str(c) for c in sorted(choices))
            raise param_error(f"{name} {value} is not one of: {known}")
        if minimum is not None and value < minimum:
            raise param_error(f"{name} must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise param_error(f"{name} must be <= {maximum}, got {value}")
        return value

    def money(self, name: str, *, allow_zero: bool = False) -> Decimal:
        """A required amount in major units: a JSON number, >= 0 or > 0, at most 2 decimals."""
        value = self._raw(name, True)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise param_error(f"{name} must be a JSON number, got {_json_type(value)}")
        amount = Decimal(value)
        if not amount.is_finite():
            raise param_error(f"{name} must be a finite number")
        if amount < 0 or (amount == 0 and not allow_zero):
            bound = ">= 0" if allow_zero else "> 0"
            raise param_error(f"{name} must be {bound}, got {amount}")
        if amount >= _TOO_LARGE:
            raise param_error(f"{name} is too large")
        if amount != amount.quantize(_CENT):
            raise param_error(f"{name} must have at most 2 decimal places, got {amount}")
        return amount.quantize(_CENT)

    def optional_money(self, name: str) -> Decimal | None:
        if self._raw(name, False) is _MISSING:
            return None
        return self.money(name)

    def time(self, name: str) -> datetime | None:
        """An optional ``YYYY-MM-DD HH:MM:SS`` filter."""
        value = self.text(name, max_length=19)
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise param_error(f"{name} must look like 'YYYY-MM-DD HH:MM:SS'") from None

    def page(self) -> tuple[int, int]:
        """``page_no`` and ``page_size``, both required (as on the documented 钱包列表)."""
        page_no = self.integer("page_no", required=True, minimum=1)
        page_size = self.integer("page_size", required=True, minimum=1, maximum=MAX_PAGE_SIZE)
        return page_no or 1, page_size or 1


_CENT = Decimal("0.01")
_TOO_LARGE = Decimal(10) ** 15


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
