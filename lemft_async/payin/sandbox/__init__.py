"""An in-memory Lemon Payin gateway (needs the ``sandbox`` extra: starlette).

``PayinSandbox`` keeps pay-ins and payouts, settles them after a (time-scaled) delay,
and sends signed callbacks with the gateway's redelivery schedule; ``sandbox.client()``
gives an ``AsyncPayin`` wired to it in-process.
"""

from ..._core._extras import require_extra

require_extra("the Payin sandbox", "sandbox", "starlette")

from ._callbacks import (  # noqa: E402 - after the extra check
    REDELIVERY_SCHEDULE,
    Callback,
    CallbackStyle,
    DeliveryAttempt,
)
from ._sandbox import SANDBOX_BASE_URL, PayinSandbox  # noqa: E402
from ._state import PayinRecord, PayoutRecord  # noqa: E402

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
