"""Which failures may be retried, and how long to wait between attempts.

Each API has a classification table: its business codes first (LEMFT's in
``lemft_async._transport``, Payin's and KeySecure's in their transports), then the rows
every API shares, ``classify_http``:

| failure                                        | read       | write                    |
|------------------------------------------------|------------|--------------------------|
| connection never established / pool timeout    | retry      | retry                    |
| HTTP 429 without an envelope (inferred)        | retry      | retry                    |
| HTTP 5xx, timeout after send, dropped          |            |                          |
|   connection, undecodable body                 | retry      | OutcomeUnknownError      |
| an answer over ``max_response_bytes``          | raise      | OutcomeUnknownError      |
| other HTTP 4xx, unsupported protocol           | raise      | raise                    |

Backoff is exponential with *full* jitter: ``uniform(0, min(max_delay, initial * 2**n))``.
Full jitter spreads tasks that collided on one URL instead of re-colliding them.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

import httpx

from ._errors import APIError, APIResponseValidationError, APIStatusError
from ._exchange import APIResponseTooLargeError

__all__ = ["Disposition", "RetryPolicy", "classify_http"]


class Disposition(enum.Enum):
    """What the transport does with a failed attempt."""

    RETRY = "retry"  # the server did not act: always safe
    RETRY_IF_READ = "retry_if_read"  # outcome unknown: safe only for reads
    RESYNC_CLOCK = "resync_clock"  # a timestamp refusal: fix the clock offset, then retry
    UNKNOWN_IF_WRITE = "unknown_if_write"  # a read raises it; a write's outcome is unknown
    RAISE = "raise"


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff parameters. ``max_retries`` lives on the client (it is per call overridable)."""

    initial_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    """A server ``Retry-After`` above this is capped to it (waiting less would only be
    refused again; waiting longer would hold the caller for the server's whim)."""

    def __post_init__(self) -> None:
        if not (self.initial_delay >= 0 and self.max_delay >= self.initial_delay):
            raise ValueError("RetryPolicy needs 0 <= initial_delay <= max_delay")

    def ceiling(self, retry_index: int) -> float:
        """The upper bound of ``delay(retry_index)``."""
        return min(self.max_delay, self.initial_delay * (2.0**retry_index))

    def delay(self, retry_index: int, rng: random.Random | None = None) -> float:
        """Seconds to sleep before retry number ``retry_index`` (0-based): full jitter."""
        return (rng or random).uniform(0.0, self.ceiling(retry_index))


def classify_http(error: BaseException) -> Disposition:
    """The rows every API shares: HTTP statuses, unreadable bodies and transport errors.

    Each API's own table checks its business codes first, then falls back to this; any
    other business-code error is raised.
    """
    if isinstance(error, APIResponseTooLargeError):
        # The same request would bring the same answer: a read raises, a write is unknown.
        return Disposition.UNKNOWN_IF_WRITE
    if isinstance(error, APIResponseValidationError):
        return Disposition.RETRY_IF_READ
    if isinstance(error, APIStatusError):
        status = error.status_code or 0
        if status == 429:
            return Disposition.RETRY
        return Disposition.RETRY_IF_READ if status >= 500 else Disposition.RAISE
    if isinstance(error, APIError):
        return Disposition.RAISE
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Disposition.RETRY
    if isinstance(error, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return Disposition.RAISE
    # DecodingError (a body httpx cannot decode) and every other transport error (a read
    # timeout, a reset, a closed socket): the request was or may have been sent.
    if isinstance(error, httpx.TransportError | httpx.DecodingError):
        return Disposition.RETRY_IF_READ
    return Disposition.RAISE
