"""``client.payees``: beneficiaries of payments (all shapes inferred)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import AsyncAPIResource, check_id, check_int, check_text, optional
from ..types.payees import Payee
from ..types.shared import ReferenceItem

__all__ = ["AsyncPayees"]


def _payee_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        out[name] = check_int(name, value) if name == "payee_type" else check_text(name, value)
    return out


class AsyncPayees(AsyncAPIResource):
    _namespace = "payees"

    async def funding_sources(
        self, *, extra_body: Mapping[str, Any] | None = None
    ) -> builtins.list[ReferenceItem]:
        """Operating-fund sources to choose ``fund_source`` from (inferred)."""
        return await self._call_items("funding_sources", {}, ReferenceItem, extra_body=extra_body)

    async def payment_purposes(
        self, *, extra_body: Mapping[str, Any] | None = None
    ) -> builtins.list[ReferenceItem]:
        """Expected payment purposes to choose ``payment_purpose`` from (inferred)."""
        return await self._call_items("payment_purposes", {}, ReferenceItem, extra_body=extra_body)

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
    ) -> Payee:
        """Create a payee (inferred: ``payee/createPayee``). It must then be ``apply``-ed."""
        params = {
            "pay_method_id": check_id("pay_method_id", pay_method_id),
            **_payee_fields(
                {
                    "payee_type": payee_type,
                    "account_name": check_text("account_name", account_name),
                    "account_no": check_text("account_no", account_no),
                    "currency": check_text("currency", currency),
                    "country": check_text("country", country),
                    "bank_name": bank_name,
                    "bank_code": bank_code,
                    "address": address,
                    "email": email,
                    "fund_source": fund_source,
                    "payment_purpose": payment_purpose,
                    "remark": remark,
                }
            ),
        }
        return await self._call(
            "create", params, Payee, extra_body=extra_body, wrapper="payee_info"
        )

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
    ) -> Payee:
        """Edit a payee (inferred: ``payee/editPayee``); only given fields are sent."""
        changes = _payee_fields(
            {
                "account_name": account_name,
                "account_no": account_no,
                "payee_type": payee_type,
                "bank_name": bank_name,
                "bank_code": bank_code,
                "address": address,
                "email": email,
                "fund_source": fund_source,
                "payment_purpose": payment_purpose,
                "remark": remark,
            }
        )
        if not changes and not extra_body:
            raise ValueError("payees.update needs at least one field to change")
        params = {"payee_id": check_id("payee_id", payee_id), **changes}
        return await self._call(
            "update", params, Payee, extra_body=extra_body, wrapper="payee_info"
        )

    async def apply(self, payee_id: str, *, extra_body: Mapping[str, Any] | None = None) -> Payee:
        """Submit a payee for review (申请收款方; inferred: ``payee/applyPayee``)."""
        return await self._call(
            "apply",
            {"payee_id": check_id("payee_id", payee_id)},
            Payee,
            extra_body=extra_body,
            wrapper="payee_info",
        )

    async def delete(self, payee_id: str, *, extra_body: Mapping[str, Any] | None = None) -> None:
        """Delete a payee (inferred: ``payee/deletePayee``)."""
        await self._call_raw(
            "delete", {"payee_id": check_id("payee_id", payee_id)}, extra_body=extra_body
        )

    def list(
        self,
        *,
        status: int | None = None,
        currency: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Payee]:
        """List payees (inferred: ``payee/payeeList``)."""
        params = {
            "status": optional(check_int, "status", status),
            "currency": currency,
        }
        return self._paginate(
            "list", params, Payee, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

    async def retrieve(
        self, payee_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> Payee:
        """Get a payee (inferred: ``payee/getPayee``)."""
        return await self._call(
            "retrieve",
            {"payee_id": check_id("payee_id", payee_id)},
            Payee,
            extra_body=extra_body,
            wrapper="payee_info",
        )
