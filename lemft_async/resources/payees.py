"""``client.payees``: beneficiaries of payments (all shapes inferred)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    AS_IS,
    ID,
    OPT_INT,
    OPT_TEXT,
    TEXT,
    AsyncAPIResource,
    Changes,
    RequestOptions,
    Spec,
)
from ..types.payees import Payee
from ..types.shared import ReferenceItem

__all__ = ["AsyncPayees", "AsyncPayeesWithRawResponse"]

# Optional text fields of create and update, in the order they are sent.
_DETAILS = dict.fromkeys(
    ("bank_name", "bank_code", "address", "email", "fund_source", "payment_purpose", "remark"),
    OPT_TEXT,
)


class AsyncPayees(AsyncAPIResource):
    _namespace = "payees"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "funding_sources": Spec(),
        "payment_purposes": Spec(),
        "create": Spec(
            pay_method_id=ID,
            payee_type=OPT_INT,
            account_name=TEXT,
            account_no=TEXT,
            currency=TEXT,
            country=TEXT,
            **_DETAILS,
        ),
        "update": Changes(
            payee_id=ID, account_name=OPT_TEXT, account_no=OPT_TEXT, payee_type=OPT_INT, **_DETAILS
        ),
        "apply": Spec(payee_id=ID),
        "delete": Spec(payee_id=ID),
        "list": Spec(status=OPT_INT, currency=AS_IS),
        "retrieve": Spec(payee_id=ID),
    }

    @cached_property
    def with_raw_response(self) -> AsyncPayeesWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncPayeesWithRawResponse(self)

    async def funding_sources(
        self, *, extra_body: Mapping[str, Any] | None = None, **options: Unpack[RequestOptions]
    ) -> builtins.list[ReferenceItem]:
        """Operating-fund sources to choose ``fund_source`` from (inferred)."""
        return await self._items("funding_sources", ReferenceItem, locals())

    async def payment_purposes(
        self, *, extra_body: Mapping[str, Any] | None = None, **options: Unpack[RequestOptions]
    ) -> builtins.list[ReferenceItem]:
        """Expected payment purposes to choose ``payment_purpose`` from (inferred)."""
        return await self._items("payment_purposes", ReferenceItem, locals())

    async def create(
        self,
        *,
        pay_method_id: str,
        account_name: str,
        account_no: str,
        currency: str,
        country: str,
        payee_type: int | None = None,
        bank_name: str | None = None,
        bank_code: str | None = None,
        address: str | None = None,
        email: str | None = None,
        fund_source: str | None = None,
        payment_purpose: str | None = None,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payee:
        """Create a payee (inferred: ``payee/createPayee``). It must then be ``apply``-ed."""
        return await self._get("create", Payee, locals(), wrapper="payee_info")

    async def update(
        self,
        payee_id: str,
        *,
        account_name: str | None = None,
        account_no: str | None = None,
        payee_type: int | None = None,
        bank_name: str | None = None,
        bank_code: str | None = None,
        address: str | None = None,
        email: str | None = None,
        fund_source: str | None = None,
        payment_purpose: str | None = None,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payee:
        """Edit a payee (inferred: ``payee/editPayee``); only given fields are sent."""
        return await self._get("update", Payee, locals(), wrapper="payee_info")

    async def apply(
        self,
        payee_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payee:
        """Submit a payee for review (申请收款方; inferred: ``payee/applyPayee``)."""
        return await self._get("apply", Payee, locals(), wrapper="payee_info")

    async def delete(
        self,
        payee_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a payee (inferred: ``payee/deletePayee``)."""
        await self._send("delete", locals())

    def list(
        self,
        *,
        status: int | None = None,
        currency: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Payee]:
        """List payees (inferred: ``payee/payeeList``)."""
        return self._list("list", Payee, locals())

    async def retrieve(
        self,
        payee_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payee:
        """Get a payee (inferred: ``payee/getPayee``)."""
        return await self._get("retrieve", Payee, locals(), wrapper="payee_info")


class AsyncPayeesWithRawResponse:
    """``client.payees.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncPayees) -> None:
        self.funding_sources = to_raw(resource.funding_sources)
        self.payment_purposes = to_raw(resource.payment_purposes)
        self.create = to_raw(resource.create)
        self.update = to_raw(resource.update)
        self.apply = to_raw(resource.apply)
        self.delete = to_raw(resource.delete)
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
