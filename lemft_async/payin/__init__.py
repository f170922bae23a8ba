"""The Lemon Payin (代收) / Payout (代付) client, an XxPay-family gateway.

>>> from lemft_async.payin import AsyncPayin, rupees_to_minor
>>> async with AsyncPayin(mch_id="M1", secret="...", base_url="https://gateway.example") as p:
...     order = await p.create_order(amount=rupees_to_minor(Decimal("100")),
...                                  notify_url="https://me.example/payin/notify")

The in-memory gateway lives in ``lemft_async.payin.sandbox`` (needs starlette, imported
only there); this package itself needs only httpx, pydantic and anyio.
"""

from typing import TYPE_CHECKING

from .._core._aiohttp import DefaultAioHttpClient
from .._core._lazy import lazy_attributes
from ._callback_signing import sign_notification
from ._client import AsyncPayin
from ._endpoints import PAYIN_ENDPOINTS
from ._errors import PayinError, PayinOutcomeUnknownError, ResponseSignatureError
from ._models import (
    PayinCreated,
    PayinNotification,
    PayinOrder,
    PayoutNotification,
    PayoutOrder,
    PayParams,
)
from ._money import minor_to_rupees, rupees_to_minor
from ._notifications import ACK, Notification, NotificationKind, parse_notification
from ._receiver import (
    NotificationHandler,
    NotificationParser,
    NotificationReceiver,
    Reply,
    starlette_endpoint,
)
from ._signing import ResponseVerification, canonical_string, sign, signature_matches
from ._status import PayinStatus, PayoutStatus

if TYPE_CHECKING:
    from ._sync import Payin

__all__ = [
    "ACK",
    "PAYIN_ENDPOINTS",
    "AsyncPayin",
    "DefaultAioHttpClient",
    "Notification",
    "NotificationHandler",
    "NotificationKind",
    "NotificationParser",
    "NotificationReceiver",
    "PayParams",
    "Payin",
    "PayinCreated",
    "PayinError",
    "PayinNotification",
    "PayinOrder",
    "PayinOutcomeUnknownError",
    "PayinStatus",
    "PayoutNotification",
    "PayoutOrder",
    "PayoutStatus",
    "Reply",
    "ResponseSignatureError",
    "ResponseVerification",
    "canonical_string",
    "minor_to_rupees",
    "parse_notification",
    "rupees_to_minor",
    "sign",
    "sign_notification",
    "signature_matches",
    "starlette_endpoint",
]


# The sync twins import every namespace: loaded only when asked for.
__getattr__ = lazy_attributes(__name__, {"Payin": "._sync"}, globals())
