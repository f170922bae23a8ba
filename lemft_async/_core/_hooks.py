"""Event hooks: plain callables told about every attempt, for those who do not use OTel.

The httpx convention: ``event_hooks={"request": [...], "response": [...]}``. A request
hook runs just before an attempt goes on the wire (after the endpoint gate), a response
hook after the attempt is over (answered, refused or failed). Each receives a
``CallView``: operation, path template, attempt number, HTTP status, duration, traceid and
the short failure (``"code 10004"``); never the body, a header or a credential.

Hooks may be plain functions or ``async def``; they run inline, in order, so keep them
fast (a request hook of LEMFT runs while the endpoint is held). A hook that raises is
logged (by exception type) and ignored: the call goes on, and the money guarantees (never
re-send a write whose outcome is unknown) do not depend on hooks.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["CallView", "EventHooks", "Hook", "HookEvent", "check_event_hooks", "run_hooks"]

HookEvent = Literal["request", "response"]


@dataclass(frozen=True, slots=True)
class CallView:
    """What a hook is told about one attempt (a redacted view: no body, no headers)."""

    event: HookEvent
    """``"request"`` (about to be sent) or ``"response"`` (the attempt is over)."""
    api: str
    """``"lemft"``, ``"payin"`` or ``"keysecure"``."""
    operation: str
    """The operation name (``"orders.open_card"``)."""
    path: str
    """The path template (never a filled path: it may hold a card number)."""
    attempt: int
    """1 for the first attempt, 2 for the first retry ..."""
    traceid: str
    """The call's traceid (the same across its retries)."""
    status: int | None = None
    """The HTTP status of the answer (``None`` for a request, or when none came back)."""
    duration: float | None = None
    """Seconds the attempt took (``None`` for a request)."""
    error: str | None = None
    """Why the attempt failed (``"code 10004"``, ``"HTTP 502"``, ``"ConnectError"``), or
    ``None`` when it succeeded."""


Hook = Callable[[CallView], object]
"""A hook: ``hook(view)``; it may return an awaitable, which is awaited."""
EventHooks = Mapping[str, Sequence[Hook]]
"""``{"request": [hook, ...], "response": [hook, ...]}`` (either key may be left out)."""

_EVENTS: tuple[HookEvent, ...] = ("request", "response")


def check_event_hooks(value: object) -> tuple[tuple[Hook, ...], tuple[Hook, ...]]:
    """``(request hooks, response hooks)``; a malformed mapping raises before any call."""
    if value is None:
        return (), ()
    if not isinstance(value, Mapping):
        raise TypeError('event_hooks must be a mapping like {"request": [...], "response": [...]}')
    unknown = sorted(str(k) for k in value if k not in _EVENTS)
    if unknown:
        raise ValueError(
            f"event_hooks: unknown event(s) {', '.join(unknown)} (known: request, response)"
        )
    found: dict[str, tuple[Hook, ...]] = {}
    for event in _EVENTS:
        hooks = value.get(event, ())
        if callable(hooks) or isinstance(hooks, str | bytes) or not isinstance(hooks, Sequence):
            raise TypeError(f"event_hooks[{event!r}] must be a list of callables")
        for hook in hooks:
            if not callable(hook):
                raise TypeError(f"event_hooks[{event!r}] holds a non-callable")
        found[event] = tuple(hooks)
    return found["request"], found["response"]


def _name(hook: Hook) -> str:
    return getattr(hook, "__qualname__", None) or type(hook).__name__


async def run_hooks(
    hooks: tuple[Hook, ...], view: CallView, log: logging.Logger, label: str
) -> None:
    """Run ``hooks`` in order with ``view``; one that raises is logged (``label`` prefixes
    the operation, as in the call's other log lines) and skipped."""
    for hook in hooks:
        try:
            result = hook(view)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            # The type only: a hook's message is its own business and may quote anything.
            log.warning(
                "%s%s %s event hook %s raised %s; ignored, the call goes on (traceid=%s)",
                label,
                view.operation,
                view.event,
                _name(hook),
                type(exc).__name__,
                view.traceid,
            )
