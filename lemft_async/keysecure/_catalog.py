"""``client.packages`` and ``client.bins``: what cards can be issued."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from typing_extensions import Unpack

from .._core._checks import build_params
from .._core._options import RequestOptions
from .._core._raw import to_raw
from ._constants import CardType
from ._models import CardBin, CardPackage
from ._pagination import KeySecurePaginator
from ._resource import KeySecureResource

__all__ = ["AsyncBins", "AsyncBinsWithRawResponse", "AsyncPackages", "AsyncPackagesWithRawResponse"]


class AsyncPackages(KeySecureResource):
    """Card packages (credit-extension mode)."""

    @cached_property
    def with_raw_response(self) -> AsyncPackagesWithRawResponse:
        """``list`` returning a ``RawResponse`` (``parse()`` gives the page)."""
        return AsyncPackagesWithRawResponse(self)

    def list(
        self,
        *,
        type: CardType | str | None = None,
        package_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[CardPackage]:
        """Packages, optionally of one card ``type`` (``POST /card/package/list``)."""
        kind = type.value if isinstance(type, CardType) else type
        body = build_params({"type": kind, "package_no": package_no}, extra_body)
        return self._paginate("packages.list", body, CardPackage, page=page, size=size, **options)


class AsyncBins(KeySecureResource):
    """Supported card BINs (authorization mode)."""

    @cached_property
    def with_raw_response(self) -> AsyncBinsWithRawResponse:
        """``list`` returning a ``RawResponse`` (``parse()`` gives the page)."""
        return AsyncBinsWithRawResponse(self)

    def list(
        self,
        *,
        card_bin_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[CardBin]:
        """BINs you may issue on (``POST /card/support/bins``)."""
        body = build_params({"card_bin_no": card_bin_no}, extra_body)
        return self._paginate("bins.list", body, CardBin, page=page, size=size, **options)


class AsyncPackagesWithRawResponse:
    """``AsyncPackages.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncPackages) -> None:
        self.list = to_raw(resource.list)


class AsyncBinsWithRawResponse:
    """``AsyncBins.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncBins) -> None:
        self.list = to_raw(resource.list)
