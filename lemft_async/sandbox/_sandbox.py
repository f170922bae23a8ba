"""``Sandbox``: the embedded LEMFT, wired together (ARCHITECTURE §7, contract)."""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from ._app import Rules, SandboxCore
from ._clock import BusinessClock
from ._credentials import DEFAULT_CREDENTIALS, SandboxCredentials, check_rate, check_seconds
from ._entities import CardTrade
from ._faults import FaultConfig, Faults, resolve_fault_paths
from ._handlers_cards import simulate_trade
from ._notify import Notification, Notifier
from ._routes import route_table
from ._seed import seed as seed_state
from ._state import Behaviour, State
from ._stats import SandboxStats
from ._transport import SandboxTransport

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from lemft_async import AsyncLemft

__all__ = ["Sandbox"]


class Sandbox:
    """A stateful, in-memory LEMFT that enforces the documented rules.

    >>> async with Sandbox(latency=0.02) as sandbox:
    ...     client = sandbox.client()
    ...     page = await client.wallets.list()

    Every knob defaults to "off": no latency, no faults, orders complete at once.
    Rates are probabilities drawn from a RNG seeded with ``seed``, so a run is repeatable.
    """

    def __init__(
        self,
        latency: float = 0.0,
        *,
        seed: int = 0,
        order_delay: float = 0.0,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        clock_skew: float = 0.0,
        timestamp_window: float = 300.0,
        error_rate: float = 0.0,
        error_applied_rate: float = 0.5,
        drop_rate: float = 0.0,
        connect_fail_rate: float = 0.0,
        slow_rate: float = 0.0,
        slow_seconds: float = 1.0,
        malformed_rate: float = 0.0,
        fault_operations: Collection[str] | None = None,
        order_fail_rate: float = 0.0,
        payment_fail_rate: float = 0.0,
        payee_reject_rate: float = 0.0,
        wallets: Mapping[str, Decimal] | None = None,
        credentials: SandboxCredentials | None = None,
        path_overrides: Mapping[str, str] | None = None,
        strict_ack: bool = False,
        outbox_limit: int = 10_000,
    ) -> None:
        self.credentials = credentials or DEFAULT_CREDENTIALS
        self.routes = route_table(path_overrides)
        """Operation name -> route (the sandbox's own table, ``path_overrides`` applied)."""
        self._path_overrides = dict(path_overrides or {})
        operations = {name: route.path for name, route in self.routes.items()}
        self.clock = BusinessClock(clock)
        self.behaviour = Behaviour(
            order_delay=check_seconds("order_delay", order_delay),
            order_fail_rate=check_rate("order_fail_rate", order_fail_rate),
            payment_fail_rate=check_rate("payment_fail_rate", payment_fail_rate),
            payee_reject_rate=check_rate("payee_reject_rate", payee_reject_rate),
        )
        self.state = State(
            customer_id=self.credentials.customer_id,
            clock=self.clock,
            rng=random.Random(seed),
            behaviour=self.behaviour,
        )
        seed_state(self.state, wallets)
        self.rules = Rules(
            timestamp_window=check_seconds("timestamp_window", timestamp_window),
            clock_skew=float(clock_skew),
        )
        self.faults = Faults(
            FaultConfig(
                latency=latency,
                error_rate=error_rate,
                error_applied_rate=error_applied_rate,
                drop_rate=drop_rate,
                connect_fail_rate=connect_fail_rate,
                slow_rate=slow_rate,
                slow_seconds=slow_seconds,
                malformed_rate=malformed_rate,
                paths=resolve_fault_paths(fault_operations, operations),
            ),
            random.Random(seed + 1),
        )
        self.stats = SandboxStats()
        self._notifier = Notifier(
            clock=self.clock,
            wall=self._wall,
            api_key=self.credentials.api_key,
            new_id=lambda: self.state.new_hex(24, "ntf_"),
            time_scale=check_seconds("time_scale", time_scale),
            strict_ack=strict_ack,
            outbox_limit=outbox_limit,
        )
        self.state.emit = self._notifier.emit
        self._apps = {self.credentials.app_id: self.credentials}
        self.core = SandboxCore(
            state=self.state,
            routes={route.path: route for route in self.routes.values()},
            apps=self._apps,
            faults=self.faults,
            stats=self.stats,
            rules=self.rules,
            wall=time.time,
        )
        self._app: Starlette | None = None
        self._http_clients: list[httpx.AsyncClient] = []

    # -- wiring --------------------------------------------------------------------------------

    def _wall(self) -> float:
        return time.time() + self.rules.clock_skew

    @property
    def app(self) -> Starlette:
        """The ASGI application (Starlette). Serving it runs the background loop."""
        if self._app is None:
            from starlette.applications import Starlette
            from starlette.routing import Route

            self._app = Starlette(
                routes=[Route("/{path:path}", self.core)],
                lifespan=self._lifespan,
            )
        return self._app

    @asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[None]:
        async with self.running():
            yield

    def client(self, **client_options: Any) -> AsyncLemft:
        """An ``AsyncLemft`` wired to this sandbox in-process (no socket).

        ``client_options`` go to ``AsyncLemft`` (``max_retries``, ``timeout``, ``gate`` ...)
        and may override the credentials, e.g. ``api_key="wrong"`` to see a 10002. A sandbox
        built with ``path_overrides`` hands the same overrides to the client.
        """
        from lemft_async import AsyncLemft

        http = httpx.AsyncClient(
            transport=SandboxTransport(self.app, faults=self.faults, stats=self.stats)
        )
        self._http_clients.append(http)
        settings: dict[str, Any] = {
            "customer_id": self.credentials.customer_id,
            "app_id": self.credentials.app_id,
            "key": self.credentials.key,
            "api_key": self.credentials.api_key,
            "base_url": "http://localhost",
            "http_client": http,
        }
        if self._path_overrides:
            settings["path_overrides"] = dict(self._path_overrides)
        if "environment" in client_options:
            settings.pop("base_url")
        settings.update(client_options)
        return AsyncLemft(**settings)

    def add_app(self, credentials: SandboxCredentials) -> SandboxCredentials:
        """Accept a second credential set (another ``app_id`` of the same customer)."""
        if credentials.customer_id != self.credentials.customer_id:
            raise ValueError("the sandbox holds one customer; use its customer_id")
        if credentials.app_id in self._apps:
            raise ValueError(f"app_id {credentials.app_id} is already registered")
        self._apps[credentials.app_id] = credentials
        return credentials

    # -- faults, notifications, time ---------------------------------------------------------

    def inject(
        self,
        kind: str,
        *,
        operation: str | None = None,
        count: int = 1,
        applied: bool | None = None,
    ) -> None:
        """Make the next ``count`` requests (to ``operation``, else any) suffer ``kind``.

        Kinds: ``error`` (10005; ``applied`` says whether the change happened first),
        ``drop``, ``connect_fail``, ``slow``, ``malformed``.
        """
        path = None
        if operation is not None:
            if operation not in self.routes:
                raise ValueError(f"unknown operation {operation!r}")
            path = self.routes[operation].path
        self.faults.inject(kind, path=path, count=count, applied=applied)

    async def deliver(
        self, event: Notification | Mapping[str, Any], *, to: str | Any, path: str = "/"
    ) -> httpx.Response:
        """Send one signed notification to ``to`` now, exactly as the sandbox sends them,
        and return the receiver's answer: test your receiver end to end.

        ``event`` is a ``Notification`` (from ``outbox``) or a payload with its
        ``eventTag`` (``notify_id`` is generated when absent), e.g.
        ``{"eventTag": "card.status.active", "card_id": "cid_1", "status": 2}``. ``to`` is
        a URL or an ASGI app (posted to at ``path``, in-process). Nothing is queued or
        redelivered; an exception the app raises propagates.
        """
        note = event if isinstance(event, Notification) else self._notifier.note(event)
        return await self._notifier.send_once(note, to, path=path)

    def add_webhook(self, target: str | Any, *, path: str = "/") -> str:
        """Deliver notifications to a URL, or in-process to an ASGI app at ``path``."""
        return self._notifier.add_target(target, path=path)

    @property
    def outbox(self) -> list[Notification]:
        """Every notification emitted (newest last), with its delivery state."""
        return self._notifier.outbox

    @property
    def notifier(self) -> Notifier:
        return self._notifier

    async def run_due(self) -> int:
        """Complete due orders/closures/payments and attempt due deliveries."""
        done = self.state.run_due()
        return done + await self._notifier.deliver_due()

    async def advance(self, seconds: float) -> int:
        """Move the business clock forward, then ``run_due()``."""
        self.clock.advance(seconds)
        return await self.run_due()

    @asynccontextmanager
    async def running(self, interval: float = 0.05) -> AsyncIterator[Sandbox]:
        """Run ``run_due()`` every ``interval`` seconds in the background (served mode)."""

        async def loop() -> None:
            while True:
                await self.run_due()
                await anyio.sleep(interval)

        async with anyio.create_task_group() as tg:
            tg.start_soon(loop)
            try:
                yield self
            finally:
                tg.cancel_scope.cancel()

    # -- helpers for tests and demos ------------------------------------------------------------

    def simulate_trade(self, card_id: str, amount: Decimal | int, **options: Any) -> CardTrade:
        """Record a card transaction (purchase by default) and emit ``card.trade``."""
        return simulate_trade(self.state, card_id, amount, **options)

    def deposit(self, currency: str, amount: Decimal) -> None:
        """Add money to a wallet from outside (counted by the conservation check)."""
        self.state.deposit(currency, Decimal(amount))

    # -- lifecycle -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the in-process HTTP clients and the webhook clients."""
        for http in self._http_clients:
            await http.aclose()
        self._http_clients.clear()
        await self._notifier.aclose()

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"Sandbox(customer_id={self.credentials.customer_id}, "
            f"app_id={self.credentials.app_id}, latency={self.faults.config.latency}, "
            "key=***, api_key=***)"
        )
