"""``client.pay_methods``: the payout rails available to you (inferred)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import AS_IS, AsyncAPIResource, RequestOptions, Spec
from ..types.pay_methods import PayMethod

__all__ = ["AsyncPayMethods", "AsyncPayMethodsWithRawResponse"]


class AsyncPayMethods(AsyncAPIResource):
    _namespace = "pay_methods"
    _specs: ClassVar[Mapping[str, Spec]] = {"list": Spec(currency=AS_IS, country=AS_IS)}

    @cached_property
    def with_raw_response(self) -> AsyncPayMethodsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncPayMethodsWithRawResponse(self)

    def list(
        self,
        *,
        currency: str | None = None,
        country: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[PayMethod]:
        """List payment methods (付款方式; inferred: ``payMethod/payMethodList``)."""
        return self._list("list", PayMethod, locals())


class AsyncPayMethodsWithRawResponse:
    """``client.pay_methods.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncPayMethods) -> None:
        self.list = to_raw(resource.list)
