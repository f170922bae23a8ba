"""``AsyncPayin``: the Lemon Payin (代收) / Payout (代付) client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from typing_extensions import Self, Unpack

from .._core._checks import optional
from .._core._client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
    CopyOptions,
    user_agent,
)
from .._core._config import resolve_base_url
from .._core._endpoint import Endpoint, OperationKind, check_request_path
from .._core._env import EnvOption, from_environment
from .._core._exchange import DEFAULT_MAX_RESPONSE_BYTES
from .._core._hooks import EventHooks
from .._core._logging import setup_from_env
from .._core._options import CallSettings, RequestOptions
from .._core._otel import Instrument
from .._core._raw import to_raw
from .._core._retry import RetryPolicy
from .._core._telemetry import TelemetrySpec
from ._endpoints import resolve_paths
from ._models import PayinCreated, PayinOrder, PayoutOrder
from ._notifications import Notification, NotificationKind, parse_notification
from ._params import check_text, merge, order_fields, read_parser, write_parser
from ._signing import ResponseVerification
from ._transport import PayinTransport, encode_form
from ._validation import (
    check_extra,
    check_flag,
    check_id,
    check_url,
)

__all__ = ["AsyncPayin", "AsyncPayinWithRawResponse"]

PAYIN_VARIABLES = (
    EnvOption("mch_id", "PAYIN_MCH_ID"),
    EnvOption("secret", "PAYIN_SECRET"),
    EnvOption("base_url", "PAYIN_BASE_URL", required=False),  # "no target host" if absent
)

_VERIFY_MODES: tuple[ResponseVerification, ...] = ("strict", "flat", "if_present", "off")

W = TypeVar("W", bound=BaseModel)


class AsyncPayin(BaseClient):
    """Async client for the Lemon Payin gateway (an XxPay-family API).

    >>> async with AsyncPayin(mch_id="M123", secret="...", base_url="https://gw.example") as p:
    ...     order = await p.create_order(amount=10000, notify_url="https://me.example/notify")
    ...     status = await p.query_order(mch_order_no=order.mch_order_no)

    Requests are form-encoded and MD5-signed; ``SUCCESS`` responses are signature-checked
    (``verify_response_signatures``: ``"strict"`` needs a matching ``sign`` covering nested
    objects, ``"flat"`` also accepts one that leaves ``payParams`` out, ``"if_present"``
    accepts unsigned answers too, ``"off"`` skips the check; the gateway's rule for nested
    objects is *inferred*). Queries are retried on connection errors, timeouts and 5xx;
    ``create_order`` and ``apply_payout`` are never re-sent once they may have arrived.

    ``base_url`` is required: Lemon's API host is not in our documents.
    ``instrument`` (OpenTelemetry spans ``payin <operation>``, extra ``otel``) and
    ``event_hooks`` report every call (README "Observability").
    """

    _client_name = "AsyncPayin"
    _telemetry_spec = TelemetrySpec("payin", success_code="SUCCESS")
    _transport: PayinTransport

    def __init__(
        self,
        *,
        mch_id: str | None = None,
        secret: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        verify_response_signatures: ResponseVerification = "strict",
        path_overrides: Mapping[str, str] | None = None,
        allow_insecure: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        default_headers: Mapping[str, str] | None = None,
        instrument: Instrument = False,
        event_hooks: EventHooks | None = None,
    ) -> None:
        setup_from_env()
        given = from_environment(
            {"mch_id": mch_id, "secret": secret, "base_url": base_url},
            PAYIN_VARIABLES,
            prefix="PAYIN",
            host=False,
        )
        mch_id = check_id("mch_id", given["mch_id"], max_length=64)
        secret, base_url = given["secret"], given["base_url"]
        if not isinstance(secret, str) or not secret:
            raise ValueError("secret must be a non-empty string")
        if verify_response_signatures not in _VERIFY_MODES:
            raise ValueError(
                f"verify_response_signatures must be one of {_VERIFY_MODES}, "
                f"got {verify_response_signatures!r}"
            )
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client= or transport=, not both")
        resolved = resolve_base_url(
            None,
            base_url,
            allow_insecure=allow_insecure,
            environments={},
            exposed="the sign",
            env_prefix="PAYIN",
        )
        self._set_options(
            timeout, max_retries, default_headers, protected=PayinTransport.protected_headers
        )
        self._endpoints = resolve_paths(path_overrides)
        telemetry = self._build_telemetry(instrument, event_hooks)
        http = self._open_http(http_client, transport=transport)
        self._transport = PayinTransport(
            http=http,
            base_url=resolved,
            mch_id=mch_id,
            secret=secret,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            verify_responses=verify_response_signatures,
            user_agent=user_agent("payin"),
            telemetry=telemetry,
        )

    def with_options(
        self,
        *,
        base_url: str | None = None,
        allow_insecure: bool = False,
        **options: Unpack[CopyOptions],
    ) -> Self:
        """A copy with other defaults (``timeout``, ``max_retries``, ``retry_policy``,
        ``default_headers``, ``max_response_bytes``) sharing the connection pool;
        ``base_url`` points the copy at another gateway host."""
        resolved = (
            None
            if base_url is None
            else resolve_base_url(
                None, base_url, allow_insecure=allow_insecure, environments={}, exposed="the sign"
            )
        )
        clone = super().with_options(**options)
        if resolved is not None:
            clone._replace_transport(base_url=resolved)
        return clone

    @cached_property
    def with_raw_response(self) -> AsyncPayinWithRawResponse:
        """The operations returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncPayinWithRawResponse(self)

    # -- properties -------------------------------------------------------------------------

    @property
    def mch_id(self) -> str:
        """The merchant number (商户号) sent as ``mchId``."""
        return self._transport.mch_id

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        """The operations as this client calls them (``path_overrides`` applied)."""
        return dict(self._endpoints)

    # -- operations -----------------------------------------------------------------------

    async def create_order(
        self,
        *,
        amount: int,
        notify_url: str,
        mch_order_no: str | None = None,
        currency: str = "INR",
        phone_number: str | None = None,
        payer_email: str | None = None,
        account_name: str | None = None,
        return_url: str | None = None,
        remark: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PayinCreated:
        """Create a pay-in (``POST /api/pay/neworder``). SUCCESS is *not* "paid".

        ``amount`` is int minor units, a multiple of 100 (``rupees_to_minor`` converts).
        ``mch_order_no`` is generated when not given and is on the result either way.
        ``currency`` defaults to ``"INR"`` (*inferred* from the docs' example).
        ``extra_params`` adds fields the docs do not list (sent and signed as given).
        """
        settings = self._call_settings(options)
        shared = order_fields(
            mch_order_no, amount, currency, notify_url, phone_number, payer_email, account_name
        )
        params = merge(
            {
                **shared,
                "returnUrl": optional(check_url, "return_url", return_url),
                "remark": optional(check_text, "remark", remark),
            },
            extra_params,
        )
        return await self._call(
            "create_order", params, write_parser(PayinCreated, params), settings
        )

    async def query_order(
        self,
        *,
        pay_order_id: str | None = None,
        mch_order_no: str | None = None,
        execute_notify: bool = False,
        extra_params: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PayinOrder:
        """Query a pay-in by ``pay_order_id`` or ``mch_order_no`` (one is enough).

        ``execute_notify=True`` asks the gateway to send the callback once more.
        """
        settings = self._call_settings(options)
        if pay_order_id is None and mch_order_no is None:
            raise ValueError("pass pay_order_id or mch_order_no")
        params = {
            "payOrderId": optional(check_id, "pay_order_id", pay_order_id),
            "mchOrderNo": optional(check_id, "mch_order_no", mch_order_no),
            "executeNotify": check_flag("execute_notify", execute_notify),
        }
        return await self._call(
            "query_order", merge(params, extra_params), read_parser(PayinOrder), settings
        )

    async def apply_payout(
        self,
        *,
        amount: int,
        account_no: str,
        extra: Mapping[str, Any],
        notify_url: str,
        mch_order_no: str | None = None,
        currency: str = "INR",
        account_bank_code: str = "BANK",
        phone_number: str | None = None,
        payer_email: str | None = None,
        account_name: str | None = None,
        remark: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PayoutOrder:
        """Request a payout (``POST /api/agentpay/apply``); it moves money, never re-sent.

        ``extra`` carries the real IFSC or VPA, e.g. ``{"value": "AIRP0000001"}`` (sent and
        signed as compact key-sorted JSON). ``account_bank_code`` is the documented fixed
        value ``"BANK"``.
        """
        settings = self._call_settings(options)
        shared = order_fields(
            mch_order_no, amount, currency, notify_url, phone_number, payer_email, account_name
        )
        params = merge(
            {
                **shared,
                "accountNo": check_id("account_no", account_no, max_length=64),
                "accountBankCode": check_id("account_bank_code", account_bank_code),
                "extra": check_extra("extra", extra),
                "remark": optional(check_text, "remark", remark),
            },
            extra_params,
        )
        return await self._call("apply_payout", params, write_parser(PayoutOrder, params), settings)

    async def query_payout(
        self,
        *,
        mch_order_no: str | None = None,
        agentpay_order_id: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PayoutOrder:
        """Query a payout by ``mch_order_no`` or ``agentpay_order_id`` (path *inferred*)."""
        settings = self._call_settings(options)
        if mch_order_no is None and agentpay_order_id is None:
            raise ValueError("pass mch_order_no or agentpay_order_id")
        params = {
            "mchOrderNo": optional(check_id, "mch_order_no", mch_order_no),
            "agentpayOrderId": optional(check_id, "agentpay_order_id", agentpay_order_id),
        }
        return await self._call(
            "query_payout", merge(params, extra_params), read_parser(PayoutOrder), settings
        )

    async def request(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        kind: OperationKind = "write",
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Call any path (``mchId`` added, signed, verified) and return the SUCCESS body.

        ``kind="read"`` allows retries after an unknown outcome; the default ``"write"``
        never re-sends once the request may have arrived.
        """
        settings = self._call_settings(options)
        path = check_request_path(path)
        if kind not in ("read", "write"):
            raise ValueError(f"kind must be 'read' or 'write', got {kind!r}")
        endpoint = Endpoint(path, path, kind)
        return await self._send(  # type: ignore[no-any-return]
            endpoint, merge({}, params, name="params"), None, settings
        )

    # -- notifications --------------------------------------------------------------------

    def parse_notification(
        self, params: Mapping[str, object], *, kind: NotificationKind | None = None
    ) -> Notification:
        """Verify a callback with this client's secret and return it typed.

        Raises ``WebhookVerificationError`` (bad or missing ``sign``, or another ``mchId``)
        and ``WebhookPayloadError`` (authentic but undecodable). Answer ``ACK`` once handled.
        """
        return parse_notification(
            params, secret=self._transport.secret, mch_id=self.mch_id, kind=kind
        )

    # -- sending ---------------------------------------------------------------------------

    async def _call(
        self,
        operation: str,
        params: Mapping[str, Any],
        parse: Callable[[dict[str, Any]], W],
        settings: CallSettings,
    ) -> W:
        return await self._send(self._endpoints[operation], params, parse, settings)  # type: ignore[no-any-return]

    async def _send(
        self,
        endpoint: Endpoint,
        params: Mapping[str, Any],
        parse: Callable[[dict[str, Any]], W] | None,
        settings: CallSettings,
    ) -> Any:
        self._check_open()
        transport = self._transport
        form = encode_form({"mchId": transport.mch_id, **params}, transport.secret)
        mch_order_no = form.get("mchOrderNo")
        return await transport.call(
            endpoint,
            form,
            parse=parse,
            max_retries=settings.max_retries,
            timeout=settings.timeout,
            references=None if mch_order_no is None else {"mch_order_no": mch_order_no},
            headers=settings.headers,
        )

    def __repr__(self) -> str:
        return f"AsyncPayin(mch_id={self.mch_id!r}, base_url={self.base_url!r}, secret=***)"


class AsyncPayinWithRawResponse:
    """``payin.with_raw_response``: each operation returns a ``RawResponse``."""

    def __init__(self, client: AsyncPayin) -> None:
        self.create_order = to_raw(client.create_order)
        self.query_order = to_raw(client.query_order)
        self.apply_payout = to_raw(client.apply_payout)
        self.query_payout = to_raw(client.query_payout)
        self.request = to_raw(client.request)
