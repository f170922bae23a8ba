"""Typed notification events, the tag -> kind mapping and the discriminated union.

Documented: Card tags ``card.status.active|freeze|unfreeze|closing|closed|lost|replace``
and the Card payload (``types.Card``). *Inferred* (docs/notifications.md): every other
tag and payload, and the prefix rule ``card.trade*`` -> card_trade, other ``card.*`` ->
card, ``order.*``, ``payee.*``, ``payment.*``, ``wallet.*``; anything else ->
``UnknownEvent`` (never an error). Exact-tag overrides: ``kind_for_tag(tag, overrides)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from .._core._redact import mask_deep
from ..types import Card, CardTrade, Order, Payee, Payment, WalletTransaction

__all__ = [
    "CARD_EVENT_TAGS",
    "EVENT_KINDS",
    "INFERRED_EVENT_TAGS",
    "CardEvent",
    "CardTradeEvent",
    "EventKind",
    "OrderEvent",
    "PayeeEvent",
    "PaymentEvent",
    "UnknownEvent",
    "WalletEvent",
    "WebhookEvent",
    "WebhookEventBase",
    "event_class",
    "kind_for_tag",
]

EventKind = Literal["order", "card", "card_trade", "payee", "payment", "wallet"]
EVENT_KINDS: Final[tuple[EventKind, ...]] = (
    "order",
    "card",
    "card_trade",
    "payee",
    "payment",
    "wallet",
)

CARD_EVENT_TAGS: Final[frozenset[str]] = frozenset(
    f"card.status.{s}"
    for s in ("active", "freeze", "unfreeze", "closing", "closed", "lost", "replace")
)
"""Documented (reference §4, Card Notify / Card)."""

INFERRED_EVENT_TAGS: Final[Mapping[EventKind, frozenset[str]]] = {
    "card_trade": frozenset({"card.trade"}),
    "order": frozenset(
        f"order.status.{s}" for s in ("processing", "completed", "refunded", "abnormal", "review")
    ),
    "payee": frozenset(f"payee.status.{s}" for s in ("pending", "approved", "rejected")),
    "payment": frozenset(f"payment.status.{s}" for s in ("processing", "completed", "failed")),
    "wallet": frozenset({"wallet.transaction.income", "wallet.transaction.expense"}),
}
"""*Inferred* tags (docs/notifications.md); the prefix rule decides, this is for reference."""

# Order matters: "card.trade" must be tested before "card.".
_PREFIXES: Final[tuple[tuple[str, EventKind], ...]] = (
    ("card.trade", "card_trade"),
    ("card.", "card"),
    ("order.", "order"),
    ("payee.", "payee"),
    ("payment.", "payment"),
    ("wallet.", "wallet"),
)


def kind_for_tag(tag: str | None, overrides: Mapping[str, EventKind] | None = None) -> str:
    """The event kind for ``tag`` (``"unknown"`` if no rule matches). ``overrides`` maps
    exact tags to kinds and wins over the prefix rule."""
    if not tag:
        return "unknown"
    if overrides:
        pinned = overrides.get(tag)
        if pinned is not None:
            return pinned
    known = _seen_tags.get(tag)
    if known is not None:
        return known
    found = "unknown"
    for prefix, kind in _PREFIXES:
        if tag.startswith(prefix):
            found = kind
            break
    if tag.__class__ is str and len(tag) <= MEMO_TAG_LENGTH and len(_seen_tags) < _SEEN_TAGS_MAX:
        _seen_tags[tag] = found
    return found


# The prefix rule's answers, remembered: a receiver sees the same few tags over and over.
# Bounded in count and length, so a sender inventing tags cannot grow it without limit (a
# tag header is not signed: a replayed delivery may carry any).
_seen_tags: dict[str, str] = {}
_SEEN_TAGS_MAX = 512
MEMO_TAG_LENGTH = 128
"""Tags longer than this are never remembered (here or by the one pass's guesses)."""


class WebhookEventBase(BaseModel):
    """Fields every event has. ``data`` is the payload minus the envelope fields
    (``eventTag``/``event_tag``/``notify_id``/``notifyId``); unknown fields are kept there.

    ``event_tag`` is ``None`` only when the route pinned the kind and no tag was sent.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", protected_namespaces=())

    kind: str
    event_tag: str | None = None
    notify_id: str | None = None
    """Unique per event, identical across redeliveries (inferred); the de-duplication key."""
    data: Any = None


class OrderEvent(WebhookEventBase):
    """Card order notification. Tags and payload *inferred* (payload: ``types.Order``)."""

    kind: Literal["order"] = "order"
    data: Order


class CardEvent(WebhookEventBase):
    """Card notification: tags and payload documented (``types.Card``; PAN, CVV and PIN
    are present in ``data`` and masked in every repr)."""

    kind: Literal["card"] = "card"
    data: Card


class CardTradeEvent(WebhookEventBase):
    """Card transaction bill notification. Tag and payload *inferred* (``types.CardTrade``)."""

    kind: Literal["card_trade"] = "card_trade"
    data: CardTrade = Field(default_factory=CardTrade)


class PayeeEvent(WebhookEventBase):
    """Payee notification. Tags and payload *inferred* (``types.Payee``)."""

    kind: Literal["payee"] = "payee"
    data: Payee


class PaymentEvent(WebhookEventBase):
    """Payment notification. Tags and payload *inferred* (``types.Payment``)."""

    kind: Literal["payment"] = "payment"
    data: Payment


class WalletEvent(WebhookEventBase):
    """Wallet notification. Tags and payload *inferred* (``types.WalletTransaction``)."""

    kind: Literal["wallet"] = "wallet"
    data: WalletTransaction


class UnknownEvent(WebhookEventBase):
    """A tag no rule knows (or none at all): the payload is kept as plain JSON data.

    Its repr masks ``card_no``/``pan``/``cvv``/``pin`` keys at any depth.
    """

    kind: Literal["unknown"] = "unknown"
    data: dict[str, Any] = Field(default_factory=dict)

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, (mask_deep(value) if name == "data" else value)


_CLASSES: Final[dict[str, type[WebhookEventBase]]] = {
    "order": OrderEvent,
    "card": CardEvent,
    "card_trade": CardTradeEvent,
    "payee": PayeeEvent,
    "payment": PaymentEvent,
    "wallet": WalletEvent,
    "unknown": UnknownEvent,
}


def event_class(kind: str) -> type[WebhookEventBase]:
    """The event model for a kind (``UnknownEvent`` for anything unrecognised)."""
    return _CLASSES.get(kind, UnknownEvent)


def _discriminate(value: Any) -> str:
    # Stored events carry "kind"; bare envelopes are told apart by their tag.
    if isinstance(value, Mapping):
        kind = value.get("kind")
        if kind is None:
            tag = value.get("event_tag")
            kind = kind_for_tag(tag) if isinstance(tag, str) else "unknown"
    else:
        kind = getattr(value, "kind", None)
    return kind if kind in _CLASSES else "unknown"


WebhookEvent = Annotated[
    Annotated[OrderEvent, Tag("order")]
    | Annotated[CardEvent, Tag("card")]
    | Annotated[CardTradeEvent, Tag("card_trade")]
    | Annotated[PayeeEvent, Tag("payee")]
    | Annotated[PaymentEvent, Tag("payment")]
    | Annotated[WalletEvent, Tag("wallet")]
    | Annotated[UnknownEvent, Tag("unknown")],
    Discriminator(_discriminate),
]
"""The discriminated union of every event; ``TypeAdapter(WebhookEvent)`` restores a
stored ``event.model_dump()``."""
