"""The receiver core: one delivery in, one ``Reply`` out, for every API's callbacks.

Steps: size check -> verify (the API's hook) -> claim the de-duplication key -> run the
handlers -> remember the key -> acknowledge. Each API supplies only its own parts: the
signature rule (``verify_delivery``), its handlers (``run_handlers``) and its answer texts
(``ack_body`` / ``error_body``). Every answer is chosen by "should the sender try again?":

===================  ======  ============================================================
outcome              status  why
===================  ======  ============================================================
handled / no handler 200 ack done; an event nobody handles is not a failure
duplicate (done)     200 ack already processed: stop redelivering
duplicate (running)  409     another delivery holds the key; redeliver later in case it fails
not authentic        401     missing/ambiguous/bad signature (or a wrong secret configured:
                             redeliveries succeed once the operator fixes it)
bad/stale timestamp  400     outside the window or malformed timestamp
malformed            400     input the verifier could not even read (hostile or broken)
payload undecodable  422     authentic but undecodable: redelivered until dropped
handler raised       500     key released, so the redelivery runs the handlers again
store unavailable    503     cannot de-duplicate: refuse rather than risk running twice
body too large       413     refused before being read in full
===================  ======  ============================================================

Hostile input never raises out of a receiver and never logs above WARNING: logs name the
outcome and reason only, never the body, a header value or a secret.

``receiver.instrument(True)`` (extra ``otel``) reports each delivery as a span and metrics
(``_webhook_telemetry``); off, each step pays one ``if``.
"""

from __future__ import annotations

import logging
import math
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
from typing_extensions import Self

from ._asgi import Message, Receive, Scope, Send, handle_starlette, serve_asgi, starlette_route
from ._dedup import DedupStore, MemoryDedupStore, RenewableDedupStore
from ._delivery import Delivery, Reply, Verified, header_map
from ._errors import WebhookPayloadError, WebhookVerificationError
from ._ids import uuid4_hex
from ._logging import child_logger
from ._redact import mask_text

if TYPE_CHECKING:
    from ._otel import Instrument
    from ._webhook_telemetry import DeliveryObserver, ReceiverTelemetry

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "BaseReceiver",
    "Delivery",
    "Message",
    "Receive",
    "Reply",
    "Scope",
    "Send",
    "Verified",
    "handle_starlette",
    "header_map",
    "serve_asgi",
    "starlette_route",
]

DEFAULT_MAX_BODY_SIZE = 1 << 20
"""1 MiB: far above any notification, small enough that a flood cannot exhaust memory."""

_TIMESTAMP_REASONS = frozenset({"bad_timestamp", "stale", "future"})


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


class BaseReceiver:
    """Body cap, verification, de-duplication and answers; also an ASGI app.

    Subclasses implement ``verify_delivery``, ``run_handlers`` and the two body methods.
    ``store`` (default: a ``MemoryDedupStore`` per receiver) remembers processed
    deliveries for ``remember`` seconds; a claim expires after ``lease`` seconds if the
    worker dies, and is renewed every ``lease / 3`` seconds while the handlers run (when
    the store has ``renew``), so a slow handler keeps it. A handler's exception is logged
    by type only (its message may quote card or payment data; frames at DEBUG);
    ``on_error(event, exc)`` receives it.
    """

    log_name: ClassVar[str] = "receiver"
    media_type: ClassVar[str] = "application/json"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    _telemetry: ReceiverTelemetry | None = None

    def __init__(
        self,
        *,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        on_error: Callable[[Any, Exception], object] | None = None,
    ) -> None:
        if store is not None and not isinstance(store, DedupStore):
            raise TypeError("store must provide async claim(), mark_done() and release()")
        if on_error is not None and not callable(on_error):
            raise TypeError("on_error must be a callable (event, exception)")
        self.store: DedupStore = store if store is not None else MemoryDedupStore()
        self._lease = _positive(lease, "lease")
        self._remember = _positive(remember, "remember")
        self.max_body_size = int(_positive(max_body_size, "max_body_size"))
        self._on_error = on_error
        self._log = child_logger(self.log_name)

    def instrument(self, instrument: Instrument = True) -> Self:
        """Report every delivery to OpenTelemetry (extra ``otel``): a span
        ``"<api> webhook"`` and metrics. ``instrument`` is ``True`` (global providers), an
        ``Instrumentation``, a tracer or meter provider, or ``False`` (off again).
        Returns the receiver, so ``WebhookReceiver(...).instrument()`` reads well."""
        from ._webhook_telemetry import receiver_telemetry

        api = "lemft" if self.log_name == "webhooks" else self.log_name
        self._telemetry = receiver_telemetry(api, instrument)
        return self

    # -- what each API supplies -------------------------------------------------------------

    def verify_delivery(self, delivery: Delivery) -> Verified:
        """Check authenticity and decode; raise the typed verification/payload errors."""
        raise NotImplementedError

    async def run_handlers(self, event: Any, started: float) -> Reply | None:
        """Run the handlers; ``None`` means "acknowledge", a ``Reply`` answers as given."""
        raise NotImplementedError

    def ack_body(self) -> bytes:
        raise NotImplementedError

    def error_body(self, status: int, reason: str) -> bytes:
        raise NotImplementedError

    # -- the pipeline -----------------------------------------------------------------------

    def reply(self, status: int, reason: str, event: Any = None, *, handled: bool = False) -> Reply:
        """An acknowledgement (200) or an error answer in this API's words."""
        body = self.ack_body() if status == 200 else self.error_body(status, reason)
        return Reply(status, body, reason, event, handled, self.media_type)

    async def handle_delivery(self, delivery: Delivery, started: float | None = None) -> Reply:
        """Process one raw delivery (see the module docstring); never raises for bad input."""
        if started is None:
            started = anyio.current_time()
        if len(delivery.body) > self.max_body_size:
            reply = self.reply(413, "body_too_large")
            if self._telemetry is not None:
                self._telemetry.refused(reply)
            return reply
        return await self.process(lambda: self.verify_delivery(delivery), started)

    async def process(self, check: Callable[[], Verified], started: float) -> Reply:
        """Verify with ``check`` then de-duplicate and dispatch."""
        if self._telemetry is None:
            return await self._process(check, started, None)
        return await self._telemetry.observe(self._process, check, started)

    async def _process(
        self, check: Callable[[], Verified], started: float, observer: DeliveryObserver | None
    ) -> Reply:
        try:
            verified = check()
        except WebhookVerificationError as exc:
            self._log.info("%s rejected: %s", self.log_name, exc.reason)
            status = 400 if exc.reason in _TIMESTAMP_REASONS else 401
            return self.reply(status, exc.reason)
        except WebhookPayloadError as exc:
            self._log.warning("%s verified but undecodable: %s", self.log_name, exc.reason)
            return self.reply(422, exc.reason)
        except (ValueError, TypeError, LookupError, RecursionError, UnicodeError) as exc:
            # A verifier tripped over hostile input it should have refused: still a 4xx.
            self._log.warning("%s rejected malformed input: %s", self.log_name, type(exc).__name__)
            return self.reply(400, "malformed")
        if observer is not None:
            observer.step("verified")
        if verified.key is None:
            return await self._run(verified.event, started, None, "", observer)
        # Unique per delivery across workers: a uuid4 without building a UUID object.
        token = uuid4_hex()
        try:
            state = await self.store.claim(verified.key, token, self._lease)
        except Exception as exc:
            self._log.error("%s dedup store unavailable: %s", self.log_name, type(exc).__name__)
            return self.reply(503, "store_unavailable", verified.event)
        if state == "done":
            self._log.debug("%s duplicate skipped", self.log_name)
            return self.reply(200, "duplicate", verified.event)
        if state != "claimed":
            return self.reply(409, "in_progress", verified.event)
        if observer is not None:
            observer.step("claimed")
        return await self._run(verified.event, started, verified.key, token, observer)

    async def _run(
        self,
        event: Any,
        started: float,
        key: str | None,
        token: str,
        observer: DeliveryObserver | None = None,
    ) -> Reply:
        failure: Exception | None = None
        answer: Reply | None = None
        try:
            if key is not None and isinstance(self.store, RenewableDedupStore):
                # The claim is renewed while the handlers run, so a redelivery that arrives
                # after ``lease`` seconds still finds it held (and gets 409, not a second run).
                async with anyio.create_task_group() as keeper:
                    keeper.start_soon(self._keep_claim, self.store, key, token)
                    try:
                        answer = await self.run_handlers(event, started)
                    except Exception as exc:  # kept out of the task group's exception group
                        failure = exc
                    finally:
                        keeper.cancel_scope.cancel()
            else:
                try:
                    answer = await self.run_handlers(event, started)
                except Exception as exc:
                    failure = exc
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._release(key, token)
            raise
        if failure is not None:
            await self._release(key, token)
            # The message helps at 3 a.m.; card numbers and secret-looking fields in it are
            # masked (it may quote the event's data).
            self._log.error(
                "%s handler failed: %s: %s",
                self.log_name,
                type(failure).__name__,
                mask_text(str(failure))[:500],
            )
            if self._log.isEnabledFor(logging.DEBUG):
                frames = "".join(traceback.format_tb(failure.__traceback__))
                self._log.debug("%s handler traceback:\n%s", self.log_name, frames)
            self._report(event, failure)
            return self.reply(500, "handler_error", event)
        if observer is not None:
            observer.step("handled")
        if key is not None:
            try:
                await self.store.mark_done(key, token, self._remember)
            except Exception as exc:
                # Handled already: acknowledging is right; the lease expires by itself.
                self._log.warning(
                    "%s dedup store could not record: %s", self.log_name, type(exc).__name__
                )
        return answer if answer is not None else self.reply(200, "ok", event, handled=True)

    async def _keep_claim(self, store: RenewableDedupStore, key: str, token: str) -> None:
        """Extend the claim every ``lease / 3`` seconds until cancelled; never raises."""
        interval = self._lease / 3
        while True:
            await anyio.sleep(interval)
            try:
                with anyio.fail_after(interval):
                    kept = await store.renew(key, token, self._lease)
            except Exception as exc:  # a store hiccup or a slow reply: try again next tick
                self._log.warning(
                    "%s dedup claim renewal failed: %s", self.log_name, type(exc).__name__
                )
                continue
            if not kept:
                self._log.warning(
                    "%s dedup claim lapsed before renewal; a redelivery may run concurrently",
                    self.log_name,
                )
                return

    def _report(self, event: Any, exc: Exception) -> None:
        if self._on_error is None:
            return
        try:
            self._on_error(event, exc)
        except Exception as hook_exc:
            self._log.warning("%s on_error hook failed: %s", self.log_name, type(hook_exc).__name__)

    async def _release(self, key: str | None, token: str) -> None:
        if key is None:
            return
        try:
            await self.store.release(key, token)
        except Exception as exc:
            self._log.warning(
                "%s dedup store could not release: %s", self.log_name, type(exc).__name__
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point (lifespan answered so it can be served standalone)."""
        await serve_asgi(self, scope, receive, send)
