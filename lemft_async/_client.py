"""``AsyncLemft``: configuration, resource namespaces and the ``request()`` escape hatch."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx
from typing_extensions import Self, Unpack

from ._config import ENVIRONMENTS, LEMFT_VARIABLES, Credentials
from ._core._checks import check_int_at_least, coerce_id
from ._core._client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
    CopyOptions,
    user_agent,
)
from ._core._config import resolve_base_url
from ._core._endpoint import check_request_path
from ._core._env import from_environment
from ._core._exchange import DEFAULT_MAX_RESPONSE_BYTES
from ._core._hooks import EventHooks
from ._core._logging import setup_from_env
from ._core._options import CallSettings, RequestOptions
from ._core._otel import Instrument
from ._core._raw import to_raw
from ._core._retry import RetryPolicy
from ._core._telemetry import TelemetrySpec
from ._endpoints import Endpoint, OperationKind, resolve_paths
from ._gate import Gate, default_gate
from ._resource import DEFAULT_MAX_PAGE_SIZE
from ._signing import SIGNATURE_ENCODINGS, SignatureEncoding
from ._transport import LemftTransport

if TYPE_CHECKING:
    from .resources.bins import AsyncBins
    from .resources.cards import AsyncCards
    from .resources.holders import AsyncHolders
    from .resources.orders import AsyncOrders
    from .resources.pay_methods import AsyncPayMethods
    from .resources.payees import AsyncPayees
    from .resources.payments import AsyncPayments
    from .resources.wallets import AsyncWallets
    from .webhooks._client_ns import AsyncWebhooks

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "AsyncLemft", "AsyncLemftWithRawResponse"]


class AsyncLemft(BaseClient):
    """Async client for the LEMFT OPEN-API.

    >>> client = AsyncLemft(customer_id=10001004, app_id=100006, key="...", api_key="...",
    ...                     environment="sandbox")
    >>> async with client:
    ...     page = await client.wallets.list(page_size=50)

    Every call is signed, queued behind other calls to the same endpoint (the server
    allows one at a time), and retried only where that cannot move money twice.
    ``instrument=True`` (extra ``otel``) emits a span ``lemft <operation>`` per call and
    metrics; ``event_hooks={"request": [...], "response": [...]}`` calls your functions
    with a redacted view of each attempt (README "Observability").
    """

    _client_name = "AsyncLemft"
    _telemetry_spec = TelemetrySpec("lemft", gated=True)
    _transport: LemftTransport

    def __init__(
        self,
        *,
        customer_id: int | str | None = None,
        app_id: int | str | None = None,
        key: str | None = None,
        api_key: str | None = None,
        environment: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        gate: Gate | None = None,
        path_overrides: Mapping[str, str] | None = None,
        method_overrides: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        signature_encoding: SignatureEncoding = "hex",
        allow_insecure: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
        default_headers: Mapping[str, str] | None = None,
        instrument: Instrument = False,
        event_hooks: EventHooks | None = None,
    ) -> None:
        setup_from_env()
        given = from_environment(
            {
                "customer_id": customer_id,
                "app_id": app_id,
                "key": key,
                "api_key": api_key,
                "environment": environment,
                "base_url": base_url,
            },
            LEMFT_VARIABLES,
            prefix="LEMFT",
        )
        environment, base_url = given["environment"], given["base_url"]
        # A bad id names where it came from (the variable, never its value).
        credentials = Credentials(
            customer_id=coerce_id(
                "customer_id" if customer_id is not None else "LEMFT_CUSTOMER_ID",
                given["customer_id"],
            ),
            app_id=coerce_id("app_id" if app_id is not None else "LEMFT_APP_ID", given["app_id"]),
            key=given["key"],
            api_key=given["api_key"],
        )
        if signature_encoding not in SIGNATURE_ENCODINGS:
            raise ValueError(
                f"signature_encoding must be one of {SIGNATURE_ENCODINGS}, "
                f"got {signature_encoding!r}"
            )
        _check_gate(gate)
        self._set_options(
            timeout, max_retries, default_headers, protected=LemftTransport.protected_headers
        )
        self._max_page_size = check_int_at_least("max_page_size", max_page_size, 1)
        self._endpoints = resolve_paths(path_overrides, method_overrides)
        telemetry = self._build_telemetry(instrument, event_hooks)
        http = self._open_http(http_client)
        self._transport = LemftTransport(
            http=http,
            base_url=resolve_base_url(
                environment,
                base_url,
                allow_insecure=allow_insecure,
                environments=ENVIRONMENTS,
                env_prefix="LEMFT",
            ),
            credentials=credentials,
            gate=gate if gate is not None else default_gate(),
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            signature_encoding=signature_encoding,
            user_agent=user_agent("lemft"),
            telemetry=telemetry,
        )

    def with_options(
        self,
        *,
        environment: str | None = None,
        base_url: str | None = None,
        allow_insecure: bool = False,
        gate: Gate | None = None,
        **options: Unpack[CopyOptions],
    ) -> Self:
        """A copy with other defaults (``timeout``, ``max_retries``, ``retry_policy``,
        ``default_headers``, ``max_response_bytes``) sharing the pool and (unless
        ``gate=`` is given) the gate; ``environment``/``base_url`` point the copy at another
        host."""
        _check_gate(gate)
        resolved = (
            None
            if environment is None and base_url is None
            else resolve_base_url(
                environment, base_url, allow_insecure=allow_insecure, environments=ENVIRONMENTS
            )
        )
        clone = super().with_options(**options)
        changes: dict[str, Any] = {}
        if resolved is not None:
            changes["base_url"] = resolved
        if gate is not None:
            changes["gate"] = gate
        if changes:
            clone._replace_transport(**changes)
        return clone

    # -- construction helpers ------------------------------------------------------------

    # -- properties -------------------------------------------------------------------------

    @property
    def customer_id(self) -> int:
        return self._transport.credentials.customer_id

    @property
    def app_id(self) -> int:
        return self._transport.credentials.app_id

    @property
    def gate(self) -> Gate:
        return self._transport.gate

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The catalogue as this client uses it (``path_overrides`` applied)."""
        return dict(self._endpoints)

    # -- namespaces -------------------------------------------------------------------------

    @cached_property
    def wallets(self) -> AsyncWallets:
        from .resources.wallets import AsyncWallets

        return AsyncWallets(self)

    @cached_property
    def bins(self) -> AsyncBins:
        from .resources.bins import AsyncBins

        return AsyncBins(self)

    @cached_property
    def cards(self) -> AsyncCards:
        from .resources.cards import AsyncCards

        return AsyncCards(self)

    @cached_property
    def orders(self) -> AsyncOrders:
        from .resources.orders import AsyncOrders

        return AsyncOrders(self)

    @cached_property
    def holders(self) -> AsyncHolders:
        from .resources.holders import AsyncHolders

        return AsyncHolders(self)

    @cached_property
    def pay_methods(self) -> AsyncPayMethods:
        from .resources.pay_methods import AsyncPayMethods

        return AsyncPayMethods(self)

    @cached_property
    def payees(self) -> AsyncPayees:
        from .resources.payees import AsyncPayees

        return AsyncPayees(self)

    @cached_property
    def payments(self) -> AsyncPayments:
        from .resources.payments import AsyncPayments

        return AsyncPayments(self)

    @cached_property
    def webhooks(self) -> AsyncWebhooks:
        """Verify and decode notifications with this client's ``api_key``."""
        from .webhooks._client_ns import AsyncWebhooks

        return AsyncWebhooks(self)

    # -- sending ---------------------------------------------------------------------------

    def _endpoint(self, operation: str) -> Endpoint:
        try:
            return self._endpoints[operation]
        except KeyError:
            raise ValueError(f"unknown operation {operation!r}") from None

    # Plain methods returning the call's awaitable (the transport's attempt loop): a call
    # waiting at the gate keeps none of their frames alive.

    def _call_operation(
        self,
        operation: str,
        params: Mapping[str, Any],
        parse: Callable[[Any], Any] | None,
        settings: CallSettings | None = None,
    ) -> Awaitable[Any]:
        return self._send(self._endpoint(operation), params, parse, settings=settings)

    def _send(
        self,
        endpoint: Endpoint,
        params: Mapping[str, Any],
        parse: Callable[[Any], Any] | None,
        *,
        traceid: str | None = None,
        settings: CallSettings | None = None,
    ) -> Awaitable[Any]:
        self._check_open()
        if settings is None:
            settings = self._call_settings({})
        transport = self._transport
        out_order_id = params.get("out_order_id")
        return transport.call(
            endpoint,
            transport.encode_body(params),
            parse=parse,
            max_retries=settings.max_retries,
            timeout=settings.timeout,
            traceid=traceid,
            references=None if out_order_id is None else {"out_order_id": str(out_order_id)},
            headers=settings.headers,
        )

    async def request(
        self,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        kind: OperationKind | None = None,
        traceid: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Any:
        """Call any path (signed, gated, retried) and return the decoded ``data``.

        ``body`` holds the operation's params; the common params are added for you.
        ``kind`` decides the retry policy; by default it is taken from the catalogue when
        ``path`` is a known operation, and is ``"write"`` (never re-sent on an unknown
        outcome) otherwise.
        """
        settings = self._call_settings(options)
        path = check_request_path(path)
        if body is not None and not isinstance(body, Mapping):
            raise TypeError(f"body must be a mapping, got {type(body).__name__}")
        if kind is not None and kind not in ("read", "write"):
            raise ValueError(f"kind must be 'read' or 'write', got {kind!r}")
        known = next((e for e in self._endpoints.values() if e.path == path), None)
        if known is None:
            endpoint = Endpoint(path, path, kind or "write")
        elif kind is not None and kind != known.kind:
            endpoint = dataclasses.replace(known, kind=kind)
        else:
            endpoint = known
        return await self._send(
            endpoint, dict(body or {}), None, traceid=traceid, settings=settings
        )

    @cached_property
    def with_raw_response(self) -> AsyncLemftWithRawResponse:
        """``client.with_raw_response.request(...)`` returns a ``RawResponse``; each
        namespace has its own (``client.orders.with_raw_response.retrieve(...)``)."""
        return AsyncLemftWithRawResponse(self)

    def __repr__(self) -> str:
        return (
            f"AsyncLemft(customer_id={self.customer_id}, app_id={self.app_id}, "
            f"base_url={self.base_url!r}, key=***, api_key=***)"
        )


class AsyncLemftWithRawResponse:
    """``AsyncLemft.request`` returning a ``RawResponse``."""

    def __init__(self, client: AsyncLemft) -> None:
        self.request = to_raw(client.request)


def _check_gate(gate: object) -> None:
    if gate is not None and not callable(getattr(gate, "hold", None)):
        raise TypeError("gate must provide hold(key) -> async context manager")
