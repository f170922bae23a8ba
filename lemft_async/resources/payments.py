"""``client.payments``: pay a payee from a wallet (moves money; shapes inferred)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import (
    AsyncAPIResource,
    check_id,
    check_int,
    check_money,
    check_text,
    check_time,
    optional,
    out_order_id_param,
)
from ..types.payments import Payment
from ..types.shared import ReferenceItem

__all__ = ["AsyncPayments"]


class AsyncPayments(AsyncAPIResource):
    _namespace = "payments"

    async def reasons(
        self, *, extra_body: Mapping[str, Any] | None = None
    ) -> builtins.list[ReferenceItem]:
        """Payment reasons to choose ``reason`` from (付款原因; inferred)."""
        return await self._call_items("reasons", {}, ReferenceItem, extra_body=extra_body)

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
    ) -> Payment:
        """Pay ``amount`` to a payee (inferred: ``payment/createPayment``).

        Moves money. ``out_order_id`` is generated when not given and is on the result; an
        unknown outcome raises ``OutcomeUnknownError`` carrying it, never a re-send.
        """
        order_id = out_order_id_param(out_order_id)
        params = {
            "payee_id": check_id("payee_id", payee_id),
            "amount": check_money("amount", amount),
            "currency": check_text("currency", currency),
            "out_order_id": order_id,
            "wallet_id": optional(check_int, "wallet_id", wallet_id),
            "reason": optional(check_text, "reason", reason),
            "fee_mode": optional(check_int, "fee_mode", fee_mode),
            "remark": optional(check_text, "remark", remark, max_length=255),
        }
        payment = await self._call(
            "create", params, Payment, extra_body=extra_body, wrapper="payment_info"
        )
        if not payment.out_order_id:
            payment.out_order_id = order_id
        return payment

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
    ) -> AsyncPaginator[Payment]:
        """List payments (inferred: ``payment/paymentList``)."""
        params = {
            "payee_id": optional(check_id, "payee_id", payee_id),
            "out_order_id": optional(check_text, "out_order_id", out_order_id),
            "status": optional(check_int, "status", status),
            "start_time": optional(check_time, "start_time", start_time),
            "end_time": optional(check_time, "end_time", end_time),
        }
        return self._paginate(
            "list", params, Payment, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

    async def retrieve(
        self, payment_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> Payment:
        """Get a payment (inferred: ``payment/getPayment``)."""
        return await self._call(
            "retrieve",
            {"payment_id": check_id("payment_id", payment_id)},
            Payment,
            extra_body=extra_body,
            wrapper="payment_info",
        )
