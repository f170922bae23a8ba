"""Base model and field types shared by every response type.

Lenient by design: a payment SDK must not break when the server adds a field or a new
status value. Unknown fields are kept (``model_extra`` / attribute access), unknown enum
values are kept as plain ints, ``""`` dates become ``None`` and unparseable dates stay text.

Fast by construction: each field type below is validated by pydantic-core's own schemas
for the values an answer really carries (see ``_schemas``); only unusual input (a status
sent as text, an amount of zero) reaches the Python rules written here, which stay the
reference of what every value becomes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
)

from ._codec import MAX_EXPONENT, MAX_NUMBER_CHARS
from ._redact import is_pan_key, mask_value
from ._schemas import ExactJsonValue, FastDateTime, FastMoney, OpenIntEnum, OpenStrEnum

__all__ = [
    "LemftDateTime",
    "LemftModel",
    "Money",
    "enum_value",
    "lenient_time",
    "str_enum_value",
]

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")


def lenient_time(
    from_text: Callable[[str], Any], from_int: Callable[[int], Any] | None = None
) -> Callable[[Any], Any]:
    """A before-validator for a time field that never fails an answer.

    ``None`` and datetimes pass; blank text is ``None``; other text goes (stripped) to
    ``from_text``, and is kept as sent when that returns ``None``; ints go to ``from_int``
    when given; anything else is kept as text.
    """

    def parse(value: Any) -> Any:
        if value is None or isinstance(value, datetime):
            return value
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            parsed = from_text(text)
            return value if parsed is None else parsed
        if from_int is not None and isinstance(value, int) and not isinstance(value, bool):
            return from_int(value)
        return str(value)

    return parse


def _datetime_from_text(text: str) -> datetime | None:
    # The docs write "YYYY-MM-DD HH:MM:SS" with no zone; the zone is not stated, so the
    # result stays naive rather than guessing.
    # Every form read below starts with a four-digit year and ends with a digit: other text
    # (the docs' own "out_10002000004", ISO text ending in "Z") is kept without trying
    # three strptime calls (~7 us) that cannot match.
    if not (text[:4].isdigit() and text[-1:].isdigit()):
        return None
    if len(text) == 19 and text[10] == " ":
        # Fast path for the documented canonical form "YYYY-MM-DD HH:MM:SS".
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


_parse_datetime = lenient_time(_datetime_from_text)


LemftDateTime = Annotated[datetime | str | None, FastDateTime(_parse_datetime)]
"""A LEMFT date-time: naive ``datetime``, ``None`` for ``""``, or the raw text if unparseable."""


def _parse_money(value: Any) -> Any:
    if isinstance(value, float):
        # Only reachable when a caller builds a model by hand; the wire decoder never
        # produces floats. repr() is the shortest text that round-trips.
        return _bounded(Decimal(repr(value)))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError("amount text too long")
        try:
            return _bounded(Decimal(text))
        except InvalidOperation:
            return value
    if isinstance(value, Decimal):
        return _bounded(value)
    return value


def _bounded(amount: Decimal) -> Decimal:
    # The decoder's bound, also for amounts sent as text ("1e999999999" would make a later
    # quantize() or int() in user code hang or overflow).
    if amount.is_finite() and abs(amount.adjusted()) > MAX_EXPONENT:
        raise ValueError("amount out of range")
    return amount


Money = Annotated[Decimal | None, FastMoney(_parse_money)]
"""An amount in major currency units as an exact ``Decimal``."""


def _known_member(enum_cls: type[enum.IntEnum]) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return enum_cls(value)
            except ValueError:
                return value
        return value

    return convert


def enum_value(enum_cls: type[enum.IntEnum]) -> OpenIntEnum:
    """Validator for ``Annotated[MyEnum | int | None, enum_value(MyEnum)]``.

    Known values become members (which still compare equal to their int); values the
    server added after this SDK was written are kept as plain ``int`` instead of failing.
    """
    convert = _known_member(enum_cls)

    def keep(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        value = convert(value)
        try:
            return handler(value)
        except ValidationError:
            return value  # e.g. a text status: kept as sent rather than failing the answer

    return OpenIntEnum(enum_cls, keep)


def str_enum_value(enum_cls: type[enum.Enum]) -> OpenStrEnum:
    """Validator for ``Annotated[MyStrEnum | str | None, str_enum_value(MyStrEnum)]``.

    Known text becomes a member (still equal to its string); any other text stays as sent.
    """

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return enum_cls(value)
            except ValueError:
                return value
        return value

    return OpenStrEnum(enum_cls, convert)


class LemftModel(BaseModel):
    """Base of every response model: unknown fields kept, secrets masked in reprs."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
        frozen=False,
        # Validation errors never echo input values: they could be card data.
        hide_input_in_errors=True,
    )

    # Unknown fields hold what the exact decoder gives (a fraction as Decimal), also when
    # the answer was validated from its bytes in one pass.
    __pydantic_extra__: dict[str, ExactJsonValue]

    _masked_fields: ClassVar[frozenset[str]] = frozenset({"card_no", "cvv", "pin"})

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # By name and by value (also for unknown extra fields and inside nested dicts and
        # lists): card numbers show first 6 / last 4; CVV, PIN, expiry and secrets are hidden.
        for name, value in super().__repr_args__():
            key = (name or "").lower()
            if value and key in self._masked_fields and not is_pan_key(key):
                yield name, "***"
            else:
                yield name, mask_value(key, value)
