"""``Payin``: the synchronous twin of ``AsyncPayin`` (same methods, models and errors).

It runs ``AsyncPayin`` on a background event loop (``_core/_sync.py``): nothing about
signing, retries or unknown outcomes is implemented a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._core._endpoint import Endpoint
from .._core._sync import (
    SyncClient,
    SyncResource,
    blocking,
    copying,
    direct,
    mirrors_init,
    raw,
    raw_namespace,
)
from ._client import AsyncPayin

__all__ = ["Payin"]


class PayinWithRawResponse(SyncResource):
    create_order = raw(AsyncPayin.create_order)
    query_order = raw(AsyncPayin.query_order)
    apply_payout = raw(AsyncPayin.apply_payout)
    query_payout = raw(AsyncPayin.query_payout)
    request = raw(AsyncPayin.request)


class Payin(SyncClient[AsyncPayin]):
    """Blocking client for the Lemon Payin gateway; the arguments are ``AsyncPayin``'s.

    >>> with Payin(mch_id="M1", secret="...", base_url="https://gateway.example") as payin:
    ...     order = payin.query_order(mch_order_no="...")
    """

    _async_class = AsyncPayin

    @mirrors_init(AsyncPayin.__init__)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    create_order = blocking(AsyncPayin.create_order)
    query_order = blocking(AsyncPayin.query_order)
    apply_payout = blocking(AsyncPayin.apply_payout)
    query_payout = blocking(AsyncPayin.query_payout)
    request = blocking(AsyncPayin.request)
    parse_notification = direct(AsyncPayin.parse_notification)
    with_raw_response = raw_namespace(PayinWithRawResponse)
    with_options = copying(AsyncPayin.with_options)

    @property
    def mch_id(self) -> str:
        """The merchant number (商户号) sent as ``mchId``."""
        return self._async.mch_id

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The operations as this client calls them (``path_overrides`` applied)."""
        return self._async.endpoints
