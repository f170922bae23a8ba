"""What a client reports about its calls: OpenTelemetry spans and metrics, event hooks.

Written once for the three clients. ``BaseTransport.call`` asks for it only when the
client was built with ``instrument=`` or ``event_hooks=``: off, a call creates no span, no
observer and no closure (one ``if`` per step). On, each logical call gets a span
``"<api> <operation>"`` (``lemft orders.open_card``), each attempt a child span
``"<api> <operation> attempt"``, and the metrics of ``_otel``.

Span attributes of a call: ``lemft.api``, ``lemft.operation``, ``lemft.path`` (the
template), ``lemft.traceid``, ``lemft.attempts``, ``lemft.retries`` (attempts - 1: every
re-send, token refreshes and clock re-syncs included), ``lemft.gate_wait_seconds`` (LEMFT),
``lemft.code`` (the business code of the answer: ``"0"``, ``"10004"``, Payin's
``"SUCCESS"``/errCode), ``lemft.outcome`` (``ok``, ``error`` or ``unknown``),
``http.response.status_code`` and ``error.type``. Never a body, a header, a credential,
an exception message or a filled path.

Outcome ``unknown``: an ``OutcomeUnknownError``, or a write cancelled after it was sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ._calllog import short
from ._errors import APIError, OutcomeUnknownError
from ._hooks import CallView, EventHooks, Hook, check_event_hooks, run_hooks
from ._logging import logger
from ._otel import Otel, check_instrument, never_raises

if TYPE_CHECKING:
    from ._call import Call

__all__ = ["CallObserver", "Telemetry", "TelemetrySpec", "build_telemetry", "code_of"]

T = TypeVar("T")


def code_of(error: BaseException | None) -> str | None:
    """The business code of a failure as text (an unknown outcome's cause's), if any."""
    if isinstance(error, OutcomeUnknownError) and error.cause is not None:
        error = error.cause
    if not isinstance(error, APIError):
        return None
    code = error.code if error.code is not None else getattr(error, "err_code", None)
    return None if code is None else str(code)


class TelemetrySpec:
    """What a client tells its telemetry about its API (a class attribute of each client)."""

    __slots__ = ("api", "gated", "success_code")

    def __init__(self, api: str, *, gated: bool = False, success_code: str = "0") -> None:
        self.api = api
        self.gated = gated
        """Whether attempts queue behind an endpoint gate (only then is the wait reported)."""
        self.success_code = success_code
        """``lemft.code`` of a successful call."""


class Telemetry:
    """The OTel instruments and event hooks of one client; shared by its copies unless
    ``with_options(event_hooks=...)`` gives a copy its own hooks."""

    __slots__ = ("label", "log", "otel", "request_hooks", "response_hooks", "spec")

    def __init__(
        self,
        spec: TelemetrySpec,
        otel: Otel | None,
        request_hooks: tuple[Hook, ...],
        response_hooks: tuple[Hook, ...],
        log: logging.Logger,
    ) -> None:
        self.spec = spec
        self.otel = otel
        self.request_hooks = request_hooks
        self.response_hooks = response_hooks
        self.log = log
        self.label = "" if spec.api == "lemft" else spec.api + " "

    async def observe(self, call: Call[T], run: Callable[[Call[T]], Awaitable[T]]) -> T:
        """``await run(call)``, reported: a span around it, the outcome counted."""
        observer = CallObserver(self, call)
        call.observer = observer
        try:
            result = await run(call)
        except OutcomeUnknownError as exc:
            observer.finish("unknown", exc)
            raise
        except BaseException as exc:
            cancelled = isinstance(exc, anyio.get_cancelled_exc_class())
            # A write cancelled after it went out may have been carried out.
            outcome = "unknown" if cancelled and call.is_write and observer.sent else "error"
            observer.finish(outcome, exc)
            raise
        observer.finish("ok", None)
        return result


def build_telemetry(
    spec: TelemetrySpec,
    instrument: object,
    event_hooks: EventHooks | None,
    *,
    otel: Otel | None = None,
    log: logging.Logger = logger,
) -> Telemetry | None:
    """A client's telemetry, or ``None`` when it has neither instrumentation nor hooks
    (``otel``: instruments already built, for a copy with other hooks)."""
    request_hooks, response_hooks = check_event_hooks(event_hooks)
    if otel is None:
        providers = check_instrument(instrument)
        otel = None if providers is None else Otel(providers)
    if otel is None and not request_hooks and not response_hooks:
        return None
    return Telemetry(spec, otel, request_hooks, response_hooks, log)


class CallObserver:
    """One logical call as the telemetry sees it (exists only when telemetry is on)."""

    __slots__ = (
        "_attempt_span",
        "_attempt_token",
        "_base",
        "_span",
        "_token",
        "attempt_wait",
        "attempts",
        "call",
        "gate_wait",
        "sent",
        "started_at",
        "telemetry",
    )

    def __init__(self, telemetry: Telemetry, call: Call[Any]) -> None:
        self.telemetry = telemetry
        self.call = call
        self.attempts = 0
        self.gate_wait = 0.0
        self.attempt_wait = 0.0
        self.started_at = 0.0
        self.sent = False
        """Whether an attempt reached the wire (its request hook ran)."""
        self._base = {"lemft.api": telemetry.spec.api, "lemft.operation": call.endpoint.name}
        self._attempt_span: Any = None
        self._attempt_token: Any = None
        self._span: Any = None
        self._token: Any = None
        if telemetry.otel is not None:
            self._start()

    @never_raises
    def _start(self) -> None:
        otel, call = self.telemetry.otel, self.call
        assert otel is not None
        self._span, self._token = otel.start(
            f"{self.telemetry.spec.api} {call.endpoint.name}",
            {**self._base, "lemft.path": call.endpoint.path, "lemft.traceid": call.traceid},
        )

    def _view(self, event: Any, **fields: Any) -> CallView:
        call = self.call
        return CallView(
            event,
            self.telemetry.spec.api,
            call.endpoint.name,
            call.endpoint.path,
            self.attempts,
            call.traceid,
            **fields,
        )

    # -- the steps of BaseTransport ----------------------------------------------------------

    @never_raises
    def attempt_started(self, started: float) -> None:
        """An attempt begins (before the gate); ``started`` is its ``perf_counter``."""
        self.attempts += 1
        self.started_at = started
        self.attempt_wait = -1.0  # not sent yet (an attempt may fail before the wire)
        otel = self.telemetry.otel
        if otel is not None and self._span is not None:
            self._attempt_span, self._attempt_token = otel.start(
                f"{self.telemetry.spec.api} {self.call.endpoint.name} attempt",
                {**self._base, "lemft.attempt": self.attempts},
                parent=self._span,
            )

    async def sending(self) -> None:
        """The attempt goes on the wire now (the gate is held): its wait ends here."""
        self.attempt_wait = time.perf_counter() - self.started_at
        self.gate_wait += self.attempt_wait
        self.sent = True
        telemetry = self.telemetry
        if telemetry.request_hooks:
            await run_hooks(
                telemetry.request_hooks, self._view("request"), telemetry.log, telemetry.label
            )

    async def attempt_ended(self, error: BaseException | None, seconds: float) -> None:
        """The attempt is over: answered (``error`` None), refused or failed."""
        self._end_attempt(error, seconds)
        telemetry = self.telemetry
        if telemetry.response_hooks:
            response = self.call.response
            view = self._view(
                "response",
                status=None if response is None else response.status_code,
                duration=seconds,
                error=None if error is None else short(error),
            )
            await run_hooks(telemetry.response_hooks, view, telemetry.log, telemetry.label)

    @never_raises
    def retrying(self, error: BaseException) -> None:
        """The failed attempt will be re-sent (after backoff or a recovery)."""
        otel = self.telemetry.otel
        if otel is not None:
            otel.retries.add(1, {**self._base, "lemft.reason": short(error)})

    @never_raises
    def finish(self, outcome: str, error: BaseException | None) -> None:
        """The call is over; ``outcome`` is ``ok``, ``error`` or ``unknown``."""
        if self._attempt_span is not None:
            # Still open: the answer did not fit its model, or the call was cancelled.
            self._end_attempt(error, time.perf_counter() - self.started_at)
        otel = self.telemetry.otel
        if otel is None or self._span is None:
            return
        spec = self.telemetry.spec
        code = spec.success_code if error is None else code_of(error)
        attributes: dict[str, Any] = {
            "lemft.attempts": self.attempts,
            "lemft.retries": max(self.attempts - 1, 0),
            "lemft.outcome": outcome,
        }
        if spec.gated:
            attributes["lemft.gate_wait_seconds"] = self.gate_wait
        if code is not None:
            attributes["lemft.code"] = code
        response = self.call.response
        if response is not None:
            attributes["http.response.status_code"] = response.status_code
        if error is not None:
            attributes["error.type"] = type(error).__name__
        otel.end(self._span, self._token, attributes, None if error is None else short(error))
        otel.calls.add(1, {**self._base, "lemft.outcome": outcome})
        if outcome == "unknown":
            otel.unknown.add(1, self._base)

    @never_raises
    def _end_attempt(self, error: BaseException | None, seconds: float) -> None:
        otel = self.telemetry.otel
        if otel is None or self._attempt_span is None:
            return
        result = "ok" if error is None else short(error)
        attributes: dict[str, Any] = {"lemft.attempt_result": result}
        response = self.call.response
        if response is not None:
            attributes["http.response.status_code"] = response.status_code
        code = self.telemetry.spec.success_code if error is None else code_of(error)
        if code is not None:
            attributes["lemft.code"] = code
        if error is not None:
            attributes["error.type"] = type(error).__name__
        if self.telemetry.spec.gated and self.attempt_wait >= 0:
            attributes["lemft.gate_wait_seconds"] = self.attempt_wait
        span, token = self._attempt_span, self._attempt_token
        self._attempt_span = self._attempt_token = None
        otel.end(span, token, attributes, None if error is None else result)
        otel.attempt_duration.record(seconds, {**self._base, "lemft.attempt_result": result})
        if self.telemetry.spec.gated and self.attempt_wait >= 0:
            otel.gate_wait.record(self.attempt_wait, self._base)
