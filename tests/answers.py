"""Minimal answers that fit their models: the ids the SDK requires, nothing more.

A model's identity fields are required (``Order.order_id``, ``Card.card_id`` ...), so an
empty ``{}`` no longer passes for an order; tests about something else answer these.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

ORDER_DETAIL: dict[str, Any] = {"order_info": {"order_id": "ord_1", "out_order_id": "out_1"}}
"""A ``getOrder`` answer."""

OPENED_ORDER: dict[str, Any] = {"order_info": {"order_id": "ord_1"}}
"""An ``openCard`` / ``recharge`` answer (the ``out_order_id`` sent is filled in)."""

# The identity fields of each LEMFT model (``{**ORDER, "fee": "1.20"}`` validates).
ORDER: dict[str, Any] = {"order_id": "ord_1", "out_order_id": "out_1"}
CARD: dict[str, Any] = {"card_id": "cid_1"}
WALLET: dict[str, Any] = {"wallet_id": 1}
HOLDER: dict[str, Any] = {"holder_id": "h_1"}
PAYEE: dict[str, Any] = {"payee_id": "pe_1"}
PAYMENT: dict[str, Any] = {"payment_id": "pm_1"}
BIN: dict[str, Any] = {"bin_id": "cpi_1"}
PAY_METHOD: dict[str, Any] = {"pay_method_id": "pmt_1"}
TRANSACTION: dict[str, Any] = {"transaction_id": "tx_1"}
REFERENCE: dict[str, Any] = {"code": "C1"}

_FITTING: dict[str, dict[str, Any]] = {
    "wallets.retrieve": WALLET,
    "bins.retrieve": BIN,
    "cards.retrieve": CARD,
    "orders.open_card": OPENED_ORDER,
    "orders.recharge": OPENED_ORDER,
    "orders.retrieve": ORDER_DETAIL,
    "holders.create": HOLDER,
    "holders.retrieve": HOLDER,
    "payees.create": PAYEE,
    "payees.retrieve": PAYEE,
    "payments.create": PAYMENT,
    "payments.retrieve": PAYMENT,
}


def fitting(operation: str) -> dict[str, Any]:
    """The smallest answer that fits ``operation``'s model. ``{}`` fits the rest: lists
    (no items), models without an id, and edits of an entity the request named (its id is
    filled in from the request: ``cards.freeze``, ``holders.update``, ``payees.apply``)."""
    return _FITTING.get(operation, {})


def required_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Values for ``model``'s required fields (ids: ``1`` for ints, ``"id_1"`` for text;
    a required nested model gets its own), by wire name: ``{**required_fields(M), ...}``."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if not field.is_required():
            continue
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            value: Any = required_fields(annotation)
        else:
            value = 1 if annotation is int else "id_1"
        values[field.alias or name] = value
    return values


EVENT_IDS: dict[str, Any] = {**ORDER, **CARD, **PAYEE, **PAYMENT, **TRANSACTION}
"""The ids of every notification payload model at once: a body any kind decodes."""
