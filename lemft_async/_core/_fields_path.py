"""The C path of the field types (``_fields.c``): where a field may take it, and its fallback.

``_schemas`` gives a field one C call when the accelerator is built and the model's config
changes nothing that call decides (``neutral_config``); every value the call does not
decide goes to ``OnFirstUse``, the field's native schema (pydantic-core branches, then the
Python rule) as a standalone adapter built when first needed.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Protocol

from pydantic import GetCoreSchemaHandler, TypeAdapter
from pydantic_core import CoreSchema

__all__ = ["DECLARED", "NEUTRAL_CONFIG", "Marker", "NativeOnly", "OnFirstUse", "neutral_config"]

DECLARED = "lemft_declared_schema"
"""Metadata key of a field type's schema: the declared type's own schema (its JSON Schema)."""


class Marker(Protocol):
    """A field type's ``Annotated`` marker (``_schemas._FastFirst``)."""

    def native_schema(self, inner: CoreSchema) -> CoreSchema: ...


# Config keys that change nothing the C path decides (it sees no config). A model whose
# config sets any other key (strict, str_strip_whitespace, str_to_lower, use_enum_values,
# regex_engine ...) gets the native schema for these fields, which honours it.
NEUTRAL_CONFIG = frozenset(
    {
        "alias_generator",
        "arbitrary_types_allowed",
        "defer_build",
        "extra",
        "frozen",
        "hide_input_in_errors",
        "json_schema_extra",
        "populate_by_name",
        "protected_namespaces",
        "revalidate_instances",
        "serialize_by_alias",
        "title",
        "use_attribute_docstrings",
        "validate_assignment",
        "validate_by_alias",
        "validate_by_name",
        "validate_default",
        "validation_error_cause",
    }
)


def neutral_config(handler: GetCoreSchemaHandler) -> bool:
    # pydantic has no public way to read the config a field is built under; without this
    # private attribute (another pydantic version) the native schema is the safe choice.
    try:
        config: Any = handler._generate_schema._config_wrapper.config_dict  # type: ignore[attr-defined]
    except AttributeError:
        return False
    return isinstance(config, dict) and config.keys() <= NEUTRAL_CONFIG


class NativeOnly:
    """An ``Annotated`` marker: the field type's native schema, without the C path."""

    __slots__ = ("_marker",)

    def __init__(self, marker: Marker) -> None:
        self._marker = marker

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return self._marker.native_schema(handler(source))


class OnFirstUse:
    """The C validator's fallback: the native schema's validator, built when first needed
    (a standalone adapter, so the declared type's schema is complete on its own)."""

    __slots__ = ("_adapter", "_marker", "_source")

    def __init__(self, source: Any, marker: Marker) -> None:
        self._source = source
        self._marker = marker
        self._adapter: TypeAdapter[Any] | None = None

    def _native(self) -> TypeAdapter[Any]:
        adapter = self._adapter
        if adapter is None:
            declared: Any = Annotated[self._source, NativeOnly(self._marker)]
            adapter = self._adapter = TypeAdapter[Any](declared)
        return adapter

    def __call__(self, value: Any) -> Any:
        return self._native().validate_python(value)

    def __reduce__(self) -> tuple[Any, ...]:
        return OnFirstUse, (self._source, self._marker)  # the adapter is rebuilt on use

    def json(self, value: Any) -> Any:
        # The JSON value back as JSON text (exact: floats by repr, strings escaped), so the
        # native JSON branches read it as they read the answer, errors included.
        return self._native().validate_json(json.dumps(value))
