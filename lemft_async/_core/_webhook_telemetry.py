"""What a receiver reports (``receiver.instrument(...)``): one span per delivery, metrics.

The span ``"<api> webhook"`` (``lemft webhook``, ``payin webhook``, ``keysecure webhook``)
covers the whole delivery; its events mark the steps reached (``verified``, ``claimed``,
``handled``) and its attributes say how it ended: ``lemft.webhook.reason`` (the receiver
core's reason code: ``ok``, ``duplicate``, ``bad_signature``, ``handler_error`` ...),
``http.response.status_code``, ``lemft.webhook.handled``, ``lemft.webhook.event`` (the
event's type) and ``lemft.webhook.event_tag`` when it has one. Never the body, a header,
a signature or a secret. Metrics: ``lemft_async.webhooks`` (by api, reason and status) and
``lemft_async.webhook.duration``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from ._delivery import Reply, Verified
from ._otel import Otel, check_instrument, never_raises

__all__ = ["DeliveryObserver", "ReceiverTelemetry", "receiver_telemetry"]

Check = Callable[[], Verified]
Run = Callable[[Check, float, "DeliveryObserver"], Awaitable[Reply]]


def receiver_telemetry(api: str, instrument: object) -> ReceiverTelemetry | None:
    """A receiver's telemetry for ``instrument`` (``None`` when it is off)."""
    providers = check_instrument(instrument)
    return None if providers is None else ReceiverTelemetry(api, Otel(providers))


class ReceiverTelemetry:
    """The instruments of one receiver."""

    __slots__ = ("api", "otel")

    def __init__(self, api: str, otel: Otel) -> None:
        self.api = api
        self.otel = otel

    async def observe(self, run: Run, check: Check, started: float) -> Reply:
        """``await run(check, started, observer)``, reported."""
        observer = DeliveryObserver(self)
        try:
            reply = await run(check, started, observer)
        except BaseException as exc:
            observer.finish(None, exc)
            raise
        observer.finish(reply, None)
        return reply

    def refused(self, reply: Reply) -> None:
        """A delivery answered before the pipeline (body too large)."""
        DeliveryObserver(self).finish(reply, None)


class DeliveryObserver:
    """One delivery as the telemetry sees it."""

    __slots__ = ("_span", "_started", "_token", "telemetry")

    def __init__(self, telemetry: ReceiverTelemetry) -> None:
        self.telemetry = telemetry
        self._started = time.perf_counter()
        self._span: Any = None
        self._token: Any = None
        self._start()

    @never_raises
    def _start(self) -> None:
        api = self.telemetry.api
        self._span, self._token = self.telemetry.otel.start(
            f"{api} webhook", {"lemft.api": api}, server=True
        )

    @never_raises
    def step(self, name: str) -> None:
        """The delivery got past ``name`` (``verified``, ``claimed``, ``handled``)."""
        if self._span is not None:
            self._span.add_event(name)

    @never_raises
    def finish(self, reply: Reply | None, error: BaseException | None) -> None:
        otel = self.telemetry.otel
        if self._span is None:
            return
        reason = reply.reason if reply is not None else "cancelled"
        attributes: dict[str, Any] = {"lemft.webhook.reason": reason}
        problem: str | None = None
        if reply is not None:
            attributes["http.response.status_code"] = reply.status
            attributes["lemft.webhook.handled"] = reply.handled
            if reply.status >= 500:
                problem = reason
            event = reply.event
            if event is not None:
                attributes["lemft.webhook.event"] = type(event).__name__
                tag = getattr(event, "event_tag", None)
                if isinstance(tag, str):
                    attributes["lemft.webhook.event_tag"] = tag
        if error is not None:
            attributes["error.type"] = type(error).__name__
            problem = type(error).__name__
        otel.end(self._span, self._token, attributes, problem)
        base = {"lemft.api": self.telemetry.api, "lemft.webhook.reason": reason}
        status = reply.status if reply is not None else 0
        otel.webhooks.add(1, {**base, "http.response.status_code": status})
        otel.webhook_duration.record(time.perf_counter() - self._started, base)
