"""``client.holders``: cardholders (all shapes inferred)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import AsyncAPIResource, check_id, check_text, optional
from ..types.holders import Holder

__all__ = ["AsyncHolders"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^\+?[0-9]{4,20}$")
_CALLING_CODE = re.compile(r"^\+?[0-9]{1,4}$")  # E.164 country code, or +1684 style
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _holder_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the optional profile fields shared by create and update."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        text = check_text(name, value, max_length=255)
        if name == "email" and not _EMAIL.match(text):
            raise ValueError(f"email does not look like an email address: {text!r}")
        pattern = _CALLING_CODE if name == "mobile_prefix" else _DIGITS
        if name in ("mobile", "mobile_prefix") and not pattern.match(text.replace(" ", "")):
            raise ValueError(f"{name} must be digits (optionally a leading '+'), got {text!r}")
        if name == "birthday" and not _DATE.match(text):
            raise ValueError(f"birthday must be 'YYYY-MM-DD', got {text!r}")
        out[name] = text
    return out


class AsyncHolders(AsyncAPIResource):
    _namespace = "holders"

    def list(
        self,
        *,
        holder_id: str | None = None,
        email: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Holder]:
        """List cardholders (inferred: ``card/holder/holderList``)."""
        params = {
            "holder_id": optional(check_id, "holder_id", holder_id),
            "email": email,
        }
        return self._paginate(
            "list", params, Holder, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

    async def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str,
        mobile: str,
        mobile_prefix: str | None = None,
        birthday: str | None = None,
        country: str | None = None,
        state: str | None = None,
        city: str | None = None,
        address: str | None = None,
        post_code: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Holder:
        """Create a cardholder (inferred: ``card/holder/createHolder``)."""
        params = _holder_fields(
            {
                "first_name": check_text("first_name", first_name),
                "last_name": check_text("last_name", last_name),
                "email": check_text("email", email),
                "mobile_prefix": mobile_prefix,
                "mobile": check_text("mobile", mobile),
                "birthday": birthday,
                "country": country,
                "state": state,
                "city": city,
                "address": address,
                "post_code": post_code,
            }
        )
        return await self._call(
            "create", params, Holder, extra_body=extra_body, wrapper="holder_info"
        )

    async def update(
        self,
        holder_id: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        mobile: str | None = None,
        mobile_prefix: str | None = None,
        birthday: str | None = None,
        country: str | None = None,
        state: str | None = None,
        city: str | None = None,
        address: str | None = None,
        post_code: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Holder:
        """Edit a cardholder (inferred: ``card/holder/editHolder``); only given fields are sent."""
        changes = _holder_fields(
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "mobile_prefix": mobile_prefix,
                "mobile": mobile,
                "birthday": birthday,
                "country": country,
                "state": state,
                "city": city,
                "address": address,
                "post_code": post_code,
            }
        )
        if not changes and not extra_body:
            raise ValueError("holders.update needs at least one field to change")
        params = {"holder_id": check_id("holder_id", holder_id), **changes}
        return await self._call(
            "update", params, Holder, extra_body=extra_body, wrapper="holder_info"
        )

    async def retrieve(
        self, holder_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> Holder:
        """Get a cardholder (inferred: ``card/holder/getHolder``)."""
        return await self._call(
            "retrieve",
            {"holder_id": check_id("holder_id", holder_id)},
            Holder,
            extra_body=extra_body,
            wrapper="holder_info",
        )

    async def delete(self, holder_id: str, *, extra_body: Mapping[str, Any] | None = None) -> None:
        """Delete a cardholder (inferred: ``card/holder/deleteHolder``)."""
        await self._call_raw(
            "delete", {"holder_id": check_id("holder_id", holder_id)}, extra_body=extra_body
        )
