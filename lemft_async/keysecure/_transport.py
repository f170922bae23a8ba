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
the token refresh and the clock re-sync happen at most once each and do not.
Outgoing requests are not signed: authentication is Api-Key + Timestamp + Access-Token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio
import httpx

from .._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    LemftError,
)
from .._json import dumps, loads
from .._logging import logger
from .._retry import RetryPolicy
from ._clock import Clock
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

_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def build_path(endpoint: Endpoint, params: Mapping[str, str]) -> str:
    """Fill the path template; each value is percent-encoded as one segment."""
    missing = [p for p in endpoint.path_params if p not in params]
    if missing:
        raise ValueError(f"{endpoint.name}: missing path parameter(s) {', '.join(missing)}")
    return endpoint.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})


def _decode(response: httpx.Response, *, path: str) -> Any:
    status = response.status_code
    try:
        payload = loads(response.content)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and "code" in payload:
        try:
            code = int(payload["code"])
        except (TypeError, ValueError):
            code = None
        if code == 0:
            return payload.get("data")
        if code is not None:
            message = payload.get("msg", payload.get("message"))
            raise error_for_code(
                code,
                message if isinstance(message, str) else "",
                path=path,
                status_code=status,
            )
    kind = response.headers.get("content-type", "unknown content type").split(";")[0]
    detail = (
        f"HTTP {status} with a body that is not a KeySecure envelope "
        f"({kind}, {len(response.content)} bytes)"
    )
    if status >= 400:
        raise APIStatusError(None, detail, None, path, status_code=status)
    raise APIResponseValidationError(None, detail, None, path, status_code=status)


def _sdk_error(error: BaseException, *, path: str) -> LemftError:
    if isinstance(error, LemftError):
        return error
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out ({reason})", path=path)
    return APIConnectionError(f"connection error ({reason})", path=path)


def _backoff_kind(error: BaseException) -> str:
    """'always' (server did not act), 'read' (outcome unknown) or 'never'."""
    if isinstance(error, KeySecureRateLimitError):
        return "always"
    if isinstance(error, APIStatusError):
        status = error.status_code or 0
        if status == 429:
            return "always"
        return "read" if status >= 500 else "never"
    if isinstance(error, KeySecureServerError | APIResponseValidationError):
        return "read"
    if isinstance(error, APIError):
        return "never"
    if isinstance(error, _NEVER_SENT):
        return "always"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return "never"
    if isinstance(error, httpx.TransportError):
        return "read"
    return "never"


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
        retries = 0
        token_replaced = resynced = False
        token: Token | None = None
        while True:
            if endpoint.auth and not token_replaced:
                # After a 1007 the replacement token is kept for the rest of this call.
                token = await self._tokens().get()
            response: httpx.Response | None = None
            started = time.perf_counter()
            try:
                response = await self.http.request(
                    endpoint.method,
                    url,
                    content=content,
                    headers=self.headers(token),
                    timeout=timeout,
                )
                data = _decode(response, path=endpoint.path)
            except (APIError, httpx.TransportError) as exc:
                error: BaseException = exc
            else:
                logger.info(
                    "keysecure %s %s ok in %.1f ms (attempt %d)",
                    label,
                    endpoint.path,
                    (time.perf_counter() - started) * 1000,
                    retries + 1,
                )
                return data

            if isinstance(error, KeySecureTokenError) and token is not None:
                if not token_replaced:
                    token_replaced = True
                    logger.info("keysecure %s: code %s; new token, retrying", label, error.code)
                    token = await self._tokens().replace_rejected(token)
                    continue
                raise error
            if isinstance(error, KeySecureTimestampError):
                if not resynced and response is not None:
                    resynced = True
                    if self.clock.resync(response.headers.get("date")):
                        logger.info(
                            "keysecure %s: 1005, clock offset now %+.3f s; retrying",
                            label,
                            self.clock.offset,
                        )
                        continue
                raise error
            kind = _backoff_kind(error)
            if kind == "read" and endpoint.kind == "write":
                sdk_error = _sdk_error(error, path=endpoint.path)
                raise KeySecureOutcomeUnknownError(
                    f"outcome unknown after {type(sdk_error).__name__}: {sdk_error}; not re-sent",
                    operation=endpoint.name,
                    path=endpoint.path,
                    references=_references(body),
                    cause=sdk_error,
                ) from sdk_error
            if kind == "never" or retries >= max_retries:
                raise _sdk_error(error, path=endpoint.path) from _cause(error)
            delay = self._retry_after(response) if isinstance(error, APIError) else None
            if delay is None:
                delay = self.retry_policy.delay(retries)
            logger.info(
                "keysecure %s %s: %s; retry %d/%d in %.3f s",
                label,
                endpoint.path,
                _short(error),
                retries + 1,
                max_retries,
                delay,
            )
            retries += 1
            await _sleep(delay)

    def _tokens(self) -> TokenManager:
        if self.tokens is None:
            raise RuntimeError("transport has no token manager")
        return self.tokens

    def _retry_after(self, response: httpx.Response | None) -> float | None:
        value = response.headers.get("retry-after") if response is not None else None
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            return None
        return seconds if 0 <= seconds <= self.retry_policy.max_retry_after else None


def _references(body: Mapping[str, Any] | None) -> dict[str, str]:
    if not body:
        return {}
    return {k: str(body[k]) for k in _REFERENCE_FIELDS if isinstance(body.get(k), str | int)}


def _cause(error: BaseException) -> BaseException | None:
    return None if isinstance(error, LemftError) else error


def _short(error: BaseException) -> str:
    if isinstance(error, APIError):
        return f"code {error.code}" if error.code is not None else f"HTTP {error.status_code}"
    return type(error).__name__
