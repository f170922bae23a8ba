"""``PayinSandbox``: an in-memory Lemon Payin gateway for examples and tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from functools import cached_property
from types import TracebackType
from typing import Any, TypeVar

import anyio
import httpx
from anyio.abc import TaskGroup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lemft_async._core._codec import dumps
from lemft_async.payin import AsyncPayin, PayinStatus, PayoutStatus

from ._callbacks import Callback, CallbackStyle, callback_for, deliver, post_callback
from ._forms import form_fields, read_body
from ._gateway import Gateway, GatewayFailure
from ._routes import ROUTES
from ._state import PayinRecord, PayoutRecord

__all__ = ["SANDBOX_BASE_URL", "PayinSandbox"]

SANDBOX_BASE_URL = "https://payin.sandbox.invalid"

# Module-level so tests can patch the settlement delay.
_sleep = anyio.sleep

PayinOutcome = PayinStatus | Callable[[PayinRecord], PayinStatus | None] | None
PayoutOutcome = PayoutStatus | Callable[[PayoutRecord], PayoutStatus | None] | None
_R = TypeVar("_R", PayinRecord, PayoutRecord)
_Handler = Callable[[Mapping[str, str]], dict[str, Any]]


def _decide(outcome: Any, record: Any) -> Any:
    return outcome(record) if callable(outcome) else outcome


class PayinSandbox:
    """A stateful fake of the Lemon Payin gateway, served as an ASGI app.

    >>> async with PayinSandbox(receiver=my_receiver_app) as sandbox:
    ...     async with sandbox.client() as payin:
    ...         order = await payin.create_order(amount=10000, notify_url="https://me/notify")
    ...         await sandbox.wait_idle()          # paid, callback delivered

    It checks signatures and Lemon's field rules, keeps pay-ins and payouts, settles each
    ``pay_delay``/``payout_delay`` gateway seconds after creation with ``payin_outcome`` /
    ``payout_outcome`` (a status, a function of the record, or ``None`` = never by itself),
    and sends signed callbacks with the gateway's 60/120/180/240/300 s redelivery schedule.
    Every gateway second lasts ``time_scale`` real seconds (default 0.01).

    Callbacks go to ``receiver`` (an ASGI app, in-process: no sockets) or through
    ``callback_http`` (any ``httpx.AsyncClient``); with neither they are only kept in
    ``outbox``. Timers and deliveries run while the sandbox is entered (``async with``).
    """

    def __init__(
        self,
        *,
        mch_id: str = "SANDBOX-MCH-001",
        secret: str = "payin-sandbox-secret-not-real",  # noqa: S107 (a fake, by design)
        time_scale: float = 0.01,
        pay_delay: float = 3.0,
        payout_delay: float = 3.0,
        payin_outcome: PayinOutcome = PayinStatus.PAID,
        payout_outcome: PayoutOutcome = PayoutStatus.SUCCESS,
        payout_fee: int | Callable[[int], int] = 0,
        receiver: ASGIApp | None = None,
        callback_http: httpx.AsyncClient | None = None,
        callback_style: CallbackStyle = "query",
    ) -> None:
        for name, value in (
            ("time_scale", time_scale),
            ("pay_delay", pay_delay),
            ("payout_delay", payout_delay),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if receiver is not None and callback_http is not None:
            raise ValueError("pass receiver= or callback_http=, not both")
        if callback_style not in ("query", "form"):
            raise ValueError(f"callback_style must be 'query' or 'form', got {callback_style!r}")
        fee = payout_fee if callable(payout_fee) else (lambda _amount: int(payout_fee))
        self._gateway = Gateway(mch_id=mch_id, secret=secret, payout_fee=fee)
        self.time_scale = float(time_scale)
        self.pay_delay = float(pay_delay)
        self.payout_delay = float(payout_delay)
        self.payin_outcome = payin_outcome
        self.payout_outcome = payout_outcome
        self.callback_style: CallbackStyle = callback_style
        self._receiver = receiver
        self._callback_http = callback_http
        self._delivery_http: httpx.AsyncClient | None = None
        """Set while running: ``callback_http``, or a client wired to ``receiver``."""
        self.outbox: list[Callback] = []
        """Every callback sent (or, with no receiver, only kept), oldest first."""
        self.requests: Counter[str] = Counter()
        """Requests received, by path."""
        self._stack: AsyncExitStack | None = None
        self._tg: TaskGroup | None = None
        self._pending = 0
        self._idle: anyio.Event | None = None

    # -- public state -----------------------------------------------------------------------

    @property
    def mch_id(self) -> str:
        """The sandbox merchant number; ``client()`` uses it."""
        return self._gateway.mch_id

    @property
    def secret(self) -> str:
        """The sandbox's (fake) merchant secret; ``client()`` uses it."""
        return self._gateway.secret

    @property
    def payins(self) -> dict[str, PayinRecord]:
        """Pay-ins by merchant order number."""
        return self._gateway.state.payins

    @property
    def payouts(self) -> dict[str, PayoutRecord]:
        """Payouts by merchant order number."""
        return self._gateway.state.payouts

    @property
    def receiver(self) -> ASGIApp | None:
        """The ASGI app callbacks are delivered to; settable until the sandbox is entered
        (a receiver usually needs ``sandbox.client()`` to verify with)."""
        return self._receiver

    @receiver.setter
    def receiver(self, app: ASGIApp | None) -> None:
        if self._stack is not None:
            raise RuntimeError("set the receiver before entering the sandbox")
        if self._callback_http is not None:
            raise ValueError("this sandbox delivers through callback_http already")
        self._receiver = app

    def client(self, **options: Any) -> AsyncPayin:
        """An ``AsyncPayin`` wired to this sandbox in-process (``httpx.ASGITransport``)."""
        if "http_client" not in options:
            options.setdefault("transport", httpx.ASGITransport(app=self.app))
        return AsyncPayin(
            mch_id=self.mch_id, secret=self.secret, base_url=SANDBOX_BASE_URL, **options
        )

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> PayinSandbox:
        if self._stack is not None:
            raise RuntimeError("this PayinSandbox is already running")
        stack = AsyncExitStack()
        self._delivery_http = self._callback_http
        if self._receiver is not None:
            transport = httpx.ASGITransport(app=self._receiver, raise_app_exceptions=False)
            self._delivery_http = httpx.AsyncClient(transport=transport, timeout=10.0)
            stack.push_async_callback(self._delivery_http.aclose)
        # Exit order (LIFO): cancel pending timers and redeliveries (wait_idle() first to let
        # them finish), wait for the task group, then close the delivery client.
        self._tg = await stack.enter_async_context(anyio.create_task_group())
        stack.callback(self._tg.cancel_scope.cancel)
        self._idle = anyio.Event()
        self._idle.set()
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        try:
            if stack is not None:
                await stack.__aexit__(exc_type, exc, tb)
        finally:
            self._tg = None
            self._delivery_http = None

    async def wait_idle(self) -> None:
        """Wait until no timer or delivery is pending (settlements, callbacks, redeliveries)."""
        while self._pending and self._idle is not None:
            await self._idle.wait()

    def _spawn(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        if self._tg is None:
            raise RuntimeError("the sandbox is not running: use `async with PayinSandbox() as s`")
        self._pending += 1
        if self._pending == 1:
            self._idle = anyio.Event()

        async def run() -> None:
            try:
                await fn(*args)
            finally:
                self._pending -= 1
                if self._pending == 0 and self._idle is not None:
                    self._idle.set()

        self._tg.start_soon(run)

    # -- settlement -----------------------------------------------------------------------

    def settle_payin(
        self, mch_order_no: str, status: PayinStatus = PayinStatus.PAID
    ) -> PayinRecord:
        """Settle a pending pay-in now (paid, failed, expired ...) and send its callback."""
        record = self._find(self.payins, mch_order_no)
        self._check_can_send()
        if record.settled:
            raise ValueError(f"pay-in {mch_order_no!r} is already settled ({record.status.name})")
        record.settle(PayinStatus(status), utr=self._gateway.state.next_id("UTR"))
        self._notify_payin(record)
        return record

    def settle_payout(
        self, mch_order_no: str, status: PayoutStatus = PayoutStatus.SUCCESS
    ) -> PayoutRecord:
        """Settle a payout (success, failed, or ``REVERSED`` after success) and notify."""
        record = self._find(self.payouts, mch_order_no)
        self._check_can_send()
        status = PayoutStatus(status)
        reversal = status is PayoutStatus.REVERSED and record.status is PayoutStatus.SUCCESS
        if record.settled and not reversal:
            raise ValueError(f"payout {mch_order_no!r} is already settled ({record.status.name})")
        record.settle(status)
        self._send(
            Callback.signed("payout", record.notify_url, record.notify_fields(), self.secret)
        )
        return record

    @staticmethod
    def _find(table: Mapping[str, _R], mch_order_no: str) -> _R:
        try:
            return table[mch_order_no]
        except KeyError:
            raise ValueError(f"no order {mch_order_no!r} in the sandbox") from None

    async def _auto_settle_payin(self, record: PayinRecord) -> None:
        await _sleep(self.pay_delay * self.time_scale)
        status = _decide(self.payin_outcome, record)
        if status is not None and not record.settled:
            self.settle_payin(record.mch_order_no, status)

    async def _auto_settle_payout(self, record: PayoutRecord) -> None:
        await _sleep(self.payout_delay * self.time_scale)
        status = _decide(self.payout_outcome, record)
        if status is not None and not record.settled:
            self.settle_payout(record.mch_order_no, status)

    # -- callbacks ------------------------------------------------------------------------

    def _notify_payin(self, record: PayinRecord) -> None:
        fields = record.notify_fields(self.mch_id)
        self._send(Callback.signed("payin", record.notify_url, fields, self.secret))

    @property
    def _delivers(self) -> bool:
        return self._receiver is not None or self._callback_http is not None

    def _check_can_send(self) -> None:
        if self._delivers and self._tg is None:
            raise RuntimeError(
                "callbacks are delivered while the sandbox runs: use `async with PayinSandbox()`"
            )

    def _send(self, callback: Callback) -> None:
        if self._delivers:
            self._spawn(self._deliver, callback)
        self.outbox.append(callback)

    async def _deliver(self, callback: Callback) -> None:
        assert self._delivery_http is not None
        await deliver(
            self._delivery_http,
            callback,
            style=self.callback_style,
            time_scale=self.time_scale,
            on_ack=self._acknowledged,
        )

    async def deliver(
        self, event: Callback | Mapping[str, object], *, to: str | ASGIApp, path: str = "/"
    ) -> httpx.Response:
        """Send one signed callback to ``to`` now, exactly as the gateway sends them
        (``callback_style``), and return the receiver's answer: test your receiver.

        ``event`` is a ``Callback`` (from ``outbox``) or its fields, signed here with the
        sandbox secret, e.g. ``{"mchId": sandbox.mch_id, "mchOrderNo": "o1", "payOrderId":
        "P1", "amount": 10000, "status": 2}`` (``agentpayOrderId`` makes it a payout).
        ``to`` is a URL or an ASGI app (posted to at ``path``). Nothing is recorded or
        redelivered; an exception the app raises propagates.
        """
        callback = event if isinstance(event, Callback) else callback_for(event, "", self.secret)
        if isinstance(to, str):
            async with httpx.AsyncClient(timeout=10.0) as http:
                return await post_callback(http, to, callback.params, self.callback_style)
        transport = httpx.ASGITransport(app=to)
        async with httpx.AsyncClient(transport=transport, timeout=10.0) as http:
            url = "http://merchant.sandbox" + path
            return await post_callback(http, url, callback.params, self.callback_style)

    async def _acknowledged(self, callback: Callback) -> None:
        # XxPay moves a paid order to 3 (business done) once the merchant says success.
        record = self.payins.get(callback.params.get("mchOrderNo", ""))
        if callback.kind == "payin" and record and record.status is PayinStatus.PAID:
            record.status = PayinStatus.COMPLETED

    # -- the ASGI app -----------------------------------------------------------------------

    @cached_property
    def app(self) -> Starlette:
        """The gateway as an ASGI app (four POST endpoints, form-encoded, JSON answers).

        Hostile requests (a non-form ``Content-Type``, bodies over 1 MiB, non-UTF-8, too
        many fields, absurd values) are answered ``retCode FAIL`` with XxPay's param
        (``0014``), encoding (``0012``), merchant (``0015``) or sign (``0013``) error, never
        an HTTP 500, and the body is read to its end so the connection stays usable."""
        handlers: dict[str, _Handler] = {
            "create_order": self._create_order,
            "query_order": self._query_order,
            "apply_payout": self._apply_payout,
            "query_payout": self._query_payout,
        }
        routes = [
            Route(ROUTES[name].path, self._endpoint(handler), methods=[ROUTES[name].method])
            for name, handler in handlers.items()
        ]
        return Starlette(routes=routes)

    def _endpoint(self, handler: _Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self.requests[request.url.path] += 1
            raw = await read_body(request)
            try:
                form = form_fields(request, raw)
                self._gateway.authenticate(form)
                payload = handler(form)
            except GatewayFailure as exc:
                payload = Gateway.failure(exc.err_code, exc.message)
            return Response(dumps(payload), media_type="application/json")

        return endpoint

    def _require_running(self) -> None:
        if self._tg is None:
            raise GatewayFailure(
                # A definite refusal (not 0010, "system error", after which an order may exist).
                "0014",
                "sandbox not running: enter `async with PayinSandbox() as sandbox`",
            )

    def _create_order(self, form: Mapping[str, str]) -> dict[str, Any]:
        if self.payin_outcome is not None:
            self._require_running()
        record = self._gateway.create_order(form)
        if self.payin_outcome is not None:
            self._spawn(self._auto_settle_payin, record)
        return self._gateway.created_answer(record)

    def _query_order(self, form: Mapping[str, str]) -> dict[str, Any]:
        record = self._gateway.find_payin(form)
        if self._gateway.wants_notify(form) and record.settled:
            if self._delivers:
                self._require_running()
            self._notify_payin(record)
        return self._gateway.query_answer(record)

    def _apply_payout(self, form: Mapping[str, str]) -> dict[str, Any]:
        if self.payout_outcome is not None:
            self._require_running()
        record = self._gateway.apply_payout(form)
        if self.payout_outcome is not None:
            self._spawn(self._auto_settle_payout, record)
        return self._gateway.applied_answer(record)

    def _query_payout(self, form: Mapping[str, str]) -> dict[str, Any]:
        return self._gateway.payout_answer(self._gateway.find_payout(form))

    def __repr__(self) -> str:
        return (
            f"PayinSandbox(mch_id={self.mch_id!r}, time_scale={self.time_scale}, secret=***, "
            f"payins={len(self.payins)}, payouts={len(self.payouts)})"
        )
