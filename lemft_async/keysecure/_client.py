"""``AsyncKeySecure``: configuration, namespaces, token access and callback decoding."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import cached_property
from typing import Any

import httpx
from typing_extensions import Self, Unpack

from .._core._client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
    CopyOptions,
    user_agent,
)
from .._core._clock import Clock
from .._core._codec import dumps
from .._core._endpoint import Endpoint, build_path
from .._core._env import EnvOption, from_environment
from .._core._exchange import DEFAULT_MAX_RESPONSE_BYTES
from .._core._hooks import EventHooks
from .._core._logging import setup_from_env
from .._core._options import CallSettings
from .._core._otel import Instrument
from .._core._retry import RetryPolicy
from .._core._telemetry import TelemetrySpec
from ._accounts import AsyncAccounts
from ._cardholders import AsyncCardholders
from ._cards import AsyncCards
from ._catalog import AsyncBins, AsyncPackages
from ._config import check_header_value, parse_utc_offset, resolve_base_url
from ._consumptions import AsyncConsumptions
from ._crypto import Decryptor, Encryptor
from ._endpoints import resolve_paths
from ._events import DEFAULT_TOLERANCE, CallbackVerifier, KeySecureEvent
from ._models import AccessToken
from ._token import TokenManager
from ._transport import KeySecureTransport, references

__all__ = ["DEFAULT_MAX_RETRIES", "AsyncKeySecure"]


KEYSECURE_VARIABLES = (
    EnvOption("api_key", "KEYSECURE_API_KEY"),
    EnvOption("api_secret", "KEYSECURE_API_SECRET"),
)


def _secret(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


class AsyncKeySecure(BaseClient):
    """Async client for the KeySecure open platform (card issuing).

    >>> async with AsyncKeySecure(api_key="...", api_secret="...", environment="sandbox") as ks:
    ...     page = await ks.cards.list(start_time="2026-01-01", end_time="2026-03-31")

    Every call carries ``Api-Key``, a 13-digit ms ``Timestamp``, the cached
    ``Access-Token``, ``Timezone`` and ``Language``. The token is fetched once for all
    concurrent callers and refreshed before it expires or after a 1007; a 1005 re-syncs
    the clock; 1009 is retried with backoff; writes are never re-sent on an unknown outcome.
    """

    _client_name = "AsyncKeySecure"
    _telemetry_spec = TelemetrySpec("keysecure")
    _transport: KeySecureTransport

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        environment: str | None = None,
        base_url: str | None = None,
        timezone: str = "UTC+8",
        language: str = "en_US",
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        allow_insecure: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        token_refresh_margin: float = 60.0,
        path_overrides: Mapping[str, str] | None = None,
        callback_app_id: str | None = None,
        callback_secret: str | Sequence[str] | None = None,
        callback_tolerance: float = DEFAULT_TOLERANCE,
        decrypt: Decryptor | None = None,
        encrypt: Encryptor | None = None,
        clock: Callable[[], float] | None = None,
        default_headers: Mapping[str, str] | None = None,
        instrument: Instrument = False,
        event_hooks: EventHooks | None = None,
    ) -> None:
        """``environment`` is ``"sandbox"`` or ``"production"``; ``base_url`` targets any
        host (tests, the embedded sandbox). One of them is required: no host is chosen for
        you.

        ``callback_app_id`` / ``callback_secret`` default to ``api_key`` / ``api_secret``
        (inferred; several secrets may be given for rotation). ``decrypt`` / ``encrypt``
        are your AES functions for privacy data, CVV and PIN. ``clock`` is the wall-clock
        source in epoch seconds (for simulations and tests). ``instrument`` (OpenTelemetry,
        extra ``otel``) and ``event_hooks`` report every call (README "Observability").
        """
        setup_from_env()
        given = from_environment(
            {
                "api_key": api_key,
                "api_secret": api_secret,
                "environment": environment,
                "base_url": base_url,
            },
            KEYSECURE_VARIABLES,
            prefix="KEYSECURE",
        )
        api_key, api_secret = given["api_key"], given["api_secret"]
        environment, base_url = given["environment"], given["base_url"]
        api_key = _secret("api_key", api_key)
        self._api_secret = _secret("api_secret", api_secret)
        self._timezone = check_header_value("timezone", timezone)
        self._language = check_header_value("language", language)
        self._utc_offset: dt_timezone | None = parse_utc_offset(self._timezone)
        self._set_options(
            timeout, max_retries, default_headers, protected=KeySecureTransport.protected_headers
        )
        self._endpoints = resolve_paths(path_overrides)
        self._decrypt = decrypt
        self._encrypt = encrypt
        resolved = resolve_base_url(environment, base_url, allow_insecure=allow_insecure)
        telemetry = self._build_telemetry(instrument, event_hooks)
        http = self._open_http(http_client)
        clock_obj = Clock(source=clock) if clock is not None else Clock()
        self._transport = KeySecureTransport(
            http=http,
            base_url=resolved,
            api_key=api_key,
            timezone=self._timezone,
            language=self._language,
            user_agent=user_agent("keysecure"),
            clock=clock_obj,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            telemetry=telemetry,
        )
        self._transport.extra_secrets = (self._api_secret,)
        self._token_refresh_margin = token_refresh_margin
        self._transport.tokens = TokenManager(
            self._fetch_token_data, clock=clock_obj, margin=token_refresh_margin
        )
        self._verifier = CallbackVerifier(
            app_id=callback_app_id if callback_app_id is not None else api_key,
            secret=callback_secret if callback_secret is not None else self._api_secret,
            tolerance=callback_tolerance,
            clock=clock_obj.now,
        )

    def with_options(
        self,
        *,
        environment: str | None = None,
        base_url: str | None = None,
        allow_insecure: bool = False,
        **options: Unpack[CopyOptions],
    ) -> Self:
        """A copy with other defaults (``timeout``, ``max_retries``, ``retry_policy``,
        ``default_headers``, ``max_response_bytes``) sharing the pool and the token cache;
        a copy pointed at another host (``environment``/``base_url``) gets its own token
        cache."""
        resolved = (
            None
            if environment is None and base_url is None
            else resolve_base_url(environment, base_url, allow_insecure=allow_insecure)
        )
        clone = super().with_options(**options)
        if resolved is not None and resolved != self.base_url:
            clone._replace_transport(base_url=resolved)
            # A token is valid on the host that issued it: the copy fetches its own.
            clone._transport.tokens = TokenManager(
                clone._fetch_token_data,
                clock=clone._transport.clock,
                margin=self._token_refresh_margin,
            )
        return clone

    # -- properties -------------------------------------------------------------------------

    @property
    def timezone(self) -> str:
        return self._timezone

    @property
    def language(self) -> str:
        return self._language

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The catalogue as this client uses it (``path_overrides`` applied)."""
        return dict(self._endpoints)

    @property
    def token_fetch_count(self) -> int:
        """How many Get Token calls this client (and its copies) started."""
        tokens = self._transport.tokens
        return tokens.fetch_count if tokens is not None else 0

    @property
    def callback_verifier(self) -> CallbackVerifier:
        """The verifier ``construct_event`` uses (for ``AuthReceiver`` and friends)."""
        return self._verifier

    # -- namespaces -------------------------------------------------------------------------

    @cached_property
    def cardholders(self) -> AsyncCardholders:
        return AsyncCardholders(self)

    @cached_property
    def cards(self) -> AsyncCards:
        return AsyncCards(self)

    @cached_property
    def consumptions(self) -> AsyncConsumptions:
        return AsyncConsumptions(self)

    @cached_property
    def accounts(self) -> AsyncAccounts:
        return AsyncAccounts(self)

    @cached_property
    def packages(self) -> AsyncPackages:
        return AsyncPackages(self)

    @cached_property
    def bins(self) -> AsyncBins:
        return AsyncBins(self)

    # -- token and callbacks ----------------------------------------------------------------

    async def get_token(self, *, force_refresh: bool = False) -> AccessToken:
        """The Access-Token in use (fetched if needed; ``force_refresh`` fetches anew)."""
        self._check_open()
        tokens = self._transport.tokens
        assert tokens is not None
        if force_refresh:
            tokens.invalidate()
        token = await tokens.get()
        expires = (
            None
            if token.expires_at is None
            else datetime.fromtimestamp(token.expires_at, dt_timezone.utc)
        )
        return AccessToken(
            access_token=token.value, expired_time=token.expired_time, expires_at=expires
        )

    def construct_event(self, raw_body: bytes | str, headers: Mapping[str, str]) -> KeySecureEvent:
        """Verify a callback's V1 signature from the raw bytes and return the typed event.

        Raises ``lemft_async.WebhookVerificationError`` when it is not authentic (reply
        4xx, do not process) and ``WebhookPayloadError`` when authentic but undecodable.
        """
        return self._verifier.construct_event(raw_body, headers)

    # -- sending ---------------------------------------------------------------------------

    async def _fetch_token_data(self) -> Any:
        return await self._transport.call(
            self._endpoints["token.get"], None, max_retries=self._max_retries, timeout=self._timeout
        )

    async def _call(
        self,
        operation: str,
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        parse: Callable[[Any], Any] | None = None,
        settings: CallSettings | None = None,
    ) -> Any:
        self._check_open()
        if settings is None:
            settings = self._call_settings({})
        endpoint = self._endpoints[operation]
        path = build_path(endpoint, path_params or {})
        # Encoded once: every attempt sends the same bytes.
        content = dumps(body if body is not None else {}) if endpoint.method == "POST" else None
        return await self._transport.call(
            endpoint,
            content,
            parse=parse,
            path=path,
            max_retries=settings.max_retries,
            timeout=settings.timeout,
            references={**references(path_params), **references(body)},
            headers=settings.headers,
        )

    def __repr__(self) -> str:
        return f"AsyncKeySecure(base_url={self.base_url!r}, api_key=***, api_secret=***)"
