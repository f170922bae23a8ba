"""OpenTelemetry (extra ``otel``: ``opentelemetry-api`` only): the tracer and instruments.

Imported only when a client or receiver is instrumented, so an SDK without the extra
loads nothing of OpenTelemetry. ``instrument=True`` uses the global providers (set by the
application, or no-ops); ``Instrumentation(tracer_provider=..., meter_provider=...)`` or a
provider passed directly picks them explicitly.

Names (one set for the three clients; ``lemft.api`` says which):

=====================================  =========  ========================================
instrument                             unit       attributes
=====================================  =========  ========================================
``lemft_async.calls``                  {call}     api, operation, outcome (ok|error|unknown)
``lemft_async.attempt.duration``       s          api, operation, attempt_result
``lemft_async.gate.wait``              s          api, operation (LEMFT's endpoint gate)
``lemft_async.retries``                {retry}    api, operation, reason (``code 10004``)
``lemft_async.outcome_unknown``        {call}     api, operation
``lemft_async.webhooks``               {delivery} api, reason, status
``lemft_async.webhook.duration``       s          api, reason
=====================================  =========  ========================================

Attribute keys are in the ``lemft.`` namespace (``lemft.api``, ``lemft.operation`` ...)
plus OpenTelemetry's ``http.response.status_code`` and ``error.type``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .._version import __version__
from ._extras import missing_extra
from ._logging import logger

__all__ = [
    "DURATION_BUCKETS",
    "Instrument",
    "Instrumentation",
    "Otel",
    "check_instrument",
    "never_raises",
]

F = TypeVar("F", bound=Callable[..., None])


def never_raises(method: F) -> F:
    """Telemetry must never change a call's result (a successful write reported as failed
    could be re-sent by its caller): an exception inside ``method`` is logged and dropped."""

    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            method(*args, **kwargs)
        except Exception as exc:
            if logger.isEnabledFor(logging.WARNING):
                logger.warning(
                    "telemetry %s failed: %s; ignored, the call goes on",
                    method.__qualname__,
                    type(exc).__name__,
                )

    return guarded  # type: ignore[return-value]


DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Histogram boundaries in seconds (OpenTelemetry's defaults are for milliseconds)."""


@dataclass(frozen=True)
class Instrumentation:
    """Which OpenTelemetry providers a client reports to (``None``: the global one)."""

    tracer_provider: Any = None
    meter_provider: Any = None


Instrument = bool | Instrumentation | Any
"""``False`` (off), ``True`` (global providers), an ``Instrumentation``, or a tracer or
meter provider (the other one is then the global provider)."""


def check_instrument(instrument: object) -> Instrumentation | None:
    """The providers to use, or ``None`` when off; a value of no known kind raises."""
    if instrument is None or instrument is False:
        return None
    if instrument is True:
        return Instrumentation()
    if isinstance(instrument, Instrumentation):
        return instrument
    if callable(getattr(instrument, "get_tracer", None)):
        return Instrumentation(tracer_provider=instrument)
    if callable(getattr(instrument, "get_meter", None)):
        return Instrumentation(meter_provider=instrument)
    raise TypeError(
        "instrument must be True/False, an Instrumentation, or an OpenTelemetry "
        f"TracerProvider or MeterProvider; got {type(instrument).__name__}"
    )


class Otel:
    """The tracer and the instruments of one client or receiver (built once)."""

    def __init__(self, providers: Instrumentation) -> None:
        try:
            from opentelemetry import context, metrics, trace
        except ImportError:
            raise missing_extra("instrument=", "otel", "opentelemetry") from None
        self._context = context
        self._trace = trace
        tracer_provider = providers.tracer_provider or trace.get_tracer_provider()
        meter_provider = providers.meter_provider or metrics.get_meter_provider()
        self.tracer = tracer_provider.get_tracer("lemft_async", __version__)
        meter = meter_provider.get_meter("lemft_async", __version__)
        self.client_kind = trace.SpanKind.CLIENT
        self.server_kind = trace.SpanKind.SERVER
        self.calls = meter.create_counter(
            "lemft_async.calls", unit="{call}", description="Logical calls by outcome"
        )
        self.attempt_duration = meter.create_histogram(
            "lemft_async.attempt.duration",
            unit="s",
            description="Duration of each attempt (gate wait included)",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.gate_wait = meter.create_histogram(
            "lemft_async.gate.wait",
            unit="s",
            description="Time an attempt queued behind the per-endpoint gate",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.retries = meter.create_counter(
            "lemft_async.retries", unit="{retry}", description="Attempts re-sent, by reason"
        )
        self.unknown = meter.create_counter(
            "lemft_async.outcome_unknown",
            unit="{call}",
            description="Writes whose outcome is unknown (to reconcile)",
        )
        self.webhooks = meter.create_counter(
            "lemft_async.webhooks", unit="{delivery}", description="Deliveries received"
        )
        self.webhook_duration = meter.create_histogram(
            "lemft_async.webhook.duration",
            unit="s",
            description="Time to verify, de-duplicate, handle and answer a delivery",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )

    # -- spans ---------------------------------------------------------------------------

    def start(
        self,
        name: str,
        attributes: Mapping[str, Any],
        *,
        parent: Any = None,
        server: bool = False,
    ) -> tuple[Any, Any]:
        """A started span made current (child of ``parent``, else of the current span),
        and the token that ``end`` detaches."""
        span = self.tracer.start_span(
            name,
            context=None if parent is None else self._trace.set_span_in_context(parent),
            kind=self.server_kind if server else self.client_kind,
            attributes=dict(attributes),
        )
        token = self._context.attach(self._trace.set_span_in_context(span))
        return span, token

    def end(self, span: Any, token: Any, attributes: Mapping[str, Any], error: str | None) -> None:
        """Set the final attributes and status, end ``span`` and detach its context.

        ``error`` is a short description (``"code 10004"``), never an exception's message:
        a message may quote a server's text, and spans leave the process.
        """
        span.set_attributes(dict(attributes))
        if error is not None:
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, error))
        span.end()
        self._context.detach(token)
