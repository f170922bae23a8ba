"""One logical KeySecure call: headers -> send -> decode -> recover -> data.

Recovery, per attempt:

| answer                                        | read               | write                   |
|-----------------------------------------------|--------------------|-------------------------|
| 1007 / 1006 token rejected (server refused)   | new token, once    | new token, once         |
| 1005 timestamp (server refused)               | clock re-sync, once| clock re-sync, once     |
| 1009 too frequent (server refused)            | backoff, retry     | backoff, retry          |
| connection never made, HTTP 429               | backoff, retry     | backoff, retry          |
| 1001, HTTP 5xx, timeout after send, dropped   | backoff, retry     | OutcomeUnknownError     |
|   connection, undecodable body                |                    |                         |
| any other code / HTTP 4xx                     | raise              | raise                   |

Backoff is ``RetryPolicy`` (exponential, full jitter) and counts against ``max_retries``;
the token refresh and the clock re-sync happen at most once each and do not. The attempt
loop is the core one (``lemft_async._core._transport``); this module supplies the table's
KeySecure rows and the two recoveries.
Outgoing requests are not signed: authentication is Api-Key + Timestamp + Access-Token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from typing_extensions import Unpack

from .._core._http_errors import decode_code_envelope
from .._core._options import FRAMING_HEADERS
from .._core._retry import Disposition, classify_http
from .._core._transport import BaseTransport, Call, Recovery, TransportOptions
from ._errors import (
    KeySecureOutcomeUnknownError,
    KeySecureRateLimitError,
    KeySecureServerError,
    KeySecureTimestampError,
    KeySecureTokenError,
    error_for_code,
)
from ._token import Token, TokenManager

__all__ = ["KeySecureTransport", "classify", "references"]

# Identifiers carried into KeySecureOutcomeUnknownError for reconciliation.
_REFERENCE_FIELDS = (
    "transfer_unique_no",
    "card_unique_no",
    "cardholder_unique_no",
    "card_no",
    "cardholder_no",
)


def classify(error: BaseException) -> Disposition:
    """KeySecure's rows of the table above, then the rows every API shares."""
    if isinstance(error, KeySecureRateLimitError):
        return Disposition.RETRY
    if isinstance(error, KeySecureServerError):
        return Disposition.RETRY_IF_READ
    return classify_http(error)


def references(body: Mapping[str, Any] | None) -> dict[str, str]:
    """The identifiers of ``body`` to reconcile a write with."""
    if not body:
        return {}
    return {k: str(body[k]) for k in _REFERENCE_FIELDS if isinstance(body.get(k), str | int)}


class KeySecureTransport(BaseTransport):
    """Connection pool, clock, token cache and defaults shared by ``with_options`` copies."""

    label = "keysecure "
    outcome_unknown_error = KeySecureOutcomeUnknownError
    _TOKEN: ClassVar[str] = "token_replaced"  # noqa: S105 (a flag name, not a secret)
    protected_headers: ClassVar[frozenset[str]] = FRAMING_HEADERS | {
        "api-key",
        "timestamp",
        "access-token",
    }

    def __init__(
        self, *, api_key: str, timezone: str, language: str, **options: Unpack[TransportOptions]
    ) -> None:
        super().__init__(**options)
        self.api_key = api_key
        self.timezone = timezone
        self.language = language
        self.tokens: TokenManager | None = None
        self.extra_secrets: tuple[str, ...] = ()
        """The api_secret (never sent) also kept out of error texts."""

    def __repr__(self) -> str:
        return f"KeySecureTransport(base_url={self.base_url!r}, api_key=***)"

    def secrets(self) -> tuple[str, ...]:
        token = self.tokens.current if self.tokens is not None else None
        return (self.api_key, *self.extra_secrets, *((token.value,) if token else ()))

    def headers(self, token: Token | None) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": self.user_agent,
            "Api-Key": self.api_key,
            "Timestamp": str(self.clock.now_ms()),
            "Timezone": self.timezone,
            "Language": self.language,
        }
        if token is not None:
            headers["Access-Token"] = token.value
        return headers

    def classify(self, error: BaseException) -> Disposition:
        return classify(error)

    async def prepare(self, call: Call[Any]) -> None:
        # After a 1007 the replacement token is kept for the rest of this call. A failed
        # token fetch is already a finished, typed call: it is raised as it is.
        if call.endpoint.auth and self._TOKEN not in call.done:
            call.auth = await self._tokens().get()

    async def send(self, call: Call[Any]) -> httpx.Response:
        return await self.request(
            call, call.endpoint.method, content=call.content, headers=self.headers(call.auth)
        )

    def decode(self, response: httpx.Response, call: Call[Any]) -> Any:
        return decode_code_envelope(
            response,
            message_keys=("msg", "message"),
            error_for_code=error_for_code,
            server_text=self.server_text,
            expected="a KeySecure envelope",
            path=call.endpoint.path,
            traceid=call.traceid,
        )

    async def recover(
        self, error: BaseException, disposition: Disposition, call: Call[Any]
    ) -> str | None:
        # Each at most once per call, and not counted against max_retries: the server
        # refused the request, so re-sending it cannot do anything twice.
        label = call.endpoint.name
        if isinstance(error, KeySecureTokenError) and call.auth is not None:
            if self._TOKEN in call.done:
                return None  # the fresh token was refused too
            call.done.add(self._TOKEN)
            self.log.info("keysecure %s: code %s; new token, retrying", label, error.code)
            # The rejected token stays a secret for error texts (a message may echo it).
            self.extra_secrets = (*self.extra_secrets[-3:], call.auth.value)
            call.auth = await self._tokens().replace_rejected(call.auth)
            return Recovery.RETRY
        if isinstance(error, KeySecureTimestampError) and self.resync_clock_once(call, 1005):
            return Recovery.RETRY
        return None

    def _tokens(self) -> TokenManager:
        if self.tokens is None:
            raise RuntimeError("transport has no token manager")
        return self.tokens
