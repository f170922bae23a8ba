"""``client.packages`` and ``client.bins``: what cards can be issued."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._constants import CardType
from ._models import CardBin, CardPackage
from ._pagination import KeySecurePaginator
from ._params import build_body
from ._resource import KeySecureResource

__all__ = ["AsyncBins", "AsyncPackages"]


class AsyncPackages(KeySecureResource):
    """Card packages (credit-extension mode)."""

    def list(
        self,
        *,
        type: CardType | str | None = None,
        package_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> KeySecurePaginator[CardPackage]:
        """Packages, optionally of one card ``type`` (``POST /card/package/list``)."""
        kind = type.value if isinstance(type, CardType) else type
        body = build_body({"type": kind, "package_no": package_no}, extra_body)
        return self._paginate("packages.list", body, CardPackage, page=page, size=size)


class AsyncBins(KeySecureResource):
    """Supported card BINs (authorization mode)."""

    def list(
        self,
        *,
        card_bin_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> KeySecurePaginator[CardBin]:
        """BINs you may issue on (``POST /card/support/bins``)."""
        body = build_body({"card_bin_no": card_bin_no}, extra_body)
        return self._paginate("bins.list", body, CardBin, page=page, size=size)
