"""Shared by the tests of the one-pass path and the field types: the compiled accelerators
(or a skip / failure when not built) and a comparison of two results strict enough to tell
the paths apart."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from types import ModuleType
from typing import Annotated, Any, NoReturn

import pytest
from pydantic import BaseModel, ConfigDict

from lemft_async._core import _onepass, _schemas
from lemft_async._core._models import LemftDateTime, LemftModel, Money, enum_value, str_enum_value
from lemft_async.keysecure._constants import CardStatus
from lemft_async.payin._status import PayinStatus
from lemft_async.types.constants import OrderStatus


def _missing(source: str) -> NoReturn:
    # Skipped where it was not built (or LEMFT_NO_EXTENSION switches it off); CI sets
    # LEMFT_REQUIRE_EXTENSION, so a broken build fails there instead of skipping.
    if os.environ.get("LEMFT_REQUIRE_EXTENSION") and not os.environ.get("LEMFT_NO_EXTENSION"):
        pytest.fail(f"the C accelerator ({source}) was not built")
    pytest.skip("the C accelerator is not built or is switched off")


def compiled_check() -> Callable[[bytes], bool]:
    """The compiled exactness check (``_scan.c``), or a skip / failure as ``_missing`` says."""
    if _onepass.exact_compiled is None:
        _missing("_core/_scan.c")
    return _onepass.exact_compiled


def compiled_fields() -> ModuleType:
    """The compiled field validators (``_fields.c``), or a skip / failure."""
    if _schemas.compiled_fields is None:
        _missing("_core/_fields.c")
    return _schemas.compiled_fields


def same(a: Any, b: Any) -> bool:
    """Equal values of identical types, recursively: a ``Decimal`` digit for digit (same
    ``str``, same exponent), an object in the same key order, a model field for field,
    unknown field for field and with the same fields set, an enum as the same member."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return (
            same(dict(a), dict(b))
            and same(a.__pydantic_extra__, b.__pydantic_extra__)
            and bool(a.model_fields_set == b.model_fields_set)
        )
    if isinstance(a, Decimal):
        return str(a) == str(b) and a.as_tuple() == b.as_tuple()
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, datetime):
        return bool(a == b and a.tzinfo == b.tzinfo)
    if isinstance(a, Enum):
        return a is b
    return bool(a == b)


def assert_same_error(got: BaseException, wanted: BaseException) -> None:
    """The same exception as the exact path raised: type, reason, fields and message."""
    assert type(got) is type(wanted), (got, wanted)
    assert getattr(got, "reason", None) == getattr(wanted, "reason", None)
    assert getattr(got, "fields", None) == getattr(wanted, "fields", None)
    assert str(got) == str(wanted)


FIELD_NAMES = ("money", "when", "status", "payin", "text_status")
"""The fields of ``field_types_model``: one of each lenient field type."""


def field_types_model(*, compiled: bool, config: ConfigDict | None = None) -> type[LemftModel]:
    """The field types of LEMFT, Payin and KeySecure in one model, built with or without the
    C path (``_schemas.compiled_fields`` is read when a model's schema is built)."""
    if compiled:
        compiled_fields()
    saved = _schemas.compiled_fields
    if not compiled:
        _schemas.compiled_fields = None
    try:

        class Fields(LemftModel):
            if config is not None:
                model_config = config
            money: Money = None
            when: LemftDateTime = None
            status: Annotated[OrderStatus | int | None, enum_value(OrderStatus)] = None
            payin: Annotated[PayinStatus | int, enum_value(PayinStatus)] = 0
            text_status: Annotated[CardStatus | str | None, str_enum_value(CardStatus)] = None

    finally:
        _schemas.compiled_fields = saved
    return Fields
