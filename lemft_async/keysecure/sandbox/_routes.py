"""The simulator's own route table, copied from the KeySecure API list (not the client's).

Every path is on the merchant docs' API list, under ``/open-api/v1``. Three path-parameter
names are missing from the compiled reference (``/card/consume/{…}/info``,
``/merchant/client/{…}/token``, ``/account/{…}/info``); the names used here are the ones
the endpoint pages give. Only Get Token is called without an Access-Token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["PREFIX", "ROUTES", "KeySecureRoute"]

PREFIX = "/open-api/v1"


@dataclass(frozen=True)
class KeySecureRoute:
    operation: str
    """The operation's name; ``SandboxOps`` runs ``op_<name with _ for .>``."""
    method: Literal["GET", "POST"]
    path: str
    auth: bool = True
    """False only for Get Token: every other call needs a valid ``Access-Token``."""
    documented: bool = True


_ALL = (
    KeySecureRoute("token.get", "GET", "/merchant/token", auth=False),
    KeySecureRoute("cardholders.apply", "POST", "/cardholder/apply"),
    KeySecureRoute("cardholders.list", "POST", "/cardholder/list"),
    KeySecureRoute("cardholders.retrieve", "GET", "/cardholder/{cardholder_no}/info"),
    KeySecureRoute("cards.apply", "POST", "/card/apply"),
    KeySecureRoute("cards.list", "POST", "/card/list"),
    KeySecureRoute("cards.retrieve", "GET", "/card/{card_no}/detail"),
    KeySecureRoute("cards.private_info", "GET", "/card/{card_no}/private/info"),
    KeySecureRoute("cards.activate", "POST", "/card/active"),
    KeySecureRoute("cards.update_status", "POST", "/card/status/update"),
    KeySecureRoute("cards.set_pin", "POST", "/card/pin/set"),
    KeySecureRoute("cards.client_token", "GET", "/merchant/client/{card_no}/token"),
    KeySecureRoute("consumptions.retrieve", "GET", "/card/consume/{consume_no}/info"),
    KeySecureRoute("consumptions.list", "POST", "/card/consume/list"),
    KeySecureRoute("accounts.transfer", "POST", "/account/transfer"),
    KeySecureRoute("accounts.retrieve", "GET", "/account/{cardholder_no}/info"),
    KeySecureRoute("accounts.list_transfers", "POST", "/account/transfer/list"),
    KeySecureRoute("packages.list", "POST", "/card/package/list"),
    KeySecureRoute("bins.list", "POST", "/card/support/bins"),
)

ROUTES: Mapping[str, KeySecureRoute] = MappingProxyType(
    {r.operation: KeySecureRoute(r.operation, r.method, PREFIX + r.path, r.auth) for r in _ALL}
)
"""Operation name -> route, paths absolute."""
