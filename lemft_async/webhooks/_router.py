"""``Router``: which handlers run for which event.

Handlers register per event class (``@router.on(CardEvent)``; ``WebhookEventBase``
matches every event) or per tag (``@router.on("card.status.freeze")``, or a prefix
pattern ending in ``*`` such as ``"card.status.*"``). ``dispatch`` runs every matching
handler in registration order, one after the other, so a failure stops the rest and the
delivery is redelivered: handlers should be idempotent (at-least-once delivery).
Handlers may be ``async def`` or plain functions (which run on the event loop).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

from ._events import WebhookEventBase

__all__ = ["Handler", "Router"]

E = TypeVar("E", bound=WebhookEventBase)
Handler = Callable[[E], "Awaitable[object] | object"]
_H = TypeVar("_H", bound=Callable[..., Any])


def _matcher(target: type[WebhookEventBase] | str) -> Callable[[WebhookEventBase], bool]:
    if isinstance(target, type):
        if not issubclass(target, WebhookEventBase):
            raise TypeError(f"cannot route on {target.__name__}: not a webhook event class")
        return lambda event: isinstance(event, target)
    if not isinstance(target, str) or not target.strip() or target.strip() == "*":
        raise ValueError("a tag route must be a non-empty tag or a 'prefix*' pattern")
    tag = target.strip()
    if tag.endswith("*"):
        prefix = tag[:-1]
        return lambda event: event.event_tag is not None and event.event_tag.startswith(prefix)
    return lambda event: event.event_tag == tag


class Router:
    """Event handlers by event class or tag. See the module docstring for the rules."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, Callable[[WebhookEventBase], bool], Callable[..., Any]]] = []

    @overload
    def on(self, target: type[E]) -> Callable[[Callable[[E], Any]], Callable[[E], Any]]: ...

    @overload
    def on(
        self, target: str
    ) -> Callable[[Callable[[WebhookEventBase], Any]], Callable[[WebhookEventBase], Any]]: ...

    def on(self, target: type[WebhookEventBase] | str) -> Callable[[_H], _H]:
        """Decorator registering a handler for an event class or a tag (pattern)."""
        matcher = _matcher(target)
        label = target.__name__ if isinstance(target, type) else target

        def register(handler: _H) -> _H:
            if not callable(handler):
                raise TypeError("a webhook handler must be callable")
            self._routes.append((label, matcher, handler))
            return handler

        return register

    def add(self, target: type[WebhookEventBase] | str, handler: Callable[..., Any]) -> None:
        """Non-decorator form of ``on``."""
        self.on(target)(handler)

    def handlers_for(self, event: WebhookEventBase) -> list[Callable[..., Any]]:
        """The handlers that ``dispatch`` would run for ``event``, in order."""
        return [handler for _, matches, handler in self._routes if matches(event)]

    async def dispatch(self, event: WebhookEventBase) -> int:
        """Run the matching handlers in order; returns how many ran. Exceptions propagate."""
        count = 0
        for handler in self.handlers_for(event):
            result = handler(event)
            if inspect.isawaitable(result):
                await result
            count += 1
        return count

    def __len__(self) -> int:
        return len(self._routes)

    def __repr__(self) -> str:
        return f"Router(routes={[label for label, _, _ in self._routes]!r})"
