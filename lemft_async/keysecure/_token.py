"""Access-Token cache: fetched once for many concurrent callers, refreshed before expiry.

Get Token (``GET /open-api/v1/merchant/token``) answers ``access_token`` and
``expired_time``, documented as a Unix timestamp in **milliseconds** (the docs' example
``1716393600000`` is exactly 24 h after their example request ``Timestamp``). The SDK
reads it as follows:

- ``> 1e12``: absolute Unix milliseconds (documented; an int, digit text or a decimal);
- ``1e9 .. 1e12``: absolute Unix seconds (*inferred* fallback for a server that sends
  seconds; as milliseconds such a value would be a 1970-2001 date, already past);
- ``0 .. 1e9``: a lifetime in seconds from the moment of the fetch (like OAuth's
  ``expires_in``; *inferred* fallback);
- anything else (missing, zero, negative, already past): unknown. The token is then kept
  until the server rejects it with 1007, which is safe: 1007 means the call was refused.

The token is refreshed ``margin`` seconds before expiry (never earlier than half-way
through its life, so short-lived tokens are still reused). All of this is single flight:
one fetch runs at a time, callers that queued behind it take its result, or its error.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio
from anyio.lowlevel import RunVar

from .._core._clock import Clock
from .._core._errors import APIResponseValidationError
from .._core._logging import logger

__all__ = ["Token", "TokenManager", "interpret_expiry"]

# One lock per (event loop, manager): an anyio lock belongs to the loop that made it, and
# a client reused from another loop (a new asyncio.run, a test) must not inherit it.
_LOCKS: RunVar[weakref.WeakKeyDictionary[TokenManager, anyio.Lock]] = RunVar(
    "lemft_async_keysecure_token_locks"
)


def interpret_expiry(raw: Any, fetched_at: float) -> float | None:
    """``expired_time`` as absolute epoch seconds, or ``None`` when it cannot be read."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None  # e.g. a 5,000-digit value: not a time
    if number > 1e12:
        expires = number / 1000.0
    elif number > 1e9:
        expires = number
    else:
        expires = fetched_at + number
    return expires if expires > fetched_at else None


class Token:
    """One Access-Token. The value never appears in ``repr``/``str``."""

    __slots__ = ("expired_time", "expires_at", "fetched_at", "refresh_at", "value")

    def __init__(self, value: str, *, expired_time: Any, fetched_at: float, margin: float):
        self.value = value
        self.expired_time = expired_time
        """The raw ``expired_time`` the server sent."""
        self.fetched_at = fetched_at
        self.expires_at = interpret_expiry(expired_time, fetched_at)
        """Absolute epoch seconds, or ``None`` if unknown (kept until a 1007)."""
        if self.expires_at is None:
            self.refresh_at = math.inf
        else:
            halfway = fetched_at + (self.expires_at - fetched_at) / 2
            self.refresh_at = max(self.expires_at - margin, halfway)

    def is_fresh(self, now: float) -> bool:
        return now < self.refresh_at

    def __repr__(self) -> str:
        return f"Token(value=***, expires_at={self.expires_at}, refresh_at={self.refresh_at})"

    __str__ = __repr__


class TokenManager:
    """Single-flight cache around a token fetcher.

    ``fetch`` returns the decoded ``data`` of Get Token. ``fetch_count`` counts fetches
    started (for tests and metrics).
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Any]],
        *,
        clock: Clock,
        margin: float = 60.0,
    ) -> None:
        if isinstance(margin, bool) or not isinstance(margin, int | float) or margin < 0:
            raise ValueError(f"token_refresh_margin must be a number >= 0, got {margin!r}")
        self._fetch = fetch
        self._clock = clock
        self._margin = float(margin)
        self._token: Token | None = None
        self._failure: Exception | None = None
        self._generation = 0
        self.fetch_count = 0

    @property
    def current(self) -> Token | None:
        """The cached token, fresh or not (``None`` before the first fetch)."""
        return self._token

    def invalidate(self) -> None:
        """Forget the cached token; the next call fetches a new one."""
        self._token = None

    def _get_lock(self) -> anyio.Lock:
        try:
            table = _LOCKS.get()
        except LookupError:
            table = weakref.WeakKeyDictionary()
            _LOCKS.set(table)
        lock = table.get(self)
        if lock is None:
            lock = table[self] = anyio.Lock()
        return lock

    async def get(self) -> Token:
        """A fresh token: the cached one, or one fetched now (once for all waiters)."""
        token = self._token
        if token is not None and token.is_fresh(self._clock.now()):
            return token
        return await self._refresh(lambda t: t.is_fresh(self._clock.now()))

    async def replace_rejected(self, rejected: Token) -> Token:
        """After a 1007 with ``rejected``: fetch a new token unless another caller already
        did, so N concurrent rejections of one token cause one fetch."""
        return await self._refresh(lambda t: t is not rejected and t.is_fresh(self._clock.now()))

    async def _refresh(self, usable: Callable[[Token], bool]) -> Token:
        seen = self._generation
        async with self._get_lock():
            if self._generation != seen and self._failure is not None:
                # The fetch we queued behind failed: share its error instead of
                # hammering a failing endpoint once per waiter.
                raise self._failure
            token = self._token
            if token is not None and usable(token):
                return token
            self.fetch_count += 1
            try:
                token = self._build(await self._fetch())
            except Exception as exc:
                self._failure = exc
                self._generation += 1
                raise
            # Counted on completion (not start), so callers that queued while this fetch
            # was running can tell it finished. A cancelled fetch completes nothing.
            self._failure = None
            self._generation += 1
            self._token = token
            logger.info(
                "keysecure: access token fetched (expires_at=%s, refresh_at=%s)",
                token.expires_at,
                token.refresh_at,
            )
            return token

    def _build(self, data: Any) -> Token:
        value = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise APIResponseValidationError(
                None,
                "Get Token answered without a usable data.access_token",
                None,
                "/open-api/v1/merchant/token",
            )
        token = Token(
            value,
            expired_time=data.get("expired_time"),
            fetched_at=self._clock.now(),
            margin=self._margin,
        )
        if token.expires_at is None:
            logger.info("keysecure: token expiry unreadable; keeping it until a 1007")
        return token
