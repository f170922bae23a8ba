"""lemft-async: the async Python SDK for the LEMFT OPEN-API."""

from typing import TYPE_CHECKING

from ._client import AsyncLemft
from ._core._aiohttp import DefaultAioHttpClient
from ._core._lazy import lazy_attributes
from ._core._options import RequestOptions
from ._core._raw import RawResponse
from ._core._retry import RetryPolicy
from ._endpoints import ENDPOINTS, Endpoint
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    LemftError,
    OutcomeUnknownError,
    ParamError,
    ServerError,
    SignatureError,
    TimestampError,
    TooManyRequestsError,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
)
from ._gate import Gate, GateKey, LocalGate, NullGate
from ._pagination import AsyncPage, AsyncPaginator
from ._version import __version__
from .gates._redis_errors import GateError, GateTimeoutError, GateUnavailableError
from .resources._bulk import BulkOutcome, BulkProgress
from .resources._followups import (
    FollowUp,
    FollowUpError,
    OrderNotCompletedError,
    ReadCard,
    WaitForOrder,
)

if TYPE_CHECKING:
    from ._core._sync_pages import SyncPage, SyncPaginator
    from ._sync import Lemft

__all__ = [
    "ENDPOINTS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncLemft",
    "AsyncPage",
    "AsyncPaginator",
    "BulkOutcome",
    "BulkProgress",
    "DefaultAioHttpClient",
    "Endpoint",
    "FollowUp",
    "FollowUpError",
    "Gate",
    "GateError",
    "GateKey",
    "GateTimeoutError",
    "GateUnavailableError",
    "Lemft",
    "LemftError",
    "LocalGate",
    "NullGate",
    "OrderNotCompletedError",
    "OutcomeUnknownError",
    "ParamError",
    "RawResponse",
    "ReadCard",
    "RequestOptions",
    "RetryPolicy",
    "ServerError",
    "SignatureError",
    "SyncPage",
    "SyncPaginator",
    "TimestampError",
    "TooManyRequestsError",
    "WaitForOrder",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "__version__",
]


# The sync twins import every namespace: loaded only when asked for.
__getattr__ = lazy_attributes(
    __name__,
    {"Lemft": "._sync", "SyncPage": "._core._sync_pages", "SyncPaginator": "._core._sync_pages"},
    globals(),
)
