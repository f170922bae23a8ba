"""One logical call: encode -> (gate -> sign -> send -> decode) x attempts -> data.

The body is encoded once; every attempt signs those same bytes with a fresh timestamp
taken *after* the gate is acquired (a call may wait its turn for a long time), and keeps
the same ``traceid``. Failures are classified by ``_retry.classify``.
"""

from __future__ import annotations

import email.utils
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from ._config import Credentials
from ._endpoints import OperationKind
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    LemftError,
    OutcomeUnknownError,
    error_for_code,
)
from ._gate import Gate, GateKey
from ._json import dumps, loads
from ._logging import logger
from ._retry import Disposition, RetryPolicy, classify
from ._signing import SignatureEncoding, compute_signature

__all__ = ["Clock", "Transport", "encode_body"]

COMMON_PARAMS = ("customer_id", "app_id", "key")

# Module-level so tests can patch the sleep without touching anyio.
_sleep = anyio.sleep


@dataclass
class Clock:
    """Local clock plus the offset learnt from the server's ``Date`` header after a 10003."""

    offset: float = 0.0

    def timestamp(self) -> int:
        return int(time.time() + self.offset)

    def resync(self, date_header: str | None) -> bool:
        """Adopt the server's clock; False when the header is absent or unparseable."""
        if not date_header:
            return False
        try:
            server = email.utils.parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        self.offset = server - time.time()
        return True


def encode_body(credentials: Credentials, params: Mapping[str, Any]) -> bytes:
    """Common params first (as in the docs' examples), then the operation's, compact JSON."""
    clash = [k for k in COMMON_PARAMS if k in params]
    if clash:
        raise ValueError(f"{', '.join(clash)} are set by the client; do not pass them as params")
    body: dict[str, Any] = {
        "customer_id": credentials.customer_id,
        "app_id": credentials.app_id,
        "key": credentials.key,
    }
    body.update(params)
    return dumps(body)


def _decode(response: httpx.Response, *, path: str, traceid: str) -> Any:
    status = response.status_code
    try:
        payload = loads(response.content)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and "code" in payload:
        raw_code = payload["code"]
        try:
            code = int(raw_code)
        except (TypeError, ValueError):
            code = None
        if code == 0:
            return payload.get("data")
        if code is not None:
            message = payload.get("message")
            raise error_for_code(
                code,
                message if isinstance(message, str) else "",
                traceid=traceid,
                path=path,
                status_code=status,
            )
    kind = response.headers.get("content-type", "unknown content type").split(";")[0]
    size = len(response.content)
    detail = f"HTTP {status} with a body that is not a LEMFT envelope ({kind}, {size} bytes)"
    if status >= 400:
        raise APIStatusError(None, detail, traceid, path, status_code=status)
    raise APIResponseValidationError(None, detail, traceid, path, status_code=status)


def _as_sdk_error(error: BaseException, *, path: str, traceid: str) -> LemftError:
    if isinstance(error, LemftError):
        return error
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out ({reason})", path=path, traceid=traceid)
    return APIConnectionError(f"connection error ({reason})", path=path, traceid=traceid)


def _retry_after(
    error: BaseException, response: httpx.Response | None, policy: RetryPolicy
) -> float | None:
    if response is None or not isinstance(error, APIError):
        return None
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= policy.max_retry_after else None


@dataclass
class Transport:
    """Everything one set of credentials needs to send calls; shared by ``with_options`` copies."""

    http: httpx.AsyncClient
    base_url: str
    credentials: Credentials
    gate: Gate
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = field(default_factory=Clock)
    signature_encoding: SignatureEncoding = "hex"
    user_agent: str = "lemft-async"

    def gate_key(self, path: str) -> GateKey:
        return GateKey(self.base_url, self.credentials.customer_id, self.credentials.app_id, path)

    async def call(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        kind: OperationKind,
        operation: str | None = None,
        max_retries: int,
        timeout: httpx.Timeout | None = None,
        traceid: str | None = None,
    ) -> Any:
        """Send one logical call and return the envelope's ``data``; raise a typed error."""
        body = encode_body(self.credentials, params)
        traceid = traceid or uuid.uuid4().hex
        out_order_id = params.get("out_order_id")
        url = self.base_url + path
        key = self.gate_key(path)
        label = operation or path
        resynced = False
        retries = 0
        while True:
            response: httpx.Response | None = None
            started = time.perf_counter()
            try:
                async with self.gate.hold(key):
                    timestamp = str(self.clock.timestamp())
                    headers = {
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                        "User-Agent": self.user_agent,
                        "timestamp": timestamp,
                        "signature": compute_signature(
                            self.credentials.api_key, body, timestamp, self.signature_encoding
                        ),
                        "traceid": traceid,
                    }
                    response = await self.http.post(
                        url, content=body, headers=headers, timeout=timeout
                    )
                data = _decode(response, path=path, traceid=traceid)
            except (APIError, httpx.TransportError) as exc:
                error: BaseException = exc
            else:
                logger.info(
                    "%s %s ok in %.1f ms (attempt %d, traceid=%s)",
                    label,
                    path,
                    (time.perf_counter() - started) * 1000,
                    retries + 1,
                    traceid,
                )
                return data

            disposition = classify(error)
            can_retry = retries < max_retries
            if disposition is Disposition.RESYNC_CLOCK:
                if can_retry and not resynced and response is not None:
                    resynced = True
                    if self.clock.resync(response.headers.get("date")):
                        logger.info(
                            "%s %s: 10003, clock offset now %+.1f s; retrying (traceid=%s)",
                            label,
                            path,
                            self.clock.offset,
                            traceid,
                        )
                        retries += 1
                        continue
                raise _as_sdk_error(error, path=path, traceid=traceid) from _cause(error)
            if disposition is Disposition.RETRY_IF_READ and kind == "write":
                sdk_error = _as_sdk_error(error, path=path, traceid=traceid)
                raise OutcomeUnknownError(
                    f"outcome unknown after {type(sdk_error).__name__}: {sdk_error}; not re-sent",
                    operation=operation,
                    path=path,
                    traceid=traceid,
                    out_order_id=str(out_order_id) if out_order_id is not None else None,
                    cause=sdk_error,
                ) from sdk_error
            if disposition is Disposition.RAISE or not can_retry:
                raise _as_sdk_error(error, path=path, traceid=traceid) from _cause(error)
            delay = _retry_after(error, response, self.retry_policy)
            if delay is None:
                delay = self.retry_policy.delay(retries)
            logger.info(
                "%s %s: %s; retry %d/%d in %.3f s (traceid=%s)",
                label,
                path,
                _short(error),
                retries + 1,
                max_retries,
                delay,
                traceid,
            )
            retries += 1
            await _sleep(delay)


def _cause(error: BaseException) -> BaseException | None:
    # Chain transport exceptions for debugging; API errors are already the root cause.
    return None if isinstance(error, LemftError) else error


def _short(error: BaseException) -> str:
    if isinstance(error, APIError):
        return f"code {error.code}" if error.code is not None else f"HTTP {error.status_code}"
    return type(error).__name__
