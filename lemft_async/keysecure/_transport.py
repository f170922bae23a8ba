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
loop is the core one (``lemft_async._retry_loop``); this module supplies the table's
KeySecure rows and the two recoveries.
Outgoing requests are not signed: authentication is Api-Key + Timestamp + Access-Token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote

import anyio
import httpx

from .._clock import Clock
from .._http_errors import envelope_code, load_payload, not_an_envelope
from .._json import dumps
from .._logging import logger
from .._retry import Disposition, RetryPolicy, classify_http
from .._retry_loop import Recovery, run_attempts, warn_cancelled_write
from ._endpoints import Endpoint
from ._errors import (
    KeySecureOutcomeUnknownError,
    KeySecureRateLimitError,
    KeySecureServerError,
    KeySecureTimestampError,
    KeySecureTokenError,
    error_for_code,
)
from ._token import Token, TokenManager

__all__ = ["Transport", "build_path"]

# Module-level so tests can patch the backoff sleep without touching anyio.
_sleep = anyio.sleep

# Identifiers carried into KeySecureOutcomeUnknownError for reconciliation.
_REFERENCE_FIELDS = (
    "transfer_unique_no",
    "card_unique_no",
    "cardholder_unique_no",
    "card_no",
    "cardholder_no",
)


def build_path(endpoint: Endpoint, params: Mapping[str, str]) -> str:
    """Fill the path template; each value is percent-encoded as one segment."""
    missing = [p for p in endpoint.path_params if p not in params]
    if missing:
        raise ValueError(f"{endpoint.name}: missing path parameter(s) {', '.join(missing)}")
    return endpoint.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})


def _decode(response: httpx.Response, *, path: str) -> Any:
    payload = load_payload(response)
    if isinstance(payload, dict) and "code" in payload:
        code = envelope_code(payload["code"])
        if code == 0:
            return payload.get("data")
        if code is not None:
            message = payload.get("msg", payload.get("message"))
            raise error_for_code(
                code,
                message if isinstance(message, str) else "",
                path=path,
                status_code=response.status_code,
            )
    raise not_an_envelope(response, expected="a KeySecure envelope", path=path)


def classify(error: BaseException) -> Disposition:
    """KeySecure's rows of the table above, then the rows every API shares."""
    if isinstance(error, KeySecureRateLimitError):
        return Disposition.RETRY
    if isinstance(error, KeySecureServerError):
        return Disposition.RETRY_IF_READ
    return classify_http(error)


@dataclass
class Transport:
    """Connection pool, clock, token cache and defaults shared by ``with_options`` copies."""

    http: httpx.AsyncClient
    base_url: str
    api_key: str = field(repr=False)
    timezone: str
    language: str
    user_agent: str
    clock: Clock = field(default_factory=Clock)
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    tokens: TokenManager | None = None

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

    async def call(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        max_retries: int,
        timeout: httpx.Timeout | None = None,
    ) -> Any:
        """Send one logical call and return the envelope's ``data``; raise a typed error."""
        path = build_path(endpoint, path_params or {})
        # Encoded once: every attempt sends the same bytes.
        content = dumps(body if body is not None else {}) if endpoint.method == "POST" else None
        url = self.base_url + path
        label = endpoint.name
        token_replaced = resynced = False
        token: Token | None = None

        async def fetch_token() -> None:
            nonlocal token
            if endpoint.auth and not token_replaced:
                # After a 1007 the replacement token is kept for the rest of this call.
                token = await self._tokens().get()

        async def send() -> httpx.Response:
            try:
                return await self.http.request(
                    endpoint.method,
                    url,
                    content=content,
                    headers=self.headers(token),
                    timeout=timeout,
                )
            except anyio.get_cancelled_exc_class():
                if endpoint.kind == "write":
                    refs = ", ".join(f"{k}={v}" for k, v in _references(body).items()) or None
                    warn_cancelled_write(logger, f"keysecure {label}", path, refs, None)
                raise

        def decode(response: httpx.Response) -> Any:
            return _decode(response, path=endpoint.path)

        async def recover(
            error: BaseException,
            disposition: Disposition,
            response: httpx.Response | None,
            retries: int,
        ) -> Recovery | None:
            # Each at most once per call, and not counted against max_retries: the server
            # refused the request, so re-sending it cannot do anything twice.
            nonlocal token, token_replaced, resynced
            if isinstance(error, KeySecureTokenError) and token is not None:
                if token_replaced:
                    return None  # the fresh token was refused too
                token_replaced = True
                logger.info("keysecure %s: code %s; new token, retrying", label, error.code)
                token = await self._tokens().replace_rejected(token)
                return Recovery.RETRY
            if isinstance(error, KeySecureTimestampError) and not resynced and response is not None:
                resynced = True
                if self.clock.resync(response.headers.get("date")):
                    logger.info(
                        "keysecure %s: 1005, clock offset now %+.3f s; retrying",
                        label,
                        self.clock.offset,
                    )
                    return Recovery.RETRY
            return None

        return await run_attempts(
            send,
            decode,
            kind=endpoint.kind,
            max_retries=max_retries,
            policy=self.retry_policy,
            classify=classify,
            outcome_unknown=partial(
                KeySecureOutcomeUnknownError,
                operation=endpoint.name,
                path=endpoint.path,
                references=_references(body),
            ),
            sleep=_sleep,
            path=endpoint.path,
            label=f"keysecure {label}",
            prepare=fetch_token,
            recover=recover,
        )

    def _tokens(self) -> TokenManager:
        if self.tokens is None:
            raise RuntimeError("transport has no token manager")
        return self.tokens


def _references(body: Mapping[str, Any] | None) -> dict[str, str]:
    if not body:
        return {}
    return {k: str(body[k]) for k in _REFERENCE_FIELDS if isinstance(body.get(k), str | int)}
