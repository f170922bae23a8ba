"""Typed KeySecure callbacks and their verification.

A callback is ``POST {"id", "action", "data"}`` with headers ``Timestamp``, ``Signature``,
``Sign-Version: V1`` and ``Timezone``. ``CallbackVerifier.construct_event`` checks the V1
signature over the raw bytes and returns ``AuthEvent``, ``ConsumptionEvent``,
``CardUpdateEvent`` or, for an action this SDK does not know, ``UnknownEvent``.

Inferred (see the README's table), all overridable:

- ``appId`` in the signature is the Api-Key, the key is the apiSecret (the docs' sentence
  naming them is truncated in every copy we have);
- the ``Timestamp`` header is Unix ms (10-digit seconds are accepted too) and must be
  within ``tolerance`` (default 300 s) of now, in both directions (no replay window is
  documented; this one bounds replays);
- ``id`` and ``action`` are not covered by the signature (documented), so the event type
  is only as trustworthy as the body; handlers should rely on ``data``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ValidationError, ValidatorFunctionWrapHandler, WrapValidator

from .._core._codec import loads, to_plain
from .._core._errors import WebhookPayloadError, WebhookVerificationError
from .._core._identity import Identifier
from .._core._models import Money, _parse_money
from ._constants import (
    CallbackAction,
    CardStatus,
    CommonStatus,
    ConsumptionType,
    FeeType,
    str_enum,
)
from ._models import EpochMs, KeySecureModel
from ._signing import render_value, signature_matches

__all__ = [
    "AuthData",
    "AuthEvent",
    "CallbackFee",
    "CallbackVerifier",
    "CardUpdateData",
    "CardUpdateEvent",
    "ConsumptionData",
    "ConsumptionEvent",
    "KeySecureEvent",
    "MerchantInfo",
    "UnknownEvent",
    "callback_reply",
    "header_value",
]

DEFAULT_TOLERANCE = 300.0


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup on any mapping (dict, httpx or Starlette headers)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


def callback_reply(*, code: int = 0, message: str = "") -> dict[str, Any]:
    """The merchant's answer to a callback: ``{"code": 0, "message": ""}`` on success.

    The docs require ``message`` when ``code`` is not 0.
    """
    if isinstance(code, bool) or not isinstance(code, int):
        raise TypeError(f"code must be an int, got {type(code).__name__}")
    if code != 0 and not message:
        raise ValueError("message is required when code != 0")
    return {"code": code, "message": message}


def _kept_as_sent(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A nested object of an undocumented shape must not make an authentic callback
    # undecodable (for Auth that would decline a real authorization): keep it as sent.
    try:
        return handler(value)
    except ValidationError:
        return value


RequiredMoney = Annotated[Decimal, BeforeValidator(_parse_money)]
"""``Money`` that must be there (``""`` or a missing value does not decode)."""


def _one_or_many(value: Any) -> Any:
    # Documented as an array; a single object is read as an array of one.
    return [value] if isinstance(value, dict) else value


class MerchantInfo(KeySecureModel):
    """``merchant_info`` of a callback (documented for ``Auth``; other fields kept)."""

    merchant_name: str | None = None
    merchant_mcc: str | int | None = None
    city: str | None = None
    country: str | None = None


class CallbackFee(KeySecureModel):
    """One item of a callback's ``fee_detail`` array (``fee`` is the sum of the amounts).

    The item fields are not documented: ``fee_type`` (the documented fee-type constants,
    e.g. ``Consume_fee``) and ``amount`` are *inferred*; whatever is sent is kept.
    """

    fee_type: Annotated[FeeType | str | None, str_enum(FeeType)] = None
    amount: Money = None
    currency: str | None = None


_Merchant = Annotated[MerchantInfo | None, WrapValidator(_kept_as_sent)]


class _CallbackData(KeySecureModel):
    consume_no: Identifier
    """Documented in both callbacks; one without it does not decode (``WebhookPayloadError``)."""
    card_no: Identifier
    cardholder_no: str | None = None
    type: Annotated[ConsumptionType | str | None, str_enum(ConsumptionType)] = None
    local_amount: Money = None
    local_currency: str | None = None
    merchant_info: _Merchant = None
    """A ``MerchantInfo``; an unexpected shape is kept as sent rather than failing."""
    status: Annotated[CommonStatus | str | None, str_enum(CommonStatus)] = None
    time: EpochMs = None
    """Unix milliseconds (documented for ``Auth`` and ``Consumption``)."""


class AuthData(_CallbackData):
    """``data`` of an ``Auth`` callback (authorization mode; ``status`` is ``Pending``).

    ``fee_detail``'s shape is not documented for ``Auth``: an array gives ``CallbackFee``
    items (like ``Consumption``'s), an object is kept as a plain dict; either way a shape
    this SDK cannot read never fails the callback.

    ``amount`` is required (documented): an ``Auth`` without it is not decoded, so the
    receiver never asks your handler to approve an unknown amount.
    """

    amount: RequiredMoney
    fee_detail: Annotated[
        list[CallbackFee] | dict[str, Any] | None, WrapValidator(_kept_as_sent)
    ] = None


class ConsumptionData(_CallbackData):
    """``data`` of a ``Consumption`` callback (created or status change).

    ``fee_detail`` is documented as an array whose amounts sum to ``fee``.
    """

    amount: Money = None
    consume_relate_no: str | None = None
    fee: Money = None
    fee_detail: Annotated[list[CallbackFee] | None, BeforeValidator(_one_or_many)] = None
    remark: str | None = None
    detail: Any = None


class CardUpdateData(KeySecureModel):
    """``data`` of a ``Card_update`` callback."""

    card_no: Identifier
    before_status: Annotated[CardStatus | str | None, str_enum(CardStatus)] = None
    after_status: Annotated[CardStatus | str | None, str_enum(CardStatus)] = None
    reason: str | None = None
    time: EpochMs = None


class _Event(KeySecureModel):
    id: str | int | None = None
    timestamp: int | None = None
    """The ``Timestamp`` header (Unix ms) the signature covered."""


class AuthEvent(_Event):
    """Consumption authorization: answer within the deadline (see ``AuthReceiver``)."""

    action: Literal["Auth"] = "Auth"
    data: AuthData


class ConsumptionEvent(_Event):
    action: Literal["Consumption"] = "Consumption"
    data: ConsumptionData


class CardUpdateEvent(_Event):
    action: Literal["Card_update"] = "Card_update"
    data: CardUpdateData


class UnknownEvent(_Event):
    """An action this SDK version does not know; ``data`` is the plain decoded dict."""

    action: str
    data: dict[str, Any]


KeySecureEvent = AuthEvent | ConsumptionEvent | CardUpdateEvent | UnknownEvent

_BY_ACTION: Mapping[str, type[AuthEvent | ConsumptionEvent | CardUpdateEvent]] = {
    CallbackAction.AUTH.value: AuthEvent,
    CallbackAction.CONSUMPTION.value: ConsumptionEvent,
    CallbackAction.CARD_UPDATE.value: CardUpdateEvent,
}


class CallbackVerifier:
    """Verifies V1 signatures and types callbacks. Secrets never appear in ``repr``."""

    __slots__ = ("_app_id", "_clock", "_secrets", "tolerance")

    def __init__(
        self,
        *,
        app_id: str,
        secret: str | Sequence[str],
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        secrets = [secret] if isinstance(secret, str) else list(secret)
        if not secrets or not all(isinstance(s, str) and s for s in secrets):
            raise ValueError("callback secret(s) must be non-empty strings")
        if not isinstance(app_id, str) or not app_id:
            raise ValueError("callback app_id must be a non-empty string")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            raise ValueError(f"tolerance must be seconds >= 0, got {tolerance!r}")
        self._app_id = app_id
        self._secrets = tuple(secrets)
        self.tolerance = float(tolerance)
        self._clock = clock

    def __repr__(self) -> str:
        return f"CallbackVerifier(app_id=***, secrets=*** x{len(self._secrets)})"

    def verify(self, raw_body: bytes | str, headers: Mapping[str, str]) -> dict[str, Any]:
        """Check the signature and freshness; return the decoded body (numbers exact)."""
        return self._verified(raw_body, headers)[0]

    def _verified(
        self, raw_body: bytes | str, headers: Mapping[str, str]
    ) -> tuple[dict[str, Any], int]:
        if isinstance(raw_body, str):
            raw_body = raw_body.encode("utf-8")
        signature = header_value(headers, "Signature")
        timestamp = header_value(headers, "Timestamp")
        version = header_value(headers, "Sign-Version")
        if not signature or not timestamp:
            raise WebhookVerificationError(
                "missing Signature or Timestamp header", reason="missing_header"
            )
        if version is not None and version.strip().upper() != "V1":
            raise WebhookVerificationError(
                "unsupported Sign-Version (only V1 is known)", reason="bad_version"
            )
        sent_ms = _timestamp_ms(timestamp)
        if abs(self._clock() * 1000 - sent_ms) > self.tolerance * 1000:
            raise WebhookVerificationError(
                "Timestamp outside the tolerance window (stale/future)", reason="stale"
            )
        try:
            body = loads(raw_body, keep_numbers=True)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: a body nested too deep for the decoder (hostile, unsigned).
            raise WebhookVerificationError(
                "body is not JSON: cannot verify", reason="not_json"
            ) from None
        if not isinstance(body, dict):
            raise WebhookVerificationError(
                "body is not a JSON object: cannot verify", reason="not_object"
            )
        data = body.get("data")
        if data is not None and not isinstance(data, dict):
            raise WebhookVerificationError(
                "data is not a JSON object: cannot verify", reason="not_object"
            )
        if data is not None:
            # The documented Java lets a data field named timestamp/appId replace the header
            # value in the signed string: the header would then be unsigned, and a replay
            # with a fresh Timestamp header would pass the freshness window. Such a field
            # must therefore say what the header and the app id say.
            for name, expected in (("timestamp", timestamp.strip()), ("appId", self._app_id)):
                if name in data and render_value(data[name]) not in (None, expected):
                    raise WebhookVerificationError(
                        f"data.{name} differs from the signed {name}", reason="bad_signature"
                    )
        if not signature_matches(self._secrets, self._app_id, timestamp.strip(), data, signature):
            raise WebhookVerificationError("signature mismatch", reason="bad_signature")
        plain: dict[str, Any] = to_plain(body)
        return plain, sent_ms

    def construct_event(self, raw_body: bytes | str, headers: Mapping[str, str]) -> KeySecureEvent:
        """Verify, then decode into the typed event for its ``action``.

        Raises ``WebhookVerificationError`` (not authentic: answer 4xx, do not process) or
        ``WebhookPayloadError`` (authentic but undecodable).
        """
        body, timestamp = self._verified(raw_body, headers)
        action = body.get("action")
        if not isinstance(action, str) or not action:
            raise WebhookPayloadError("callback has no action", reason="bad_envelope")
        fields = {"id": body.get("id"), "data": body.get("data"), "timestamp": timestamp}
        cls = _BY_ACTION.get(action)
        try:
            if cls is None:
                return UnknownEvent.model_validate({**fields, "action": action})
            return cls.model_validate(fields)
        except ValidationError as exc:
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            raise WebhookPayloadError(
                f"{action} callback: invalid field(s): {where}", reason="invalid_data"
            ) from None


def _timestamp_ms(text: str) -> int:
    value = text.strip()
    # At most 16 digits (ms until year 318857): int() of a 5,000-digit header raises.
    if not value.isascii() or not value.isdigit() or len(value) > 16:
        raise WebhookVerificationError(
            "Timestamp header is not a Unix timestamp", reason="bad_timestamp"
        )
    number = int(value)
    # 13 digits is documented for requests; 10-digit seconds accepted (inferred).
    return number if number >= 10**11 else number * 1000
