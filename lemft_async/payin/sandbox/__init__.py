"""An in-memory Lemon Payin gateway (needs the ``sandbox`` extra: starlette).

``PayinSandbox`` keeps pay-ins and payouts, settles them after a (time-scaled) delay,
and sends signed callbacks with the gateway's redelivery schedule; ``sandbox.client()``
gives an ``AsyncPayin`` wired to it in-process.
"""

from ._callbacks import REDELIVERY_SCHEDULE, Callback, CallbackStyle, DeliveryAttempt
from ._sandbox import SANDBOX_BASE_URL, PayinSandbox
from ._state import PayinRecord, PayoutRecord

__all__ = [
    "REDELIVERY_SCHEDULE",
    "SANDBOX_BASE_URL",
    "Callback",
    "CallbackStyle",
    "DeliveryAttempt",
    "PayinRecord",
    "PayinSandbox",
    "PayoutRecord",
]
