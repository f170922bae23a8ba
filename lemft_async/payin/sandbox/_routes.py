"""The gateway's own route table, written from the reference (not the client's table).

Three paths are on Lemon's pages; the payout query is cut off there and is taken from
XxPay's docs and a LemonPay integrator (``documented=False``). All four are ``POST`` with a
form body, and all are MD5-signed by the merchant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ROUTES", "PayinRoute"]


@dataclass(frozen=True)
class PayinRoute:
    operation: str
    path: str
    method: str = "POST"
    documented: bool = True


ROUTES: Mapping[str, PayinRoute] = MappingProxyType(
    {
        route.operation: route
        for route in (
            PayinRoute("create_order", "/api/pay/neworder"),
            PayinRoute("query_order", "/api/pay/orderquery"),
            PayinRoute("apply_payout", "/api/agentpay/apply"),
            PayinRoute("query_payout", "/api/agentpay/query_order", documented=False),
        )
    }
)
"""Operation name -> route."""
