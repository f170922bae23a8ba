"""The Payin operations: path, whether they move money, and where each path came from.

Three paths are on Lemon's pages; ``query_payout`` is cut off there and is taken from XxPay
and a LemonPay integrator (*inferred*). Override with ``AsyncPayin(path_overrides={...})``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .._core._endpoint import Endpoint
from .._core._endpoint import resolve_paths as _resolve_paths

__all__ = ["PAYIN_ENDPOINTS", "resolve_paths"]


PAYIN_ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {
        ep.name: ep
        for ep in (
            Endpoint("create_order", "/api/pay/neworder", "write", documented=True),
            Endpoint("query_order", "/api/pay/orderquery", "read", documented=True),
            Endpoint("apply_payout", "/api/agentpay/apply", "write", documented=True),
            # Lemon's page is cut off before this path; XxPay and a LemonPay integrator use it.
            Endpoint("query_payout", "/api/agentpay/query_order", "read", documented=False),
        )
    }
)


def resolve_paths(overrides: Mapping[str, str] | None) -> dict[str, Endpoint]:
    """The table with ``path_overrides`` applied; unknown names and bad paths refused."""
    return _resolve_paths(PAYIN_ENDPOINTS, overrides, example="/api/...")
