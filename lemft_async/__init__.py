"""lemft-async: the async Python SDK for the LEMFT OPEN-API."""

from typing import TYPE_CHECKING, Any

from ._client import AsyncLemft
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
    "Endpoint",
    "Gate",
    "GateError",
    "GateKey",
    "GateTimeoutError",
    "GateUnavailableError",
    "Lemft",
    "LemftError",
    "LocalGate",
    "NullGate",
    "OutcomeUnknownError",
    "ParamError",
    "RawResponse",
    "RequestOptions",
    "RetryPolicy",
    "ServerError",
    "SignatureError",
    "SyncPage",
    "SyncPaginator",
    "TimestampError",
    "TooManyRequestsError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "__version__",
]


_LAZY = {"Lemft": "._sync", "SyncPage": "._core._sync_pages", "SyncPaginator": "._core._sync_pages"}


def __getattr__(name: str) -> Any:
    # The sync twins import every namespace: load them only when asked for.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
