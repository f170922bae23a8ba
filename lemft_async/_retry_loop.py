"""The attempt loop every transport shares: send -> decode, then recover, back off or raise.

Each API passes in what is its own: how one attempt is sent and decoded, its classification
table (a ``Disposition`` per failure), its recoveries (LEMFT's clock re-sync on 10003,
KeySecure's token refresh and clock re-sync) and which ``OutcomeUnknownError`` to raise.
What is the same for all lives here: a write whose outcome is unknown is never re-sent;
only what the table calls retryable is retried, at most ``max_retries`` times, after the
server's ``Retry-After`` or a full-jitter backoff.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import httpx

from ._endpoints import OperationKind
from ._errors import APIError, APIResponseValidationError, LemftError, OutcomeUnknownError
from ._http_errors import as_sdk_error
from ._logging import logger
from ._retry import Disposition, RetryPolicy

__all__ = [
    "OutcomeUnknownFactory",
    "Recover",
    "Recovery",
    "run_attempts",
    "warn_cancelled_write",
]

T = TypeVar("T")

_RETRYABLE = (Disposition.RETRY, Disposition.RETRY_IF_READ)


class Recovery(enum.Enum):
    """What a ``recover`` hook did about a failed attempt: it fixed the cause, so retry now."""

    RETRY = "retry"
    """Not counted against ``max_retries`` (KeySecure: new token, clock re-synced)."""
    RETRY_COUNTED = "retry_counted"
    """Counted against ``max_retries`` (LEMFT's 10003 clock re-sync)."""


Recover = Callable[
    [BaseException, Disposition, httpx.Response | None, int], Awaitable[Recovery | None]
]
"""``recover(error, disposition, response, retries)``: a ``Recovery``, or ``None`` to leave
the failure to the classification table."""


class OutcomeUnknownFactory(Protocol):
    """Builds the API's ``OutcomeUnknownError`` subclass for one call."""

    def __call__(self, message: str, *, cause: LemftError) -> OutcomeUnknownError: ...


async def run_attempts(
    send: Callable[[], Awaitable[httpx.Response]],
    decode: Callable[[httpx.Response], T],
    *,
    kind: OperationKind,
    max_retries: int,
    policy: RetryPolicy,
    classify: Callable[[BaseException], Disposition],
    outcome_unknown: OutcomeUnknownFactory,
    sleep: Callable[[float], Awaitable[object]],
    path: str,
    label: str,
    traceid: str | None = None,
    log: logging.Logger = logger,
    prepare: Callable[[], Awaitable[None]] | None = None,
    recover: Recover | None = None,
) -> T:
    """Run one logical call and return ``decode``'s result; raise a typed error.

    ``prepare`` runs before each attempt, outside the error handling (KeySecure fetches
    its token there: a failed token fetch is already a finished, typed call). ``sleep``
    is the caller's module-level alias, so tests can patch each transport's backoff.
    """
    retries = 0
    while True:
        if prepare is not None:
            await prepare()
        response: httpx.Response | None = None
        started = time.perf_counter()
        try:
            response = await send()
            result = _decoded(decode, response, path=path, traceid=traceid)
        except (APIError, httpx.RequestError) as exc:
            # RequestError, not just TransportError: an answer httpx cannot decode
            # (DecodingError) must also be classified, never escape raw.
            error: BaseException = exc
        else:
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s ok in %.1f ms (attempt %d%s)",
                    label,
                    path,
                    (time.perf_counter() - started) * 1000,
                    retries + 1,
                    f", traceid={traceid}" if traceid else "",
                )
            return result

        disposition = classify(error)
        if kind == "write" and isinstance(error, APIError) and (error.status_code or 0) >= 500:
            # A business code inside an HTTP error answer may come from an intermediary
            # or a failing server: that the server did not act is not known.
            disposition = Disposition.RETRY_IF_READ
        elif recover is not None:
            recovery = await recover(error, disposition, response, retries)
            if recovery is not None:
                if recovery is Recovery.RETRY_COUNTED:
                    retries += 1
                continue
        if kind == "write" and disposition in (
            Disposition.RETRY_IF_READ,
            Disposition.UNKNOWN_IF_WRITE,
        ):
            sdk_error = as_sdk_error(error, path=path, traceid=traceid)
            raise outcome_unknown(
                f"outcome unknown after {type(sdk_error).__name__}: {sdk_error}; not re-sent",
                cause=sdk_error,
            ) from sdk_error
        if disposition not in _RETRYABLE or retries >= max_retries:
            # Never chained to the httpx exception: its .request holds the signed body
            # (with ``key``) and a replayable signature. Its type is in the message.
            raise as_sdk_error(error, path=path, traceid=traceid) from None
        delay = retry_after(error, response, policy)
        if delay is None:
            delay = policy.delay(retries)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s: %s; retry %d/%d in %.3f s%s",
                label,
                path,
                _short(error),
                retries + 1,
                max_retries,
                delay,
                f" (traceid={traceid})" if traceid else "",
            )
        retries += 1
        await sleep(delay)


def retry_after(
    error: BaseException, response: httpx.Response | None, policy: RetryPolicy
) -> float | None:
    """The server's ``Retry-After`` seconds for an API answer, if sane; else ``None``."""
    if response is None or not isinstance(error, APIError):
        return None
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # A longer Retry-After is capped, not ignored: a shorter backoff would only be refused.
    return min(seconds, policy.max_retry_after) if seconds >= 0 else None


def _decoded(
    decode: Callable[[httpx.Response], T],
    response: httpx.Response,
    *,
    path: str,
    traceid: str | None,
) -> T:
    """``decode(response)``; anything unexpected it raises is an unreadable answer.

    An answer that breaks the decoder (absurd nesting, an out-of-range number) came back
    from a server that may have acted: it must be classified like any undecodable body
    (retried for reads, ``OutcomeUnknownError`` for writes), never escape raw.
    """
    try:
        return decode(response)
    except (APIError, httpx.RequestError):
        raise
    except Exception as exc:
        raise APIResponseValidationError(
            None,
            f"the answer could not be decoded ({type(exc).__name__})",
            traceid,
            path,
            status_code=response.status_code,
        ) from None


def warn_cancelled_write(
    log: logging.Logger, label: str, path: str, reference: str | None, traceid: str | None
) -> None:
    """Log that a write was cancelled after it was sent: its outcome is unknown."""
    log.warning(
        "%s %s: cancelled after the request was sent; the outcome is unknown, reconcile "
        "before retrying (reference=%s, traceid=%s)",
        label,
        path,
        reference,
        traceid,
    )


def _short(error: BaseException) -> str:
    if isinstance(error, APIError):
        return f"code {error.code}" if error.code is not None else f"HTTP {error.status_code}"
    return type(error).__name__
