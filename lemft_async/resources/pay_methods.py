"""``client.pay_methods``: the payout rails available to you (inferred)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .._pagination import AsyncPaginator
from .._resource import AS_IS, AsyncAPIResource, Spec
from ..types.pay_methods import PayMethod

__all__ = ["AsyncPayMethods"]


class AsyncPayMethods(AsyncAPIResource):
    _namespace = "pay_methods"
    _specs: ClassVar[Mapping[str, Spec]] = {"list": Spec(currency=AS_IS, country=AS_IS)}

    def list(
        self,
        *,
        currency: str | None = None,
        country: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[PayMethod]:
        """List payment methods (付款方式; inferred: ``payMethod/payMethodList``)."""
        return self._list("list", PayMethod, locals())
