"""``client.holders``: cardholders (all shapes inferred)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    AS_IS,
    ID,
    OPT_ID,
    AsyncAPIResource,
    Changes,
    RequestOptions,
    Spec,
    check_text,
    opt,
    req,
)
from ..types.holders import Holder

__all__ = ["AsyncHolders", "AsyncHoldersWithRawResponse"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^\+?[0-9]{4,20}$")
_CALLING_CODE = re.compile(r"^\+?[0-9]{1,4}$")  # E.164 country code, or +1684 style
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_profile(name: str, value: object) -> str:
    """A profile field shared by create and update: text of at most 255 characters, and
    the email, phone and birthday fields in their shapes."""
    text = check_text(name, value, max_length=255)
    if name == "email" and not _EMAIL.match(text):
        raise ValueError(f"email does not look like an email address: {text!r}")
    pattern = _CALLING_CODE if name == "mobile_prefix" else _DIGITS
    if name in ("mobile", "mobile_prefix") and not pattern.match(text.replace(" ", "")):
        raise ValueError(f"{name} must be digits (optionally a leading '+'), got {text!r}")
    if name == "birthday" and not _DATE.match(text):
        raise ValueError(f"birthday must be 'YYYY-MM-DD', got {text!r}")
    return text


_REQUIRED = req(_check_profile)
_FIELD = opt(_check_profile)
# The profile fields of create and update, in the order they are sent.
_PROFILE = (
    *("first_name", "last_name", "email", "mobile_prefix", "mobile"),
    *("birthday", "country", "state", "city", "address", "post_code"),
)
_CREATE_REQUIRED = {"first_name", "last_name", "email", "mobile"}


class AsyncHolders(AsyncAPIResource):
    _namespace = "holders"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "list": Spec(holder_id=OPT_ID, email=AS_IS),
        "create": Spec(**{n: _REQUIRED if n in _CREATE_REQUIRED else _FIELD for n in _PROFILE}),
        "update": Changes(holder_id=ID, **dict.fromkeys(_PROFILE, _FIELD)),
        "retrieve": Spec(holder_id=ID),
        "delete": Spec(holder_id=ID),
    }

    @cached_property
    def with_raw_response(self) -> AsyncHoldersWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncHoldersWithRawResponse(self)

    def list(
        self,
        *,
        holder_id: str | None = None,
        email: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Holder]:
        """List cardholders (inferred: ``card/holder/holderList``)."""
        return self._list("list", Holder, locals())

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
        **options: Unpack[RequestOptions],
    ) -> Holder:
        """Create a cardholder (inferred: ``card/holder/createHolder``)."""
        return await self._get("create", Holder, locals(), wrapper="holder_info")

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
        **options: Unpack[RequestOptions],
    ) -> Holder:
        """Edit a cardholder (inferred: ``card/holder/editHolder``); only given fields are sent."""
        return await self._get("update", Holder, locals(), wrapper="holder_info")

    async def retrieve(
        self,
        holder_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Holder:
        """Get a cardholder (inferred: ``card/holder/getHolder``)."""
        return await self._get("retrieve", Holder, locals(), wrapper="holder_info")

    async def delete(
        self,
        holder_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a cardholder (inferred: ``card/holder/deleteHolder``)."""
        await self._send("delete", locals())


class AsyncHoldersWithRawResponse:
    """``client.holders.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncHolders) -> None:
        self.list = to_raw(resource.list)
        self.create = to_raw(resource.create)
        self.update = to_raw(resource.update)
        self.retrieve = to_raw(resource.retrieve)
        self.delete = to_raw(resource.delete)
