"""``client.accounts``: cardholder fund transfers (credit-extension mode, currency TUSDT)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any

from typing_extensions import Unpack

from .._core._checks import build_params
from .._core._options import RequestOptions
from .._core._raw import to_raw
from ._constants import TransferType
from ._models import Account, Transfer, TransferResult
from ._pagination import KeySecurePaginator
from ._params import (
    TimeValue,
    check_id,
    check_transfer_amount,
    check_unique_no,
    time_range,
)
from ._resource import KeySecureResource, parse_model

__all__ = ["AsyncAccounts", "AsyncAccountsWithRawResponse"]

_TYPES = (TransferType.IN.value, TransferType.OUT.value)


class AsyncAccounts(KeySecureResource):
    """Cardholder accounts and transfers (credit-extension mode only)."""

    @cached_property
    def with_raw_response(self) -> AsyncAccountsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncAccountsWithRawResponse(self)

    async def transfer(
        self,
        *,
        cardholder_no: str,
        type: TransferType | str,
        balance: Decimal | int | str,
        transfer_unique_no: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> TransferResult:
        """Move funds in (``In``) or out (``Out``) of a cardholder account
        (``POST /account/transfer``). A write that moves money: never re-sent when the
        outcome is unknown (``KeySecureOutcomeUnknownError.transfer_unique_no``).

        ``balance`` is a ``Decimal``/``int``/``str`` with at most 2 decimals (floats are
        refused); ``transfer_unique_no`` is generated when not given.
        """
        kind = type.value if isinstance(type, TransferType) else type
        if kind not in _TYPES:
            raise ValueError(f"type must be 'In' or 'Out', got {kind!r}")
        unique = check_unique_no("transfer_unique_no", transfer_unique_no or uuid.uuid4().hex)
        body = build_params(
            {
                "cardholder_no": check_id("cardholder_no", cardholder_no),
                "transfer_unique_no": unique,
                "type": kind,
                "balance": check_transfer_amount("balance", balance),
            },
            extra_body,
        )
        result = await self._model("accounts.transfer", TransferResult, body=body, **options)
        if not result.transfer_unique_no:
            result.transfer_unique_no = unique
        return result

    async def retrieve(
        self, cardholder_no: str, **options: Unpack[RequestOptions]
    ) -> list[Account]:
        """A cardholder's accounts (``GET /account/{cardholder_no}/info``)."""
        data = await self._call(
            "accounts.retrieve",
            path_params={"cardholder_no": check_id("cardholder_no", cardholder_no)},
            **options,
        )
        items = data.get("list") if isinstance(data, dict) else None
        path = self._client._endpoints["accounts.retrieve"].path
        return [parse_model(Account, item, path=path) for item in items or []]

    def list_transfers(
        self,
        *,
        start_time: TimeValue,
        end_time: TimeValue,
        cardholder_no: str | None = None,
        transfer_no: str | None = None,
        transfer_unique_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[Transfer]:
        """Transfer flow in the range (at most 90 days, client timezone)."""
        start, end = time_range(start_time, end_time, self._client._utc_offset)
        body = build_params(
            {
                "cardholder_no": cardholder_no,
                "transfer_no": transfer_no,
                "transfer_unique_no": transfer_unique_no,
                "start_time": start,
                "end_time": end,
            },
            extra_body,
        )
        return self._paginate(
            "accounts.list_transfers", body, Transfer, page=page, size=size, **options
        )


class AsyncAccountsWithRawResponse:
    """``AsyncAccounts.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncAccounts) -> None:
        self.transfer = to_raw(resource.transfer)
        self.retrieve = to_raw(resource.retrieve)
        self.list_transfers = to_raw(resource.list_transfers)
