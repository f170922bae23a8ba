"""The namespaces of ``Lemft``, the sync client: each method is its async twin's, blocking.

One line per method: the descriptor takes the async method it mirrors and so has its exact
parameters and result type (see ``_core/_sync.py``).
"""

from __future__ import annotations

from ._core._sync import SyncResource, blocking, paged, raw, raw_namespace, raw_paged
from .resources.bins import AsyncBins
from .resources.cards import AsyncCards
from .resources.holders import AsyncHolders
from .resources.orders import AsyncOrders
from .resources.pay_methods import AsyncPayMethods
from .resources.payees import AsyncPayees
from .resources.payments import AsyncPayments
from .resources.wallets import AsyncWallets

__all__ = [
    "Bins",
    "Cards",
    "Holders",
    "Orders",
    "PayMethods",
    "Payees",
    "Payments",
    "Wallets",
]


class WalletsWithRawResponse(SyncResource):
    list = raw_paged(AsyncWallets.list)
    retrieve = raw(AsyncWallets.retrieve)
    list_transactions = raw_paged(AsyncWallets.list_transactions)
    retrieve_transaction = raw(AsyncWallets.retrieve_transaction)
    exchange_rate = raw(AsyncWallets.exchange_rate)


class Wallets(SyncResource):
    """``client.wallets``: balances, transactions, exchange rates."""

    list = paged(AsyncWallets.list)
    retrieve = blocking(AsyncWallets.retrieve)
    list_transactions = paged(AsyncWallets.list_transactions)
    retrieve_transaction = blocking(AsyncWallets.retrieve_transaction)
    exchange_rate = blocking(AsyncWallets.exchange_rate)
    with_raw_response = raw_namespace(WalletsWithRawResponse)


class BinsWithRawResponse(SyncResource):
    list = raw_paged(AsyncBins.list)
    retrieve = raw(AsyncBins.retrieve)
    fees = raw(AsyncBins.fees)
    limits = raw(AsyncBins.limits)


class Bins(SyncResource):
    """``client.bins``: the card BINs you may issue from, their fees and limits."""

    list = paged(AsyncBins.list)
    retrieve = blocking(AsyncBins.retrieve)
    fees = blocking(AsyncBins.fees)
    limits = blocking(AsyncBins.limits)
    with_raw_response = raw_namespace(BinsWithRawResponse)


class CardsWithRawResponse(SyncResource):
    list = raw_paged(AsyncCards.list)
    retrieve = raw(AsyncCards.retrieve)
    activate = raw(AsyncCards.activate)
    freeze = raw(AsyncCards.freeze)
    unfreeze = raw(AsyncCards.unfreeze)
    cancel = raw(AsyncCards.cancel)
    list_trades = raw_paged(AsyncCards.list_trades)
    merchant_score = raw(AsyncCards.merchant_score)


class Cards(SyncResource):
    """``client.cards``: read cards, change their status, read their trades."""

    list = paged(AsyncCards.list)
    retrieve = blocking(AsyncCards.retrieve)
    activate = blocking(AsyncCards.activate)
    freeze = blocking(AsyncCards.freeze)
    unfreeze = blocking(AsyncCards.unfreeze)
    cancel = blocking(AsyncCards.cancel)
    list_trades = paged(AsyncCards.list_trades)
    merchant_score = blocking(AsyncCards.merchant_score)
    with_raw_response = raw_namespace(CardsWithRawResponse)


class OrdersWithRawResponse(SyncResource):
    open_card = raw(AsyncOrders.open_card)
    recharge = raw(AsyncOrders.recharge)
    list = raw_paged(AsyncOrders.list)
    retrieve = raw(AsyncOrders.retrieve)


class Orders(SyncResource):
    """``client.orders``: issue cards and top them up (both move money), and read orders."""

    open_card = blocking(AsyncOrders.open_card)
    open_card_once = blocking(AsyncOrders.open_card_once)
    recharge = blocking(AsyncOrders.recharge)
    list = paged(AsyncOrders.list)
    retrieve = blocking(AsyncOrders.retrieve)
    open_cards = blocking(AsyncOrders.open_cards)
    with_raw_response = raw_namespace(OrdersWithRawResponse)


class HoldersWithRawResponse(SyncResource):
    create = raw(AsyncHolders.create)
    update = raw(AsyncHolders.update)
    delete = raw(AsyncHolders.delete)
    list = raw_paged(AsyncHolders.list)
    retrieve = raw(AsyncHolders.retrieve)


class Holders(SyncResource):
    """``client.holders``: cardholders."""

    create = blocking(AsyncHolders.create)
    update = blocking(AsyncHolders.update)
    delete = blocking(AsyncHolders.delete)
    list = paged(AsyncHolders.list)
    retrieve = blocking(AsyncHolders.retrieve)
    with_raw_response = raw_namespace(HoldersWithRawResponse)


class PayMethodsWithRawResponse(SyncResource):
    list = raw_paged(AsyncPayMethods.list)


class PayMethods(SyncResource):
    """``client.pay_methods``: how payees can be paid."""

    list = paged(AsyncPayMethods.list)
    with_raw_response = raw_namespace(PayMethodsWithRawResponse)


class PayeesWithRawResponse(SyncResource):
    create = raw(AsyncPayees.create)
    update = raw(AsyncPayees.update)
    apply = raw(AsyncPayees.apply)
    delete = raw(AsyncPayees.delete)
    list = raw_paged(AsyncPayees.list)
    retrieve = raw(AsyncPayees.retrieve)
    funding_sources = raw(AsyncPayees.funding_sources)
    payment_purposes = raw(AsyncPayees.payment_purposes)


class Payees(SyncResource):
    """``client.payees``: who you pay, and the reference lists they need."""

    create = blocking(AsyncPayees.create)
    update = blocking(AsyncPayees.update)
    apply = blocking(AsyncPayees.apply)
    delete = blocking(AsyncPayees.delete)
    list = paged(AsyncPayees.list)
    retrieve = blocking(AsyncPayees.retrieve)
    funding_sources = blocking(AsyncPayees.funding_sources)
    payment_purposes = blocking(AsyncPayees.payment_purposes)
    with_raw_response = raw_namespace(PayeesWithRawResponse)


class PaymentsWithRawResponse(SyncResource):
    create = raw(AsyncPayments.create)
    list = raw_paged(AsyncPayments.list)
    retrieve = raw(AsyncPayments.retrieve)
    reasons = raw(AsyncPayments.reasons)


class Payments(SyncResource):
    """``client.payments``: pay a payee (moves money), and read payments."""

    create = blocking(AsyncPayments.create)
    list = paged(AsyncPayments.list)
    retrieve = blocking(AsyncPayments.retrieve)
    reasons = blocking(AsyncPayments.reasons)
    with_raw_response = raw_namespace(PaymentsWithRawResponse)
