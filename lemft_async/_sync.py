"""``Lemft``: the synchronous twin of ``AsyncLemft``, for Django views, scripts, notebooks.

The same namespaces, methods, models and errors, blocking. It is ``AsyncLemft`` itself
running on a background event loop (``_core/_sync.py``), so the gate, the pool and every
rule (retries, unknown outcomes) are the async client's own; threads may share one client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._client import AsyncLemft
from ._core._sync import (
    SyncClient,
    SyncResource,
    blocking,
    copying,
    mirrors_init,
    namespace,
    raw,
    raw_namespace,
)
from ._endpoints import Endpoint
from ._gate import Gate
from ._sync_resources import (
    Bins,
    Cards,
    Holders,
    Orders,
    Payees,
    Payments,
    PayMethods,
    Wallets,
)
from .webhooks._client_ns import AsyncWebhooks

__all__ = ["Lemft"]


class LemftWithRawResponse(SyncResource):
    request = raw(AsyncLemft.request)


class Lemft(SyncClient[AsyncLemft]):
    """Blocking client for the LEMFT OPEN-API; the arguments are ``AsyncLemft``'s.

    >>> with Lemft.from_env() as client:
    ...     for wallet in client.wallets.list(page_size=50):
    ...         print(wallet.currency, wallet.available_balance)
    """

    _async_class = AsyncLemft

    @mirrors_init(AsyncLemft.__init__)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    wallets = namespace(Wallets)
    bins = namespace(Bins)
    cards = namespace(Cards)
    orders = namespace(Orders)
    holders = namespace(Holders)
    pay_methods = namespace(PayMethods)
    payees = namespace(Payees)
    payments = namespace(Payments)
    request = blocking(AsyncLemft.request)
    with_raw_response = raw_namespace(LemftWithRawResponse)
    with_options = copying(AsyncLemft.with_options)

    @property
    def webhooks(self) -> AsyncWebhooks:
        """Verify and decode notifications with this client's ``api_key`` (synchronous
        already: the async client's own namespace)."""
        return self._async.webhooks

    @property
    def customer_id(self) -> int:
        return self._async.customer_id

    @property
    def app_id(self) -> int:
        return self._async.app_id

    @property
    def gate(self) -> Gate:
        return self._async.gate

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The catalogue as this client uses it (``path_overrides`` applied)."""
        return self._async.endpoints
