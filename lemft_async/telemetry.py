"""Observability: OpenTelemetry instrumentation (extra ``otel``) and event hooks.

    from lemft_async import AsyncLemft
    from lemft_async.telemetry import CallView, Instrumentation

    client = AsyncLemft(..., instrument=True)              # global OTel providers
    client = AsyncLemft(..., instrument=Instrumentation(tracer_provider=tp, meter_provider=mp))

    async def log_attempt(view: CallView) -> None: ...
    client = AsyncLemft(..., event_hooks={"response": [log_attempt]})

The same parameters exist on ``AsyncPayin`` and ``AsyncKeySecure``; receivers report
deliveries after ``receiver.instrument(...)``. Span, attribute and metric names: README
"Observability".
"""

from ._core._hooks import CallView, EventHooks, Hook, HookEvent
from ._core._otel import DURATION_BUCKETS, Instrument, Instrumentation

__all__ = [
    "DURATION_BUCKETS",
    "CallView",
    "EventHooks",
    "Hook",
    "HookEvent",
    "Instrument",
    "Instrumentation",
]
