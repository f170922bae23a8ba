"""``client.payments``: pay a payee from a wallet (moves money; shapes inferred)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    ID,
    MONEY,
    OPT_ID,
    OPT_INT,
    OPT_TEXT,
    OUT_ORDER_ID,
    REMARK,
    TEXT,
    TIME_RANGE,
    AsyncAPIResource,
    RequestOptions,
    Spec,
)
from ..types.payments import Payment
from ..types.shared import ReferenceItem

__all__ = ["AsyncPayments", "AsyncPaymentsWithRawResponse"]


class AsyncPayments(AsyncAPIResource):
    _namespace = "payments"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "reasons": Spec(),
        "create": Spec(
            payee_id=ID,
            amount=MONEY,
            currency=TEXT,
            out_order_id=OUT_ORDER_ID,
            wallet_id=OPT_INT,
            reason=OPT_TEXT,
            fee_mode=OPT_INT,
            remark=REMARK,
        ),
        "list": Spec(payee_id=OPT_ID, out_order_id=OPT_TEXT, status=OPT_INT, **TIME_RANGE),
        "retrieve": Spec(payment_id=ID),
    }

    @cached_property
    def with_raw_response(self) -> AsyncPaymentsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncPaymentsWithRawResponse(self)

    async def reasons(
        self, *, extra_body: Mapping[str, Any] | None = None, **options: Unpack[RequestOptions]
    ) -> builtins.list[ReferenceItem]:
        """Payment reasons to choose ``reason`` from (付款原因; inferred)."""
        return await self._items("reasons", ReferenceItem, locals())

    async def create(
        self,
        *,
        payee_id: str,
        amount: Any,
        currency: str,
        out_order_id: str | None = None,
        wallet_id: int | None = None,
        reason: str | None = None,
        fee_mode: int | None = None,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payment:
        """Pay ``amount`` to a payee (inferred: ``payment/createPayment``).

        Moves money. ``out_order_id`` is generated when not given and is on the result; an
        unknown outcome raises ``OutcomeUnknownError`` carrying it, never a re-send.
        """
        return await self._get(
            "create", Payment, locals(), wrapper="payment_info", echo="out_order_id"
        )

    def list(
        self,
        *,
        payee_id: str | None = None,
        out_order_id: str | None = None,
        status: int | None = None,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Payment]:
        """List payments (inferred: ``payment/paymentList``)."""
        return self._list("list", Payment, locals())

    async def retrieve(
        self,
        payment_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Payment:
        """Get a payment (inferred: ``payment/getPayment``)."""
        return await self._get("retrieve", Payment, locals(), wrapper="payment_info")


class AsyncPaymentsWithRawResponse:
    """``client.payments.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncPayments) -> None:
        self.reasons = to_raw(resource.reasons)
        self.create = to_raw(resource.create)
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
