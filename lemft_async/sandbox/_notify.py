"""Notifications: the outbox, signed delivery to webhooks and redelivery on failure.

Format (docs/notifications.md, inferred and binding for the sandbox): ``POST`` of the flat
payload plus ``eventTag`` and ``notify_id`` as compact JSON; headers ``timestamp`` (UTC
seconds), ``signature`` = lowercase hex HMAC-SHA256(api_key, raw_body + timestamp) and
``eventTag``. Acknowledged by any 2xx answer (``strict_ack``: HTTP 200 with
``{"code":0,...}``). A failed delivery is retried after 5 s, 30 s, 2 min, 10 min, 30 min
and 1 h (times ``time_scale``, on the business clock), then dropped. The body and its
``notify_id`` stay the same across redeliveries; the timestamp and signature are fresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from lemft_async._core._codec import dumps, loads

from ._clock import BusinessClock
from ._signature import sign

__all__ = ["REDELIVERY_SCHEDULE", "Attempt", "Delivery", "Notification", "Notifier"]

REDELIVERY_SCHEDULE: tuple[float, ...] = (5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0)
"""Seconds before each redelivery (inferred; scaled by ``time_scale``)."""

DELIVERY_TIMEOUT = 10.0

DeliveryStatus = Literal["pending", "delivered", "dropped"]


@dataclass
class Attempt:
    """One delivery attempt: when (business clock) and what came back."""

    at: float
    outcome: str
    """``"HTTP 200"``, ``"HTTP 500"`` or the transport error's name."""
    ok: bool


@dataclass
class Delivery:
    """The state of one notification towards one webhook target."""

    target: str
    next_at: float
    status: DeliveryStatus = "pending"
    attempts: list[Attempt] = field(default_factory=list)


@dataclass
class Notification:
    """An event in the outbox. ``status`` is ``held`` when no webhook was registered."""

    notify_id: str
    event_tag: str
    payload: dict[str, Any]
    created_at: float
    deliveries: list[Delivery] = field(default_factory=list)
    _body: bytes | None = field(default=None, repr=False)

    @property
    def body(self) -> bytes:
        """The exact bytes sent (encoded once, so every redelivery is identical)."""
        if self._body is None:
            self._body = dumps(
                {"eventTag": self.event_tag, "notify_id": self.notify_id, **self.payload}
            )
        return self._body

    @property
    def status(self) -> str:
        if not self.deliveries:
            return "held"
        states = {d.status for d in self.deliveries}
        if "pending" in states:
            return "pending"
        return "dropped" if "dropped" in states else "delivered"

    @property
    def attempts(self) -> int:
        return sum(len(d.attempts) for d in self.deliveries)

    def __repr__(self) -> str:
        # The payload may hold card numbers and CVVs: never in a repr.
        return (
            f"Notification(notify_id={self.notify_id!r}, event_tag={self.event_tag!r}, "
            f"status={self.status!r}, attempts={self.attempts})"
        )


@dataclass
class _Target:
    label: str
    client: httpx.AsyncClient
    url: str


class Notifier:
    """Keeps the outbox and delivers it; ``deliver_due()`` does one round of due work."""

    def __init__(
        self,
        *,
        clock: BusinessClock,
        wall: Callable[[], float],
        api_key: str,
        new_id: Callable[[], str],
        time_scale: float = 1.0,
        strict_ack: bool = False,
        outbox_limit: int = 10_000,
    ) -> None:
        self.clock = clock
        self.wall = wall
        self.api_key = api_key
        self.new_id = new_id
        self.time_scale = time_scale
        self.strict_ack = strict_ack
        self.outbox_limit = outbox_limit
        self.outbox: list[Notification] = []
        self._targets: list[_Target] = []
        self._pending: list[tuple[Notification, Delivery, _Target]] = []
        self._delivering = False

    # -- targets ---------------------------------------------------------------------------

    def add_target(self, target: str | Any, *, path: str = "/") -> str:
        """A URL (real HTTP) or an ASGI app (delivered in-process); returns its label."""
        if isinstance(target, str):
            if not target.startswith(("http://", "https://")):
                raise ValueError(f"webhook URL must be http(s), got {target!r}")
            client = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT)
            entry = _Target(target, client, target)
        elif callable(target):
            transport = httpx.ASGITransport(app=target)
            client = httpx.AsyncClient(
                transport=transport, base_url="http://webhook.sandbox", timeout=DELIVERY_TIMEOUT
            )
            label = f"asgi:{getattr(target, '__name__', type(target).__name__)}{path}"
            entry = _Target(label, client, path)
        else:
            raise TypeError("webhook target must be a URL string or an ASGI application")
        self._targets.append(entry)
        return entry.label

    @property
    def targets(self) -> list[str]:
        return [t.label for t in self._targets]

    # -- emitting ----------------------------------------------------------------------------

    def emit(self, event_tag: str, payload: dict[str, Any]) -> None:
        """Queue one event for every registered target (or hold it in the outbox)."""
        now = self.clock.now()
        note = Notification(self.new_id(), event_tag, payload, now)
        for target in self._targets:
            delivery = Delivery(target.label, next_at=now)
            note.deliveries.append(delivery)
            self._pending.append((note, delivery, target))
        self.outbox.append(note)
        if len(self.outbox) > self.outbox_limit * 1.1:
            self._trim()

    def _trim(self) -> None:
        excess = len(self.outbox) - self.outbox_limit
        kept: list[Notification] = []
        for note in self.outbox:
            if excess > 0 and note.status != "pending":
                excess -= 1
                continue
            kept.append(note)
        self.outbox = kept

    # -- delivering ----------------------------------------------------------------------------

    @property
    def due(self) -> int:
        now = self.clock.now()
        return sum(1 for _, d, _ in self._pending if d.next_at <= now)

    def next_due(self) -> float | None:
        return min((d.next_at for _, d, _ in self._pending), default=None)

    async def deliver_due(self) -> int:
        """Attempt every delivery whose time has come, oldest first; returns attempts made."""
        if not self._pending or self._delivering:
            # Another round (the background loop, or a test's run_due) is under way.
            return 0
        self._delivering = True
        try:
            now = self.clock.now()
            made = 0
            for note, delivery, target in list(self._pending):
                if delivery.next_at > now:
                    continue
                made += 1
                await self._attempt(note, delivery, target)
        finally:
            self._delivering = False
            self._pending = [item for item in self._pending if item[1].status == "pending"]
        return made

    def headers(self, note: Notification) -> dict[str, str]:
        """The headers of one delivery of ``note``: a fresh timestamp and signature."""
        timestamp = str(int(self.wall()))
        return {
            "Content-Type": "application/json",
            "User-Agent": "lemft-sandbox",
            "timestamp": timestamp,
            "signature": sign(self.api_key, note.body, timestamp),
            "eventTag": note.event_tag,
        }

    def note(self, event: Mapping[str, Any]) -> Notification:
        """A notification (not queued) from a payload holding its ``eventTag`` (and
        ``notify_id``, generated when absent)."""
        if not isinstance(event, Mapping):
            raise TypeError(f"event must be a Notification or a mapping, got {type(event)}")
        payload = dict(event)
        tag = payload.pop("eventTag", None)
        if not isinstance(tag, str) or not tag:
            raise ValueError("event needs its 'eventTag' (e.g. 'card.status.active')")
        notify_id = payload.pop("notify_id", None) or self.new_id()
        return Notification(str(notify_id), tag, payload, self.clock.now())

    async def send_once(self, note: Notification, to: str | Any, *, path: str) -> httpx.Response:
        """POST ``note`` once to a URL or an ASGI app (at ``path``); the answer as is."""
        if isinstance(to, str):
            if not to.startswith(("http://", "https://")):
                raise ValueError(f"webhook URL must be http(s), got {to!r}")
            client, url = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT), to
        elif callable(to):
            transport = httpx.ASGITransport(app=to)
            client = httpx.AsyncClient(
                transport=transport, base_url="http://webhook.sandbox", timeout=DELIVERY_TIMEOUT
            )
            url = path
        else:
            raise TypeError("to must be a URL string or an ASGI application")
        async with client:
            return await client.post(url, content=note.body, headers=self.headers(note))

    async def _attempt(self, note: Notification, delivery: Delivery, target: _Target) -> None:
        headers = self.headers(note)
        try:
            response = await target.client.post(target.url, content=note.body, headers=headers)
        except httpx.HTTPError as exc:
            ok, outcome = False, type(exc).__name__
        else:
            ok, outcome = self._acknowledged(response), f"HTTP {response.status_code}"
        delivery.attempts.append(Attempt(self.clock.now(), outcome, ok))
        if ok:
            delivery.status = "delivered"
            return
        failures = len(delivery.attempts)
        if failures > len(REDELIVERY_SCHEDULE):
            delivery.status = "dropped"
        else:
            wait = REDELIVERY_SCHEDULE[failures - 1] * self.time_scale
            delivery.next_at = self.clock.now() + wait

    def _acknowledged(self, response: httpx.Response) -> bool:
        if not self.strict_ack:
            return 200 <= response.status_code < 300
        if response.status_code != 200:
            return False
        try:
            body = loads(response.content)
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("code") == 0

    async def aclose(self) -> None:
        for target in self._targets:
            await target.client.aclose()
