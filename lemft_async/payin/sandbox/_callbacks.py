"""Signed callbacks and their redelivery, as the XxPay gateway does it.

The first attempt goes out at once; after the n-th failure the next waits n x 60 s
(60/120/180/240/300 s, six attempts in all), multiplied by the sandbox's ``time_scale``.
An attempt succeeds when the body is ``success`` in any letter case, untrimmed (XxPay's
``equalsIgnoreCase``); the HTTP status is not looked at, as on the gateway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

import anyio
import httpx

from lemft_async.payin import ACK, sign

__all__ = [
    "REDELIVERY_SCHEDULE",
    "Callback",
    "CallbackStyle",
    "DeliveryAttempt",
    "callback_for",
    "deliver",
    "post_callback",
]

REDELIVERY_SCHEDULE: tuple[float, ...] = (60.0, 120.0, 180.0, 240.0, 300.0)
"""Gateway seconds to wait after each failed attempt."""

CallbackStyle = Literal["query", "form"]

# Module-level so tests can patch the waiting between attempts.
_sleep = anyio.sleep


@dataclass(frozen=True)
class DeliveryAttempt:
    """One try at delivering a callback."""

    number: int
    waited: float
    """Real seconds waited before this attempt (scaled schedule)."""
    status_code: int | None
    body: str | None
    error: str | None
    acknowledged: bool


@dataclass
class Callback:
    """One notification: the signed params and every delivery attempt made so far."""

    kind: Literal["payin", "payout"]
    url: str
    params: dict[str, str]
    attempts: list[DeliveryAttempt] = field(default_factory=list)

    @classmethod
    def signed(
        cls, kind: Literal["payin", "payout"], url: str, fields: dict[str, object], secret: str
    ) -> Callback:
        """Render the non-empty fields as text (as they travel) and add ``sign``."""
        params = {k: _text(v) for k, v in fields.items()}
        params = {k: v for k, v in params.items() if v != ""}
        params["sign"] = sign(params, secret)
        return cls(kind, url, params)

    @property
    def acknowledged(self) -> bool:
        return any(a.acknowledged for a in self.attempts)


def callback_for(fields: Mapping[str, object], url: str, secret: str) -> Callback:
    """A signed callback from its fields (``agentpayOrderId`` makes it a payout)."""
    if not isinstance(fields, Mapping):
        raise TypeError(f"event must be a Callback or a mapping, got {type(fields).__name__}")
    kind: Literal["payin", "payout"] = "payout" if "agentpayOrderId" in fields else "payin"
    return Callback.signed(kind, url, dict(fields), secret)


async def post_callback(
    http: httpx.AsyncClient, url: str, params: Mapping[str, str], style: CallbackStyle
) -> httpx.Response:
    """One POST of a callback: params in the query string (XxPay's way) or the form."""
    if style == "query":
        joiner = "&" if "?" in url else "?"
        return await http.post(url + joiner + urlencode(params))
    return await http.post(url, data=dict(params))


async def _attempt(
    http: httpx.AsyncClient, callback: Callback, style: CallbackStyle, number: int, waited: float
) -> DeliveryAttempt:
    try:
        response = await post_callback(http, callback.url, callback.params, style)
    except httpx.HTTPError as exc:
        return DeliveryAttempt(number, waited, None, None, type(exc).__name__, False)
    body = response.text
    return DeliveryAttempt(number, waited, response.status_code, body, None, body.lower() == ACK)


async def deliver(
    http: httpx.AsyncClient,
    callback: Callback,
    *,
    style: CallbackStyle,
    time_scale: float,
    on_ack: Callable[[Callback], Awaitable[None]] | None = None,
) -> bool:
    """Deliver until acknowledged or the schedule is exhausted; True when acknowledged."""
    for number, delay in enumerate((0.0, *REDELIVERY_SCHEDULE), start=1):
        waited = delay * time_scale
        if waited:
            await _sleep(waited)
        attempt = await _attempt(http, callback, style, number, waited)
        callback.attempts.append(attempt)
        if attempt.acknowledged:
            if on_ack is not None:
                await on_ack(callback)
            return True
    return False


def _text(value: object) -> str:
    """A callback field as it travels (XxPay: ints as digits, booleans lowercase)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return value
    raise TypeError(f"callback field of type {type(value).__name__} has no wire text")
