"""What every client of the package shares: its options, the pool it may own, its lifecycle.

``AsyncLemft``, ``AsyncPayin`` and ``AsyncKeySecure`` all hold a timeout, a retry count and
an ``httpx.AsyncClient`` they either created (and so must close) or were handed (and must
leave open). ``with_options`` copies share that pool; only the original closes it.
"""

from __future__ import annotations

import platform
from functools import cached_property
from types import TracebackType
from typing import Any, ClassVar, TypeVar

import httpx

from .._version import __version__
from ._checks import check_max_retries, check_timeout

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "BaseClient",
    "user_agent",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=40)

# "Not passed" for with_options, where None would be a (refused) value.
_NOT_GIVEN: Any = object()

_C = TypeVar("_C", bound="BaseClient")


def user_agent(product: str) -> str:
    """``lemft-async/<version> (<product>; python ...; httpx ...)``: names the SDK, its
    version and which of its clients sent the request."""
    return (
        f"lemft-async/{__version__} ({product}; python {platform.python_version()}; "
        f"httpx {httpx.__version__})"
    )


class BaseClient:
    """Timeout, retries, connection pool and lifecycle (``async with`` / ``aclose()``).

    A subclass calls ``_set_options`` and then ``_open_http`` from its ``__init__`` (in
    that order, so the arguments are checked before a pool is created).
    """

    _client_name: ClassVar[str]
    """Named in the error raised when a closed client is used."""

    _timeout: httpx.Timeout
    _max_retries: int
    _http: httpx.AsyncClient
    _owns_http: bool
    _closed: bool

    @staticmethod
    def _check_timeout(value: Any) -> httpx.Timeout:
        return check_timeout(value)

    def _set_options(self, timeout: float | httpx.Timeout, max_retries: int) -> None:
        self._timeout = self._check_timeout(timeout)
        self._max_retries = check_max_retries(max_retries)

    def _open_http(
        self,
        http_client: httpx.AsyncClient | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncClient:
        """The caller's pool, or a new one this client owns (and will close)."""
        self._owns_http = http_client is None
        self._closed = False
        self._http = http_client or httpx.AsyncClient(
            timeout=self._timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            transport=transport,
        )
        return self._http

    def with_options(
        self: _C,
        *,
        timeout: float | httpx.Timeout = _NOT_GIVEN,
        max_retries: int = _NOT_GIVEN,
    ) -> _C:
        """A copy with other defaults, sharing the connection pool and everything else
        (gate, clock, token cache).

        Cheap (no new connections); closing the copy does not close the shared pool.
        """
        clone = object.__new__(type(self))
        # Namespaces (cached properties) are left out: the copy builds its own, bound to it.
        clone.__dict__.update(
            {
                k: v
                for k, v in self.__dict__.items()
                if not isinstance(getattr(type(self), k, None), cached_property)
            }
        )
        clone._owns_http = False
        clone._closed = False
        if timeout is not _NOT_GIVEN:
            clone._timeout = clone._check_timeout(timeout)
        if max_retries is not _NOT_GIVEN:
            clone._max_retries = check_max_retries(max_retries)
        return clone

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-request timeout."""
        return self._timeout

    @property
    def max_retries(self) -> int:
        """How many times a retryable failure is retried."""
        return self._max_retries

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"this {self._client_name} client is closed")

    async def aclose(self) -> None:
        """Close the connection pool (only if this client created it)."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
