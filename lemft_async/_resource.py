"""Base class of the resource namespaces. Resources build params; the client sends them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import APIResponseValidationError, OutcomeUnknownError
from ._pagination import AsyncPage, AsyncPaginator, extract_items

if TYPE_CHECKING:
    from ._client import AsyncLemft

__all__ = [
    "AsyncAPIResource",
    "build_params",
    "check_id",
    "check_int",
    "check_money",
    "check_page",
    "check_text",
    "check_time",
    "new_out_order_id",
    "optional",
    "out_order_id_param",
    "unwrap",
]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def build_params(params: Mapping[str, Any], extra_body: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop unset (``None``) params, then add ``extra_body``; a clash is an error."""
    body = {k: v for k, v in params.items() if v is not None}
    if extra_body:
        clash = sorted(set(extra_body) & set(body))
        if clash:
            hint = (
                " (out_order_id is always set: pass out_order_id= instead; one is generated "
                "when omitted)"
                if "out_order_id" in clash
                else ""
            )
            raise ValueError(
                f"extra_body repeats parameter(s) already given: {', '.join(clash)}{hint}"
            )
        body.update(extra_body)
    return body


def optional(check: Callable[..., T], name: str, value: object, **options: Any) -> T | None:
    """``check(name, value, **options)``, or ``None`` (not sent) when ``value`` is ``None``."""
    return None if value is None else check(name, value, **options)


def check_id(name: str, value: object) -> str:
    """An opaque identifier: a non-empty string (ints are accepted and sent as text)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    text = str(value)
    if not text.strip():
        raise ValueError(f"{name} must not be empty")
    return text


_MAX_AMOUNT = Decimal(10) ** 15
_MAX_DECIMALS = 8


def check_money(name: str, value: object, *, allow_zero: bool = False) -> Decimal:
    """An amount in major units as ``Decimal``; floats are refused (they are inexact)."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"{name} must be a Decimal, int or str, not {type(value).__name__}: binary floats "
            f"cannot represent money exactly (use Decimal('{value}'))"
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{name} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{name} must be a Decimal, int or str, got {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite")
    if abs(amount) >= _MAX_AMOUNT:
        raise ValueError(f"{name} is implausibly large (>= 10^15)")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_DECIMALS:
        raise ValueError(f"{name} has more than {_MAX_DECIMALS} decimal places")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {amount}")
    return amount


def check_text(name: str, value: object, *, max_length: int | None = None) -> str:
    """A free-text field: a non-empty ``str`` (optionally bounded)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")
    return value


def check_int(name: str, value: object) -> int:
    """An int code (enum members are ints too); bools refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return int(value)


def check_time(name: str, value: object) -> str:
    """A time filter: ``datetime`` (formatted as the docs write times) or that text."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        try:
            datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            msg = f"{name} must look like 'YYYY-MM-DD HH:MM:SS', got {value!r}"
            raise ValueError(msg) from None
        return value
    raise TypeError(f"{name} must be a datetime or str, got {type(value).__name__}")


def unwrap(data: Any, wrapper: str | None) -> Any:
    """Detail responses are inferred to wrap the entity as ``<entity>_info`` (as getOrder's
    ``order_info``); accept the bare entity too."""
    if wrapper and isinstance(data, dict) and isinstance(data.get(wrapper), dict):
        return data[wrapper]
    return data


def new_out_order_id() -> str:
    """A fresh merchant order id (32 hex chars), used like an idempotency key."""
    return uuid.uuid4().hex


def out_order_id_param(value: object) -> str:
    """The given ``out_order_id`` (checked), or a fresh one when ``None``."""
    if value is None:
        return new_out_order_id()
    return check_text("out_order_id", value, max_length=64)


def check_page(page_no: int, page_size: int) -> None:
    for name, value in (("page_no", page_no), ("page_size", page_size)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")


class AsyncAPIResource:
    """A namespace such as ``client.wallets``; knows operation names, never HTTP."""

    _namespace: str = ""

    def __init__(self, client: AsyncLemft) -> None:
        self._client = client

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        cast_to: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
        wrapper: str | None = None,
    ) -> M:
        data = await self._call_raw(method, params, extra_body=extra_body)
        data = unwrap(data, wrapper)
        return self._validate(method, cast_to, data if isinstance(data, dict) else {}, sent=params)

    def _validate(
        self, method: str, cast_to: type[M], data: Any, *, sent: Mapping[str, Any] | None = None
    ) -> M:
        """Decode an answer; one that does not fit is a LemftError naming fields, not values.

        For a write the server said success (code 0): the money may have moved, so a model
        mismatch must not read as a failure. It raises ``OutcomeUnknownError`` (reconcile,
        never re-send) carrying the ``out_order_id`` that was sent.
        """
        operation = f"{self._namespace}.{method}"
        try:
            return cast_to.model_validate(data)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            endpoint = self._client._endpoint(operation)
            problem = APIResponseValidationError(
                None,
                f"answer of {operation} does not fit {cast_to.__name__} (fields: {fields})",
                None,
                endpoint.path,
            )
            if endpoint.kind != "write":
                raise problem from None
            out_order_id = (sent or {}).get("out_order_id")
            raise OutcomeUnknownError(
                f"the server accepted {operation} (code 0) but {problem.message}; it was most "
                "likely carried out: reconcile before retrying",
                operation=operation,
                path=endpoint.path,
                traceid=None,
                out_order_id=None if out_order_id is None else str(out_order_id),
                cause=problem,
            ) from None

    async def _call_items(
        self,
        method: str,
        params: Mapping[str, Any],
        item_type: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[M]:
        """An unpaginated list (reference data); the item key is taken from the catalogue."""
        operation = f"{self._namespace}.{method}"
        data = await self._call_raw(method, params, extra_body=extra_body)
        if isinstance(data, list):
            items = data
        else:
            items = extract_items(data, self._client._endpoint(operation).list_key)
        return [self._validate(method, item_type, item) for item in items]

    async def _call_raw(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._client._call_operation(
            f"{self._namespace}.{method}", build_params(params, extra_body)
        )

    def _paginate(
        self,
        method: str,
        params: Mapping[str, Any],
        item_type: type[M],
        *,
        page_no: int,
        page_size: int,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[M]:
        check_page(page_no, page_size)
        operation = f"{self._namespace}.{method}"
        list_key = self._client._endpoint(operation).list_key
        base = build_params(params, extra_body)
        if "page_no" in base or "page_size" in base:
            raise ValueError("pass page_no/page_size as arguments, not in extra_body")

        async def fetch(number: int) -> AsyncPage[M]:
            body = {**base, "page_no": number, "page_size": page_size}
            data = await self._client._call_operation(operation, body)
            return AsyncPage.from_data(
                data,
                list_key=list_key,
                parse=lambda item: self._validate(method, item_type, item),
                requested_page_no=number,
                requested_page_size=page_size,
                fetch=fetch,
            )

        return AsyncPaginator(fetch, page_no)
