"""THE KeySecure endpoint catalogue (all paths under ``/open-api/v1``).

Every row is from the KeySecure merchant docs' API list (docs-payment-merchant.keysecure.io
``/en/API/api-list``). Three path-parameter names were missing from our compiled reference
(``consume_no``, the client-token ``card_no``, the account ``cardholder_no``) and were read
from the endpoint pages themselves. Any path can be overridden:
``AsyncKeySecure(path_overrides={"consumptions.retrieve": "/open-api/v1/..."})``.

``kind`` drives retries: a ``read`` is retried on 1001, HTTP 5xx, timeouts and broken
answers; a ``write`` never is (``KeySecureOutcomeUnknownError``), because the server may
have acted. ``MODES`` gives the integration mode the docs list each endpoint under.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from .._core._endpoint import Endpoint, Method, OperationKind
from .._core._endpoint import resolve_paths as _resolve_paths

__all__ = ["ENDPOINTS", "MODES", "resolve_paths"]

Mode = Literal["both", "credit", "authorization"]

_PREFIX = "/open-api/v1"


_MODES: dict[str, Mode] = {}


def _ep(name: str, method: Method, tail: str, kind: OperationKind, mode: Mode = "both") -> Endpoint:
    _MODES[name] = mode
    return Endpoint(name, _PREFIX + tail, kind, method, documented=True, auth=name != "token.get")


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
MODES: Mapping[str, Mode] = MappingProxyType(_MODES)
"""The integration mode each operation is listed under in the docs."""


def resolve_paths(overrides: Mapping[str, str] | None) -> dict[str, Endpoint]:
    """The catalogue with ``overrides`` applied; unknown names and bad paths are refused."""
    return _resolve_paths(ENDPOINTS, overrides, example="/open-api/v1/...")
