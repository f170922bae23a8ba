"""The sandbox's own route table: which path serves which operation, written from the reference.

Deliberately not derived from the SDK's catalogue: a sandbox that reads the client's paths
agrees with every mistake in them. ``tests/sandbox/test_catalogue_agreement.py`` compares
the two tables instead.

The reference (lemft-endpoints.json) gives two paths (``wallet/walletList`` and
``card/order/getOrder``); every other page was not captured, so those paths follow the
documented naming style ``/v1/openApi/<group>/<verbNoun>``. Every operation seen in the
reference's navigation is ``POST`` with a JSON body, and every one needs the signed common
params (``customer_id``, ``app_id``, ``key``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ._fields import Params
from ._handlers_cards import HANDLERS as CARD_HANDLERS
from ._handlers_holders import HANDLERS as HOLDER_HANDLERS
from ._handlers_orders import HANDLERS as ORDER_HANDLERS
from ._handlers_payees import HANDLERS as PAYEE_HANDLERS
from ._handlers_wallets import HANDLERS as WALLET_HANDLERS
from ._state import State

__all__ = ["HANDLERS", "ROUTES", "Handler", "SandboxRoute", "route_table"]

Handler = Callable[[State, Params, int], Any]

HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        **WALLET_HANDLERS,
        **CARD_HANDLERS,
        **ORDER_HANDLERS,
        **HOLDER_HANDLERS,
        **PAYEE_HANDLERS,
    }
)
"""Operation name -> handler: all 39 operations."""

PREFIX = "/v1/openApi/"


@dataclass(frozen=True)
class SandboxRoute:
    """One operation as the sandbox serves it."""

    operation: str
    path: str
    handler: Handler
    method: str = "POST"
    documented: bool = False
    """True where the reference shows the path; False where it follows the naming style."""


_TAILS: dict[str, str] = {
    "wallets.list": "wallet/walletList",
    "wallets.retrieve": "wallet/getWallet",
    "wallets.list_transactions": "wallet/transactionList",
    "wallets.retrieve_transaction": "wallet/getTransaction",
    "wallets.exchange_rate": "wallet/getExchangeRate",
    "bins.list": "card/bin/binList",
    "bins.retrieve": "card/bin/getBin",
    "bins.fees": "card/bin/getBinFee",
    "bins.limits": "card/bin/getBinLimit",
    "cards.list": "card/card/cardList",
    "cards.retrieve": "card/card/getCard",
    "cards.activate": "card/card/activate",
    "cards.freeze": "card/card/freeze",
    "cards.unfreeze": "card/card/unfreeze",
    "cards.cancel": "card/card/cancel",
    "cards.list_trades": "card/card/tradeList",
    "cards.merchant_score": "card/card/merchantTradeScore",
    "orders.open_card": "card/order/openCard",
    "orders.recharge": "card/order/recharge",
    "orders.list": "card/order/orderList",
    "orders.retrieve": "card/order/getOrder",
    "holders.list": "card/holder/holderList",
    "holders.create": "card/holder/createHolder",
    "holders.update": "card/holder/editHolder",
    "holders.retrieve": "card/holder/getHolder",
    "holders.delete": "card/holder/deleteHolder",
    "pay_methods.list": "payMethod/payMethodList",
    "payees.funding_sources": "payee/fundSourceList",
    "payees.payment_purposes": "payee/paymentPurposeList",
    "payees.create": "payee/createPayee",
    "payees.update": "payee/editPayee",
    "payees.apply": "payee/applyPayee",
    "payees.delete": "payee/deletePayee",
    "payees.list": "payee/payeeList",
    "payees.retrieve": "payee/getPayee",
    "payments.reasons": "payment/paymentReasonList",
    "payments.create": "payment/createPayment",
    "payments.list": "payment/paymentList",
    "payments.retrieve": "payment/getPayment",
}
_DOCUMENTED = frozenset({"wallets.list", "orders.retrieve"})

ROUTES: Mapping[str, SandboxRoute] = MappingProxyType(
    {
        name: SandboxRoute(name, PREFIX + tail, HANDLERS[name], documented=name in _DOCUMENTED)
        for name, tail in _TAILS.items()
    }
)
"""Operation name -> route, as the sandbox serves it by default."""


def route_table(path_overrides: Mapping[str, str] | None = None) -> dict[str, SandboxRoute]:
    """``ROUTES`` with some operations served elsewhere (to mirror a client's overrides)."""
    if path_overrides is not None and not isinstance(path_overrides, Mapping):
        raise TypeError(f"path_overrides must be a mapping, got {type(path_overrides).__name__}")
    table = dict(ROUTES)
    for name, path in (path_overrides or {}).items():
        if name not in table:
            raise ValueError(f"path_overrides: unknown operation {name!r}")
        if (
            not isinstance(path, str)
            or not path.startswith("/")
            or any(c in path for c in "?#\\%")
            or any(c.isspace() or not c.isprintable() for c in path)
            or any(part in (".", "..") for part in path.split("/"))
        ):
            raise ValueError(f"path_overrides[{name!r}] must be an absolute path, got {path!r}")
        table[name] = dataclasses.replace(table[name], path=path, documented=False)
    paths = [route.path for route in table.values()]
    if len(set(paths)) != len(paths):
        raise ValueError("path_overrides: two operations would share one path")
    return table
