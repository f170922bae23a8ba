"""pydantic-core schemas for the lenient field types, so common values never run Python.

Each field type (``Money``, ``LemftDateTime``, the open enums) keeps its reference rule, a
Python validator in ``_models`` that decides what every value becomes. In front of it come
native branches that accept only values whose outcome under that rule is known, and give
that same outcome: a positive in-range ``Decimal`` stays itself, an ``int`` amount becomes
``Decimal(int)``, ``"2025-02-19 05:33:57"`` becomes the naive datetime, ``2`` becomes
``CardType.VIRTUAL``. Anything else (an amount of zero, a status sent as text, an ISO time
ending in ``Z``) falls through to the rule, so no answer is read differently; the tests
compare both on generated input. JSON input (``validate_json``) has the same branches, with
a JSON fraction read as the ``Decimal`` of its float's text: pydantic-core reads fractions
through a float, so the SDK validates bytes in one pass only when that is exact
(``_onepass``), and otherwise decodes them exactly first.

With the C accelerator built (``_fields.c``), a field is one plain validator instead: one C
call decides the common values (``None``, ``""`` and canonical dates, dates kept as text, an
``int`` or plain decimal text as an amount, a bounded ``Decimal``, a known enum value) with
the same outcome, and hands every other value to the native schema above, which is built on
first use. A runtime ``strict=`` flag does not change what the C path gives (the native
branches turned strict with it, so ``strict=True`` refused an ``int`` amount); a model whose
config changes how values are read (``_fields_path.NEUTRAL_CONFIG``) keeps the native schema.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from ._accelerators import accelerator
from ._codec import MAX_EXPONENT, MAX_NUMBER_CHARS
from ._fields_path import DECLARED, OnFirstUse, neutral_config

CompiledSpec = tuple[int, int, dict[Any, Any], dict[str, Any]]
"""A field type's C validator: its kinds (Python input, JSON input), table and bounds."""

compiled_fields: ModuleType | None = accelerator("_fields")
"""The C accelerator of the field types (``_fields.c``), or ``None`` when it is not built or
switched off; models defined while it is ``None`` take the native branches alone."""

__all__ = [
    "ExactJsonValue",
    "FastDateTime",
    "FastMoney",
    "OpenIntEnum",
    "OpenStrEnum",
    "compiled_fields",
    "exact_json",
]

# |adjusted exponent| <= MAX_EXPONENT, the rule's bound, as a range for a non-zero value.
_SMALLEST = Decimal(f"1e-{MAX_EXPONENT}")
_TOO_LARGE = Decimal(f"1e{MAX_EXPONENT + 1}")
# Plain decimal text: within MAX_NUMBER_CHARS and with no exponent it is always in range.
_DECIMAL_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"
# The forms the rule reads as a datetime with no doubt: the canonical one, with an optional
# fraction of 1-6 digits (strptime's %f), and the "T" form without one.
_CANONICAL_TIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?: [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?|T[0-9]{2}:[0-9]{2}:[0-9]{2})$"
)
# Text that starts with a letter can never be a date (every form begins with the year).
_NOT_A_TIME = r"^[A-Za-z_]"


def exact_json(value: Any) -> Any:
    """JSON input as the exact decoder gives it: every fraction, nested ones too, as the
    ``Decimal`` of its float's shortest text, which on the one-pass path is the literal
    itself (``_onepass``)."""
    if type(value) is float:
        return Decimal(repr(value))
    if type(value) is dict:
        return {key: exact_json(item) for key, item in value.items()}
    if type(value) is list:
        return [exact_json(item) for item in value]
    return value


class _ExactJson:
    """An unknown field's value: JSON fractions (nested too) as ``Decimal``, like the exact
    decoder; Python input is kept as it is."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Text and integers (most unknown fields) natively; the rest (fractions, objects,
        # arrays) through ``exact_json``.
        rest = core_schema.no_info_after_validator_function(exact_json, core_schema.any_schema())
        return core_schema.json_or_python_schema(
            json_schema=core_schema.nullable_schema(
                core_schema.union_schema(
                    [
                        core_schema.str_schema(strict=True),
                        core_schema.int_schema(strict=True),
                        rest,
                    ],
                    mode="left_to_right",
                )
            ),
            python_schema=core_schema.any_schema(),
        )


ExactJsonValue = Annotated[Any, _ExactJson]
"""The type of a model's unknown fields (``__pydantic_extra__``)."""


def _decimal_from(first: CoreSchema) -> CoreSchema:
    return core_schema.chain_schema([first, core_schema.decimal_schema()])


def _none_from(first: CoreSchema) -> CoreSchema:
    # ``on_error="default"`` over a schema that refuses the value: a native "-> None".
    always_none = core_schema.with_default_schema(
        core_schema.none_schema(), default=None, on_error="default"
    )
    return core_schema.chain_schema([first, always_none])


def _float_in(
    *,
    ge: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> CoreSchema:
    # A JSON fraction in bounds, as a Decimal of its float's text. The bounds are checked on
    # the float, natively: the float's shortest text is monotonic in the float, so
    # ``f >= float("1e-100")`` exactly when ``Decimal(repr(f)) >= Decimal("1e-100")``.
    bounded = core_schema.float_schema(strict=True, ge=ge, gt=gt, lt=lt, le=le)
    return core_schema.chain_schema([bounded, core_schema.decimal_schema()])


def _member_or_itself(first: CoreSchema, enum_cls: type[enum.Enum]) -> CoreSchema:
    known = core_schema.literal_schema(list(enum_cls))
    either = core_schema.union_schema([known, core_schema.any_schema()], mode="left_to_right")
    return core_schema.chain_schema([first, either])


class _FastFirst:
    """An ``Annotated`` marker: native branches first, then the reference rule."""

    __slots__ = ()
    error_type = "lemft_value"
    error_message = "Input is not a valid value"

    def fast(self) -> list[CoreSchema]:
        raise NotImplementedError

    def json_fast(self) -> list[CoreSchema]:
        """The native branches for JSON input (the same unless a type reads numbers)."""
        return self.fast()

    def rule(self, inner: CoreSchema) -> CoreSchema:
        raise NotImplementedError

    def compiled(self, fields: ModuleType) -> CompiledSpec | None:
        """The C validator's kinds (Python input, JSON input), table and bounds; ``None``
        when the type has no C path."""
        return None

    def _union(self, branches: list[CoreSchema]) -> CoreSchema:
        # ``None`` (every rule keeps it) is taken before the branches: a failing branch costs
        # an error, and most fields of an answer are unset.
        return core_schema.nullable_schema(
            core_schema.union_schema(
                list[CoreSchema | tuple[CoreSchema, str]](branches),
                mode="left_to_right",
                # One error at the field, as the rule alone gave, not one per branch.
                custom_error_type=self.error_type,
                custom_error_message=self.error_message,
            )
        )

    def native_schema(self, inner: CoreSchema) -> CoreSchema:
        """The native branches, then the rule (``inner``: the declared type's schema)."""
        rule = self.rule(inner)
        # JSON: a fraction reaches the rule as the Decimal the exact decoder would give.
        json_rule = core_schema.no_info_before_validator_function(exact_json, rule)
        return core_schema.json_or_python_schema(
            json_schema=self._union([*self.json_fast(), json_rule]),
            python_schema=self._union([*self.fast(), rule]),
            metadata={DECLARED: inner},
        )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        inner = handler(source)
        fields = compiled_fields
        spec = None if fields is None or not neutral_config(handler) else self.compiled(fields)
        if fields is None or spec is None:
            return self.native_schema(inner)
        # One C call decides the common values; every other value goes to the native
        # schema, built on first use (most fields never need it).
        python_kind, json_kind, table, bounds = spec
        native = OnFirstUse(source, self)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_plain_validator_function(
                fields.Fast(json_kind, table, native.json, **bounds)
            ),
            python_schema=core_schema.no_info_plain_validator_function(
                fields.Fast(python_kind, table, native, **bounds)
            ),
            metadata={DECLARED: inner},
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The JSON Schema of the declared type, as before the native branches.
        return handler(schema["metadata"][DECLARED])


class FastMoney(_FastFirst):
    """``Money``: ``Decimal`` exact, bounded like the decoder."""

    __slots__ = ("_rule",)
    error_type = "lemft_amount"
    error_message = "Input is not a valid amount"

    def __init__(self, rule: Callable[[Any], Any]) -> None:
        self._rule = rule

    def fast(self) -> list[CoreSchema]:
        return [
            _decimal_from(core_schema.int_schema(strict=True)),
            core_schema.decimal_schema(strict=True, ge=_SMALLEST, lt=_TOO_LARGE),
            _decimal_from(
                core_schema.str_schema(
                    strict=True, pattern=_DECIMAL_TEXT, max_length=MAX_NUMBER_CHARS
                )
            ),
            core_schema.decimal_schema(strict=True, gt=-_TOO_LARGE, le=-_SMALLEST),
        ]

    def json_fast(self) -> list[CoreSchema]:
        # A JSON fraction natively: the float's text as a Decimal (``Decimal(str(f))``; a
        # lax decimal schema, as the strict one takes only Decimal instances), in the same
        # bounds; JSON text goes where Python text goes.
        int_branch, _, text_branch, _ = self.fast()
        return [
            int_branch,
            _float_in(ge=float(_SMALLEST), lt=float(_TOO_LARGE)),
            text_branch,
            _float_in(gt=-float(_TOO_LARGE), le=-float(_SMALLEST)),
        ]

    def rule(self, inner: CoreSchema) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._rule, inner)

    def compiled(self, fields: ModuleType) -> CompiledSpec | None:
        bounds = {"low": _SMALLEST, "high": _TOO_LARGE}
        return fields.MONEY, fields.MONEY_JSON, {}, bounds


class FastDateTime(_FastFirst):
    """``LemftDateTime``: a naive datetime, ``None`` for ``""``, other text kept."""

    __slots__ = ("_rule",)
    error_type = "lemft_datetime"
    error_message = "Input is not a valid date-time"

    def __init__(self, rule: Callable[[Any], Any]) -> None:
        self._rule = rule

    def fast(self) -> list[CoreSchema]:
        return [
            core_schema.chain_schema(
                [
                    core_schema.str_schema(strict=True, pattern=_CANONICAL_TIME),
                    core_schema.datetime_schema(tz_constraint="naive"),
                ]
            ),
            # "" (an unset date): a length check, natively cheaper than a literal lookup.
            _none_from(core_schema.str_schema(strict=True, max_length=0)),
            core_schema.str_schema(strict=True, pattern=_NOT_A_TIME),
        ]

    def json_fast(self) -> list[CoreSchema]:
        # The same disjoint branches, "" first: a list page's unset dates ("close_at": "")
        # outnumber its set ones, and each branch that fails costs an error.
        canonical, empty, *rest = self.fast()
        return [empty, canonical, *rest]

    def rule(self, inner: CoreSchema) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._rule, inner)

    def compiled(self, fields: ModuleType) -> CompiledSpec | None:
        return fields.DATETIME, fields.DATETIME, {}, {}


class _OpenEnum(_FastFirst):
    """An enum field: a known value is its member (one table for the C path)."""

    __slots__ = ("_enum", "_rule")
    error_type = "lemft_enum"
    error_message = "Input is not a valid constant"

    def __init__(self, enum_cls: type[enum.Enum], rule: Callable[..., Any]) -> None:
        self._enum = enum_cls
        self._rule = rule

    def compiled(self, fields: ModuleType) -> CompiledSpec | None:
        members = {member.value: member for member in self._enum}
        return fields.ENUM, fields.ENUM, members, {}


class OpenIntEnum(_OpenEnum):
    """An int enum field: a known value is its member, an unknown one stays an ``int``."""

    __slots__ = ()

    def __init__(self, enum_cls: type[enum.IntEnum], rule: Callable[..., Any]) -> None:
        super().__init__(enum_cls, rule)

    def fast(self) -> list[CoreSchema]:
        # The literal also matches True, 1.0 and Decimal("1"), which the rule reads as
        # that member too (tested); an unknown int stays itself.
        return [
            core_schema.literal_schema(list(self._enum)),
            core_schema.int_schema(strict=True),
        ]

    def rule(self, inner: CoreSchema) -> CoreSchema:
        return core_schema.no_info_wrap_validator_function(self._rule, inner)


class OpenStrEnum(_OpenEnum):
    """A text enum field: known text is its member, other text stays as sent."""

    __slots__ = ()

    def fast(self) -> list[CoreSchema]:
        return [
            _member_or_itself(core_schema.str_schema(strict=True), self._enum),
        ]

    def rule(self, inner: CoreSchema) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._rule, inner)
