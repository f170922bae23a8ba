"""What every client of the package shares: its options, the pool it may own, its lifecycle.

``AsyncLemft``, ``AsyncPayin`` and ``AsyncKeySecure`` all hold a timeout, a retry count and
an ``httpx.AsyncClient`` they either created (and so must close) or were handed (and must
leave open). ``with_options`` copies share that pool; only the original closes it.
"""

from __future__ import annotations

import copy
import platform
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import Any, ClassVar, TypedDict

import httpx
from typing_extensions import Self, Unpack

from .._version import __version__
from ._checks import check_max_response_bytes, check_max_retries, check_timeout
from ._hooks import EventHooks
from ._options import CallSettings, check_headers, resolve_call_settings
from ._pool import PoolClient
from ._retry import RetryPolicy
from ._telemetry import Telemetry, TelemetrySpec, build_telemetry
from ._transport import BaseTransport

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


class CopyOptions(TypedDict, total=False):
    """What ``with_options`` may change on every client (each adds its own: host, gate)."""

    timeout: float | httpx.Timeout
    max_retries: int
    retry_policy: RetryPolicy | None
    default_headers: Mapping[str, str]
    max_response_bytes: int
    event_hooks: EventHooks | None


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
    _telemetry_spec: ClassVar[TelemetrySpec]
    """The API as its spans and metrics name it (``lemft``, ``payin``, ``keysecure``)."""

    _timeout: httpx.Timeout
    _max_retries: int
    _default_headers: Mapping[str, str]
    _transport: BaseTransport
    _http: httpx.AsyncClient
    _owns_http: bool
    _closed: bool
    _defaults: CallSettings | None
    """The settings of a call without per-call options, made once (reset on a change)."""

    @staticmethod
    def _check_timeout(value: Any) -> httpx.Timeout:
        return check_timeout(value)

    def _set_options(
        self,
        timeout: float | httpx.Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None = None,
        *,
        protected: frozenset[str] = frozenset(),
    ) -> None:
        self._defaults = None
        self._timeout = self._check_timeout(timeout)
        self._max_retries = check_max_retries(max_retries)
        self._default_headers = (
            {}
            if default_headers is None
            else _headers("default_headers", default_headers, protected)
        )

    def _build_telemetry(
        self, instrument: object, event_hooks: EventHooks | None
    ) -> Telemetry | None:
        """The ``instrument=`` / ``event_hooks=`` of the constructor, checked (before the
        pool is created); ``None`` when both are off."""
        return build_telemetry(self._telemetry_spec, instrument, event_hooks)

    def _call_settings(self, options: Mapping[str, Any]) -> CallSettings:
        """The settings of one call: its per-call options (checked, before any request)
        over this client's timeout, retries and default headers."""
        if not options:
            # Most calls: the same settings every time.
            if self._defaults is None:
                self._defaults = self._resolve_settings(options)
            return self._defaults
        return self._resolve_settings(options)

    def _resolve_settings(self, options: Mapping[str, Any]) -> CallSettings:
        return resolve_call_settings(
            options,
            timeout=self._timeout,
            max_retries=self._max_retries,
            default_headers=self._default_headers,
            protected=self._transport.protected_headers,
            check_timeout=self._check_timeout,
        )

    def _open_http(
        self,
        http_client: httpx.AsyncClient | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncClient:
        """The caller's pool, or a new one this client owns (and will close)."""
        self._owns_http = http_client is None
        self._closed = False
        self._http = http_client or PoolClient(
            timeout=self._timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            transport=transport,
        )
        return self._http

    def with_options(self, **options: Unpack[CopyOptions]) -> Self:
        """A copy with other defaults, sharing the connection pool and everything else
        (gate, clock, token cache, OpenTelemetry instruments).

        ``event_hooks`` replaces the copy's hooks (``{}``: none).

        ``default_headers`` are added to the original's (a name given again replaces its
        value). Cheap (no new connections); closing the copy does not close the shared pool.
        """
        unknown = sorted(set(options) - set(CopyOptions.__annotations__))
        if unknown:
            # **options accepts any name at run time: a typo must not be ignored silently.
            raise TypeError(f"with_options() got unexpected option(s): {', '.join(unknown)}")
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
        clone._defaults = None
        timeout = options.get("timeout", _NOT_GIVEN)
        max_retries = options.get("max_retries", _NOT_GIVEN)
        default_headers = options.get("default_headers", _NOT_GIVEN)
        retry_policy = options.get("retry_policy", _NOT_GIVEN)
        max_response_bytes = options.get("max_response_bytes", _NOT_GIVEN)
        if timeout is not _NOT_GIVEN:
            clone._timeout = clone._check_timeout(timeout)
        if max_retries is not _NOT_GIVEN:
            clone._max_retries = check_max_retries(max_retries)
        if default_headers is not _NOT_GIVEN:
            extra = _headers("default_headers", default_headers, self._transport.protected_headers)
            merged = httpx.Headers(self._default_headers)
            merged.update(extra)
            clone._default_headers = merged
        changes: dict[str, Any] = {}
        if retry_policy is not _NOT_GIVEN:
            if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
                raise TypeError("retry_policy must be a RetryPolicy")
            changes["retry_policy"] = retry_policy or RetryPolicy()
        if max_response_bytes is not _NOT_GIVEN:
            changes["max_response_bytes"] = check_max_response_bytes(max_response_bytes)
        if "event_hooks" in options:
            # The copy's own hooks; the OTel instruments (if any) stay shared.
            current = self._transport.telemetry
            changes["telemetry"] = build_telemetry(
                self._telemetry_spec,
                False,
                options["event_hooks"],
                otel=None if current is None else current.otel,
            )
        if changes:
            clone._replace_transport(**changes)
        return clone

    def _replace_transport(self, **changes: Any) -> None:
        """Give this copy its own transport object with ``changes`` (the pool, clock, gate
        and token cache it refers to stay shared)."""
        transport = copy.copy(self._transport)
        for name, value in changes.items():
            setattr(transport, name, value)
        self._transport = transport

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """The client with every omitted argument read from its environment variables
        (``LEMFT_*``, ``PAYIN_*``, ``KEYSECURE_*``: the README's table); keyword arguments
        win. The same as calling the constructor, which reads them too."""
        return cls(**overrides)

    @property
    def base_url(self) -> str:
        """The API's base URL (scheme and host lower case, no trailing slash)."""
        return self._transport.base_url

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

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _headers(name: str, value: Mapping[str, str], protected: frozenset[str]) -> Mapping[str, str]:
    return httpx.Headers(check_headers(name, value, protected))
