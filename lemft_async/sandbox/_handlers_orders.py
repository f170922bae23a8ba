"""``orders.*``: issue cards and top them up (both move money), read orders.

Money path of an order: at creation the wallet is debited ``amount + fee`` (one ledger
record) and the order is *processing* (0); after ``order_delay`` it completes (1): the
card gets ``amount`` and the fee counts as collected; or, with ``order_fail_rate``, it is
*refunded* (2) and ``amount + fee`` go back to the wallet. An ``out_order_id`` is claimed
only when the order is accepted, so a refused request may be sent again with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._entities import (
    CARD_ACTIVE,
    CARD_CLOSED,
    CARD_CLOSING,
    CARD_INACTIVE,
    CARD_LOST,
    CARD_STATUS_NAMES,
    BinProduct,
    Card,
    Order,
    OrderBill,
)
from ._errors import param_error
from ._fields import Params
from ._listing import in_window, paged
from ._money import handling_fee
from ._state import State, TransactionType

__all__ = ["HANDLERS", "card_number"]

PHYSICAL, VIRTUAL = 1, 2
OPEN_CARD, TOP_UP = 1, 2
PROCESSING, COMPLETED, REFUNDED = 0, 1, 2
BILL_OPEN, BILL_TOP_UP, BILL_REFUND = 1, 2, 3
INCOME, EXPENSE = 1, 2
CAT_OPEN_FEE, CAT_PRE_TOP_UP, CAT_TOP_UP, CAT_HANDLING = 1, 2, 3, 4

_ORDER_TAGS = {
    PROCESSING: "order.status.processing",
    COMPLETED: "order.status.completed",
    REFUNDED: "order.status.refunded",
}


def card_number(state: State, prefix: str) -> str:
    """A Luhn-valid 16-digit number on the BIN ``prefix`` (fake, seeded RNG)."""
    while True:
        body = prefix + "".join(state.rng.choices("0123456789", k=15 - len(prefix)))
        total = 0
        for index, char in enumerate(reversed(body)):
            digit = int(char)
            if index % 2 == 0:
                digit *= 2
                digit -= 9 if digit > 9 else 0
            total += digit
        number = body + str((10 - total % 10) % 10)
        if state.reserve(number):
            return number


def _check_range(amount: Decimal, low: Decimal, high: Decimal, what: str) -> None:
    if amount < low or amount > high:
        raise param_error(f"amount {amount} is outside the BIN's {what} limits ({low} to {high})")


def _charge(state: State, currency: str, total: Decimal) -> Any:
    wallet = state.wallet_for(currency)
    if wallet.status != 1:
        raise param_error(f"wallet {wallet.wallet_id} is frozen")
    if wallet.available_balance < total:
        raise param_error(
            f"insufficient wallet balance: {currency} {wallet.available_balance} available, "
            f"{total} needed (amount + fee)"
        )
    return wallet


def open_card(state: State, p: Params, app_id: int) -> Any:
    product: BinProduct = state.find(state.bins, "bin_id", p.required_text("bin_id"))
    amount = p.money("amount", allow_zero=True)
    out_order_id = p.required_text("out_order_id", max_length=64)
    holder_id = p.text("holder_id")
    card_type = p.integer("card_type", choices=(1, 2, 3))
    mark = p.text("mark") or ""
    if product.status != 1:
        raise param_error(f"bin_id {product.bin_id} is not available")
    if card_type is not None and card_type != product.card_type:
        raise param_error(
            f"card_type {card_type} does not match bin_id {product.bin_id} "
            f"(card_type {product.card_type})"
        )
    if holder_id is not None:
        state.find(state.holders, "holder_id", holder_id)
    elif product.card_type == PHYSICAL:
        raise param_error("missing field holder_id (required for physical cards)")
    _check_range(amount, product.min_open_amount, product.max_open_amount, "open")
    handling = handling_fee(
        amount, rate=product.recharge_fee_rate, minimum=product.recharge_fee_min
    )
    fee = product.open_card_fee + handling
    wallet = _charge(state, product.currency, amount + fee)
    order_id = state.new_id("ord_", 8)
    state.claim_out_order_id(out_order_id, order_id)
    now = state.now()
    order = Order(
        order_id=order_id,
        bin_id=product.bin_id,
        holder_id=holder_id or "",
        out_order_id=out_order_id,
        card_type=product.card_type,
        order_type=OPEN_CARD,
        amount=amount,
        fee=fee,
        currency=product.currency,
        card_id="",
        status=PROCESSING,
        create_at=state.now_text(),
        wallet_id=wallet.wallet_id,
        created_epoch=now,
        mark=mark,
    )
    lines = [(CAT_OPEN_FEE, product.open_card_fee), (CAT_PRE_TOP_UP, amount)]
    order.bills.append(
        OrderBill(BILL_OPEN, EXPENSE, order.create_at, [*lines, (CAT_HANDLING, handling)])
    )
    return _accept(state, order, app_id, "Card opening", TransactionType.CARD_OPEN)


def recharge(state: State, p: Params, app_id: int) -> Any:
    card: Card = state.find(state.cards, "card_id", p.required_text("card_id"))
    amount = p.money("amount")
    out_order_id = p.required_text("out_order_id", max_length=64)
    if card.status in (CARD_CLOSING, CARD_CLOSED, CARD_LOST):
        name = CARD_STATUS_NAMES[card.status]
        raise param_error(f"card_id {card.card_id} is {name}; it cannot be topped up")
    product = state.bins[card.bin_id]
    _check_range(amount, product.min_recharge_amount, product.max_recharge_amount, "top-up")
    if card.balance + amount > product.max_balance:
        raise param_error(
            f"amount {amount} would take the card balance above the BIN's max_balance "
            f"{product.max_balance}"
        )
    fee = handling_fee(amount, rate=product.recharge_fee_rate, minimum=product.recharge_fee_min)
    wallet = _charge(state, card.currency, amount + fee)
    order_id = state.new_id("ord_", 8)
    state.claim_out_order_id(out_order_id, order_id)
    order = Order(
        order_id=order_id,
        bin_id=card.bin_id,
        holder_id=card.holder_id,
        out_order_id=out_order_id,
        card_type=card.card_type,
        order_type=TOP_UP,
        amount=amount,
        fee=fee,
        currency=card.currency,
        card_id=card.card_id,
        status=PROCESSING,
        create_at=state.now_text(),
        wallet_id=wallet.wallet_id,
        created_epoch=state.now(),
    )
    lines = [(CAT_TOP_UP, amount), (CAT_HANDLING, fee)]
    order.bills.append(OrderBill(BILL_TOP_UP, EXPENSE, order.create_at, lines))
    return _accept(state, order, app_id, "Card top-up", TransactionType.CARD_TOP_UP)


def _accept(state: State, order: Order, app_id: int, desc: str, kind: int) -> Any:
    wallet = state.wallets[order.wallet_id]
    state.move(
        wallet,
        -(order.amount + order.fee),
        transaction_type=kind,
        desc=desc,
        record_id=order.order_id,
        out_id=order.out_order_id,
    )
    state.orders[order.order_id] = order
    state.emit(_ORDER_TAGS[PROCESSING], order.to_wire())
    state.later(state.behaviour.order_delay, lambda: settle_order(state, order, app_id))
    return {"order_info": order.to_wire()}


def settle_order(state: State, order: Order, app_id: int) -> None:
    """Complete a processing order (or refund it: ``order_fail_rate``, or a closed card)."""
    if order.status != PROCESSING:
        return
    card = state.cards.get(order.card_id)
    unusable = card is not None and card.status in (CARD_CLOSING, CARD_CLOSED, CARD_LOST)
    if unusable or state.rng.random() < state.behaviour.order_fail_rate:
        _refund(state, order)
        return
    now_text = state.now_text()
    if order.order_type == OPEN_CARD:
        card = _new_card(state, order, app_id)
        order.card_id = card.card_id
    else:
        assert card is not None  # a top-up order always names an existing card
        card.balance += order.amount
        card.limit += order.amount
    if order.card_type == PHYSICAL and order.order_type == OPEN_CARD:
        order.track_code = "SBX" + "".join(state.rng.choices("0123456789", k=10))
        order.track_supplier = "Sandbox Post"
        order.track_at = now_text
    order.status = COMPLETED
    order.complete_at = now_text
    state.emit(_ORDER_TAGS[COMPLETED], order.to_wire())
    if order.order_type == OPEN_CARD and card.status == CARD_ACTIVE:
        state.emit("card.status.active", card.notify_wire())


def _new_card(state: State, order: Order, app_id: int) -> Card:
    product = state.bins[order.bin_id]
    year = int(state.now_text()[2:4]) + 3
    month = state.now_text()[5:7]
    active = order.card_type != PHYSICAL
    card = Card(
        card_id=state.new_id("cid_", 16),
        order_id=order.order_id,
        out_order_id=order.out_order_id,
        app_id=app_id,
        bin_id=order.bin_id,
        holder_id=order.holder_id,
        card_no=card_number(state, product.bin),
        expiry=f"{month}/{year % 100:02d}",
        cvv="".join(state.rng.choices("0123456789", k=3)),
        currency=order.currency,
        card_type=order.card_type,
        status=CARD_ACTIVE if active else CARD_INACTIVE,
        balance=order.amount,
        limit=order.amount,
        use_at=state.now_text() if active else "",
        mark=order.mark,
    )
    state.cards[card.card_id] = card
    return card


def _refund(state: State, order: Order) -> None:
    state.move(
        state.wallets[order.wallet_id],
        order.amount + order.fee,
        transaction_type=TransactionType.ORDER_REFUND,
        desc="Order refund",
        record_id=order.order_id,
        out_id=order.out_order_id,
    )
    now_text = state.now_text()
    order.status = REFUNDED
    order.complete_at = now_text
    lines = [(line[0], line[1]) for bill in order.bills for line in bill.lines]
    order.bills.append(OrderBill(BILL_REFUND, INCOME, now_text, lines))
    state.emit(_ORDER_TAGS[REFUNDED], order.to_wire())


def order_list(state: State, p: Params, app_id: int) -> Any:
    out_order_id = p.text("out_order_id", max_length=64)
    card_id = p.text("card_id")
    order_type = p.integer("order_type", choices=(OPEN_CARD, TOP_UP))
    status = p.integer("status", choices=(0, 1, 2, 3, 4))
    orders = [
        o
        for o in reversed(state.orders.values())
        if (out_order_id is None or o.out_order_id == out_order_id)
        and (card_id is None or o.card_id == card_id)
        and (order_type is None or o.order_type == order_type)
        and (status is None or o.status == status)
    ]
    orders = in_window(orders, p, lambda o: o.created_epoch)
    return paged(orders, p, "order_list", lambda o: o.to_wire())


def order_get(state: State, p: Params, app_id: int) -> Any:
    order: Order = state.find(state.orders, "order_id", p.required_text("order_id"))
    return {
        "order_info": order.to_wire(),
        "order_bill_list": [bill.to_wire() for bill in order.bills],
    }


HANDLERS = {
    "orders.open_card": open_card,
    "orders.recharge": recharge,
    "orders.list": order_list,
    "orders.retrieve": order_get,
}
