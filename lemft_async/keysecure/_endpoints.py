"""THE KeySecure endpoint catalogue (all paths under ``/open-api/v1``).

Every row is from the KeySecure merchant docs' API list (docs-payment-merchant.keysecure.io
``/en/API/api-list``). Three path-parameter names were missing from our compiled reference
(``consume_no``, the client-token ``card_no``, the account ``cardholder_no``) and were read
from the endpoint pages themselves. Any path can be overridden:
``AsyncKeySecure(path_overrides={"consumptions.retrieve": "/open-api/v1/..."})``.

``kind`` drives retries: a ``read`` is retried on 1001, HTTP 5xx, timeouts and broken
answers; a ``write`` never is (``KeySecureOutcomeUnknownError``), because the server may
have acted. ``mode`` is the integration mode the docs list the endpoint under.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

__all__ = ["ENDPOINTS", "Endpoint", "resolve_paths"]

OperationKind = Literal["read", "write"]
Method = Literal["GET", "POST"]
Mode = Literal["both", "credit", "authorization"]

_PREFIX = "/open-api/v1"


@dataclass(frozen=True)
class Endpoint:
    """One KeySecure operation."""

    name: str
    """``namespace.method`` as called on the client, e.g. ``"cards.retrieve"``."""
    method: Method
    path: str
    """Path template, e.g. ``/open-api/v1/card/{card_no}/detail``."""
    kind: OperationKind
    mode: Mode = "both"
    auth: bool = True
    """False only for Get Token (no Access-Token header)."""

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.path) if name is not None
        )


def _ep(name: str, method: Method, tail: str, kind: OperationKind, mode: Mode = "both") -> Endpoint:
    return Endpoint(name, method, _PREFIX + tail, kind, mode, auth=name != "token.get")


R: OperationKind = "read"
W: OperationKind = "write"

_ALL = (
    _ep("token.get", "GET", "/merchant/token", R),
    _ep("cardholders.apply", "POST", "/cardholder/apply", W),
    _ep("cardholders.list", "POST", "/cardholder/list", R),
    _ep("cardholders.retrieve", "GET", "/cardholder/{cardholder_no}/info", R),
    _ep("cards.apply", "POST", "/card/apply", W),
    _ep("cards.list", "POST", "/card/list", R),
    _ep("cards.retrieve", "GET", "/card/{card_no}/detail", R),
    _ep("cards.private_info", "GET", "/card/{card_no}/private/info", R),
    _ep("cards.activate", "POST", "/card/active", W),
    _ep("cards.update_status", "POST", "/card/status/update", W),
    _ep("cards.set_pin", "POST", "/card/pin/set", W),
    # Issues a one-time token; a repeat only issues another, so it is safe to retry.
    _ep("cards.client_token", "GET", "/merchant/client/{card_no}/token", R),
    _ep("consumptions.retrieve", "GET", "/card/consume/{consume_no}/info", R),
    _ep("consumptions.list", "POST", "/card/consume/list", R),
    _ep("accounts.transfer", "POST", "/account/transfer", W, "credit"),
    _ep("accounts.retrieve", "GET", "/account/{cardholder_no}/info", R, "credit"),
    _ep("accounts.list_transfers", "POST", "/account/transfer/list", R, "credit"),
    _ep("packages.list", "POST", "/card/package/list", R, "credit"),
    _ep("bins.list", "POST", "/card/support/bins", R, "authorization"),
)

ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType({e.name: e for e in _ALL})

_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_\-./{}]*$")


def resolve_paths(overrides: Mapping[str, str] | None) -> dict[str, Endpoint]:
    """The catalogue with ``overrides`` applied; unknown names and bad paths are refused."""
    table = dict(ENDPOINTS)
    for name, path in (overrides or {}).items():
        if name not in table:
            raise ValueError(f"path_overrides: unknown operation {name!r}")
        if not isinstance(path, str) or not _SAFE_PATH.match(path) or ".." in path:
            raise ValueError(f"path_overrides[{name!r}] must be an absolute path, got {path!r}")
        new = replace(table[name], path=path)
        if set(new.path_params) != set(table[name].path_params):
            raise ValueError(
                f"path_overrides[{name!r}] must use the placeholders "
                f"{sorted(table[name].path_params)}, got {sorted(new.path_params)}"
            )
        table[name] = new
    return table
