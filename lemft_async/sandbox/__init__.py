"""The embedded LEMFT sandbox (extra ``sandbox``): a stateful in-memory LEMFT.

>>> from lemft_async.sandbox import Sandbox
>>> async with Sandbox(latency=0.02) as sandbox:
...     client = sandbox.client()
...     order = await client.orders.open_card(bin_id="cpi_6530de6a2f1c7", amount="10")

It enforces the documented rules (signature 10002, timestamp window 10003, one request
in flight per URL 10004, params 10001), injects faults on request, sends signed
notifications, and keeps books that tests can check (``sandbox.state``).
"""

from .._core._extras import require_extra as _require_extra
from ._credentials import SandboxCredentials
from ._entities import Card, CardTrade, Order, Transaction, Wallet
from ._errors import ConservationError
from ._faults import FAULT_KINDS, FaultConfig
from ._notify import REDELIVERY_SCHEDULE, Attempt, Delivery, Notification
from ._payouts import Payee, Payment
from ._sandbox import Sandbox
from ._state import State, TransactionType
from ._stats import SandboxStats

# Starlette is imported lazily (by ``Sandbox.app``); say what to install before first use.
# Only looked for, not imported: ``import lemft_async.sandbox`` still loads no Starlette.
_require_extra("the sandbox", "sandbox", "starlette")

__all__ = [
    "FAULT_KINDS",
    "REDELIVERY_SCHEDULE",
    "Attempt",
    "Card",
    "CardTrade",
    "ConservationError",
    "Delivery",
    "FaultConfig",
    "Notification",
    "Order",
    "Payee",
    "Payment",
    "Sandbox",
    "SandboxCredentials",
    "SandboxStats",
    "State",
    "Transaction",
    "TransactionType",
    "Wallet",
]
