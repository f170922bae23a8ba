"""``KeySecure``: the synchronous twin of ``AsyncKeySecure`` (same namespaces, models, errors).

It runs ``AsyncKeySecure`` on a background event loop (``_core/_sync.py``), so the token
cache, retries and unknown-outcome rule are the async client's own.
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
    namespace,
    paged,
    raw,
    raw_namespace,
    raw_paged,
)
from ._accounts import AsyncAccounts
from ._cardholders import AsyncCardholders
from ._cards import AsyncCards
from ._catalog import AsyncBins, AsyncPackages
from ._client import AsyncKeySecure
from ._consumptions import AsyncConsumptions
from ._events import CallbackVerifier

__all__ = ["KeySecure"]


class CardholdersWithRawResponse(SyncResource):
    apply = raw(AsyncCardholders.apply)
    list = raw_paged(AsyncCardholders.list)
    retrieve = raw(AsyncCardholders.retrieve)


class Cardholders(SyncResource):
    """``client.cardholders``: apply for, list and read cardholders."""

    apply = blocking(AsyncCardholders.apply)
    list = paged(AsyncCardholders.list)
    retrieve = blocking(AsyncCardholders.retrieve)
    with_raw_response = raw_namespace(CardholdersWithRawResponse)


class CardsWithRawResponse(SyncResource):
    apply = raw(AsyncCards.apply)
    list = raw_paged(AsyncCards.list)
    retrieve = raw(AsyncCards.retrieve)
    activate = raw(AsyncCards.activate)
    freeze = raw(AsyncCards.freeze)
    unfreeze = raw(AsyncCards.unfreeze)
    update_status = raw(AsyncCards.update_status)
    set_pin = raw(AsyncCards.set_pin)
    client_token = raw(AsyncCards.client_token)
    private_info = raw(AsyncCards.private_info)
    private_info_decrypted = raw(AsyncCards.private_info_decrypted)


class Cards(SyncResource):
    """``client.cards``: apply for cards, change their status, read them."""

    apply = blocking(AsyncCards.apply)
    list = paged(AsyncCards.list)
    retrieve = blocking(AsyncCards.retrieve)
    activate = blocking(AsyncCards.activate)
    freeze = blocking(AsyncCards.freeze)
    unfreeze = blocking(AsyncCards.unfreeze)
    update_status = blocking(AsyncCards.update_status)
    set_pin = blocking(AsyncCards.set_pin)
    client_token = blocking(AsyncCards.client_token)
    private_info = blocking(AsyncCards.private_info)
    private_info_decrypted = blocking(AsyncCards.private_info_decrypted)
    with_raw_response = raw_namespace(CardsWithRawResponse)


class ConsumptionsWithRawResponse(SyncResource):
    list = raw_paged(AsyncConsumptions.list)
    retrieve = raw(AsyncConsumptions.retrieve)


class Consumptions(SyncResource):
    """``client.consumptions``: card transactions."""

    list = paged(AsyncConsumptions.list)
    retrieve = blocking(AsyncConsumptions.retrieve)
    with_raw_response = raw_namespace(ConsumptionsWithRawResponse)


class AccountsWithRawResponse(SyncResource):
    transfer = raw(AsyncAccounts.transfer)
    retrieve = raw(AsyncAccounts.retrieve)
    list_transfers = raw_paged(AsyncAccounts.list_transfers)


class Accounts(SyncResource):
    """``client.accounts``: balances and transfers (a transfer moves money)."""

    transfer = blocking(AsyncAccounts.transfer)
    retrieve = blocking(AsyncAccounts.retrieve)
    list_transfers = paged(AsyncAccounts.list_transfers)
    with_raw_response = raw_namespace(AccountsWithRawResponse)


class PackagesWithRawResponse(SyncResource):
    list = raw_paged(AsyncPackages.list)


class Packages(SyncResource):
    """``client.packages``: the card packages you may apply for."""

    list = paged(AsyncPackages.list)
    with_raw_response = raw_namespace(PackagesWithRawResponse)


class BinsWithRawResponse(SyncResource):
    list = raw_paged(AsyncBins.list)


class Bins(SyncResource):
    """``client.bins``: the card BINs."""

    list = paged(AsyncBins.list)
    with_raw_response = raw_namespace(BinsWithRawResponse)


class KeySecure(SyncClient[AsyncKeySecure]):
    """Blocking client for the KeySecure platform; the arguments are ``AsyncKeySecure``'s.

    >>> with KeySecure.from_env() as keysecure:
    ...     for card in keysecure.cards.list(size=50):
    ...         print(card.card_id)
    """

    _async_class = AsyncKeySecure

    @mirrors_init(AsyncKeySecure.__init__)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    cardholders = namespace(Cardholders)
    cards = namespace(Cards)
    consumptions = namespace(Consumptions)
    accounts = namespace(Accounts)
    packages = namespace(Packages)
    bins = namespace(Bins)
    get_token = blocking(AsyncKeySecure.get_token)
    construct_event = direct(AsyncKeySecure.construct_event)
    with_options = copying(AsyncKeySecure.with_options)

    @property
    def timezone(self) -> str:
        return self._async.timezone

    @property
    def language(self) -> str:
        return self._async.language

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The catalogue as this client uses it (``path_overrides`` applied)."""
        return self._async.endpoints

    @property
    def token_fetch_count(self) -> int:
        """How many Get Token calls this client (and its copies) started."""
        return self._async.token_fetch_count

    @property
    def callback_verifier(self) -> CallbackVerifier:
        """The verifier ``construct_event`` uses (for ``AuthReceiver`` and friends)."""
        return self._async.callback_verifier
