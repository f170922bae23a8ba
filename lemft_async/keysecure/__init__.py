"""KeySecure open platform (card issuing) client: ``AsyncKeySecure``.

Token auth (Api-Key + ms Timestamp + cached Access-Token), typed endpoints, V1 callback
verification and an ``Auth`` receiver that always answers within its deadline. The
embedded simulator lives in ``lemft_async.keysecure.sandbox`` (needs the ``sandbox``
extra); nothing here imports Starlette.
"""

from typing import TYPE_CHECKING

from .._core._aiohttp import DefaultAioHttpClient
from .._core._endpoint import Endpoint
from .._core._lazy import lazy_attributes
from ._callback_signing import sign_callback
from ._client import DEFAULT_MAX_RETRIES, AsyncKeySecure
from ._config import ENVIRONMENTS
from ._constants import (
    CallbackAction,
    CardholderStatus,
    CardStatus,
    CardType,
    CommonStatus,
    ConsumptionType,
    ExemptionType,
    FeeType,
    TransferType,
)
from ._crypto import Decryptor, EncryptedCardData, Encryptor
from ._endpoints import ENDPOINTS
from ._errors import (
    AccountError,
    CardError,
    CardholderError,
    KeySecureAuthError,
    KeySecureError,
    KeySecureOutcomeUnknownError,
    KeySecureParamError,
    KeySecurePCIError,
    KeySecureRateLimitError,
    KeySecureServerError,
    KeySecureTimestampError,
    KeySecureTokenError,
    error_for_code,
)
from ._events import (
    AuthData,
    AuthEvent,
    CallbackFee,
    CallbackVerifier,
    CardUpdateData,
    CardUpdateEvent,
    ConsumptionData,
    ConsumptionEvent,
    KeySecureEvent,
    MerchantInfo,
    UnknownEvent,
    callback_reply,
)
from ._models import (
    AccessToken,
    Account,
    BalanceLimit,
    Card,
    CardApplyResult,
    CardBin,
    CardDetail,
    Cardholder,
    CardholderApplyResult,
    CardholderDetail,
    CardPackage,
    CardPrivateInfo,
    ClientAccessToken,
    Consumption,
    FeeDetail,
    OperationResult,
    Transfer,
    TransferResult,
)
from ._pagination import KeySecurePage, KeySecurePaginator
from ._signing import base_string, sign_v1
from .receiver import AuthReceiver, AuthReply, Reply

if TYPE_CHECKING:
    from ._sync import KeySecure

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "ENDPOINTS",
    "ENVIRONMENTS",
    "AccessToken",
    "Account",
    "AccountError",
    "AsyncKeySecure",
    "AuthData",
    "AuthEvent",
    "AuthReceiver",
    "AuthReply",
    "BalanceLimit",
    "CallbackAction",
    "CallbackFee",
    "CallbackVerifier",
    "Card",
    "CardApplyResult",
    "CardBin",
    "CardDetail",
    "CardError",
    "CardPackage",
    "CardPrivateInfo",
    "CardStatus",
    "CardType",
    "CardUpdateData",
    "CardUpdateEvent",
    "Cardholder",
    "CardholderApplyResult",
    "CardholderDetail",
    "CardholderError",
    "CardholderStatus",
    "ClientAccessToken",
    "CommonStatus",
    "Consumption",
    "ConsumptionData",
    "ConsumptionEvent",
    "ConsumptionType",
    "Decryptor",
    "DefaultAioHttpClient",
    "EncryptedCardData",
    "Encryptor",
    "Endpoint",
    "ExemptionType",
    "FeeDetail",
    "FeeType",
    "KeySecure",
    "KeySecureAuthError",
    "KeySecureError",
    "KeySecureEvent",
    "KeySecureOutcomeUnknownError",
    "KeySecurePCIError",
    "KeySecurePage",
    "KeySecurePaginator",
    "KeySecureParamError",
    "KeySecureRateLimitError",
    "KeySecureServerError",
    "KeySecureTimestampError",
    "KeySecureTokenError",
    "MerchantInfo",
    "OperationResult",
    "Reply",
    "Transfer",
    "TransferResult",
    "TransferType",
    "UnknownEvent",
    "base_string",
    "callback_reply",
    "error_for_code",
    "sign_callback",
    "sign_v1",
]


# The sync twins import every namespace: loaded only when asked for.
__getattr__ = lazy_attributes(__name__, {"KeySecure": "._sync"}, globals())
