"""The Payin operations: path, whether they move money, and where each path came from.

Three paths are on Lemon's pages; ``query_payout`` is cut off there and is taken from XxPay
and a LemonPay integrator (*inferred*). Override with ``AsyncPayin(path_overrides={...})``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .._endpoints import OperationKind
from .._endpoints import resolve_paths as _resolve_paths

__all__ = ["PAYIN_ENDPOINTS", "PayinEndpoint", "resolve_paths"]


@dataclass(frozen=True)
class PayinEndpoint:
    """One Payin operation: its path, whether it moves money, and where the path came from."""

    name: str
    path: str
    kind: OperationKind
    documented: bool


PAYIN_ENDPOINTS: Mapping[str, PayinEndpoint] = MappingProxyType(
    {
        ep.name: ep
        for ep in (
            PayinEndpoint("create_order", "/api/pay/neworder", "write", documented=True),
            PayinEndpoint("query_order", "/api/pay/orderquery", "read", documented=True),
            PayinEndpoint("apply_payout", "/api/agentpay/apply", "write", documented=True),
            # Lemon's page is cut off before this path; XxPay and a LemonPay integrator use it.
            PayinEndpoint("query_payout", "/api/agentpay/query_order", "read", documented=False),
        )
    }
)


def resolve_paths(overrides: Mapping[str, str] | None) -> dict[str, PayinEndpoint]:
    """The table with ``path_overrides`` applied; unknown names and bad paths refused."""
    return _resolve_paths(overrides, table=PAYIN_ENDPOINTS, example="/api/...")
