"""``cards.*``: card details, the lifecycle, trades and the merchant score.

Lifecycle (sandbox numbering): inactive (1, physical until activated) -> active (2)
<-> frozen (3) -> closing (4) -> closed (5, after ``order_delay``, balance refunded to the
wallet). A transition that does not apply to the card's status is a 10001 saying so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._entities import (
    CARD_ACTIVE,
    CARD_CLOSED,
    CARD_CLOSING,
    CARD_FROZEN,
    CARD_INACTIVE,
    CARD_STATUS_NAMES,
    TRADE_APPROVED,
    TRADE_DECLINED,
    TRADE_PURCHASE,
    TRADE_REFUND,
    TRADE_REVERSAL,
    Card,
    CardTrade,
)
from ._errors import param_error
from ._fields import Params
from ._listing import in_window, paged
from ._money import ZERO, q2, wire_money
from ._state import State, TransactionType

__all__ = ["HANDLERS", "simulate_trade"]


def _card(state: State, p: Params) -> Card:
    found: Card = state.find(state.cards, "card_id", p.required_text("card_id"))
    return found


def _refuse(card: Card, action: str, why: str) -> Exception:
    name = CARD_STATUS_NAMES.get(card.status, str(card.status))
    return param_error(f"cannot {action} card_id {card.card_id}: the card is {name}; {why}")


def card_list(state: State, p: Params, app_id: int) -> Any:
    card_id, bin_id, holder_id = p.text("card_id"), p.text("bin_id"), p.text("holder_id")
    status = p.integer("status", choices=tuple(CARD_STATUS_NAMES))
    cards = [
        c
        for c in state.cards.values()
        if (card_id is None or c.card_id == card_id)
        and (bin_id is None or c.bin_id == bin_id)
        and (holder_id is None or c.holder_id == holder_id)
        and (status is None or c.status == status)
    ]
    return paged(cards, p, "card_list", lambda c: c.to_wire())


def card_get(state: State, p: Params, app_id: int) -> Any:
    return {"card_info": _card(state, p).to_wire()}


def _set_status(state: State, card: Card, status: int, p: Params, tag: str) -> Any:
    remark = p.text("remark")
    if remark is not None:
        card.mark = remark
    card.status = status
    state.emit(tag, card.notify_wire())
    return {"card_info": card.to_wire()}


def activate(state: State, p: Params, app_id: int) -> Any:
    card = _card(state, p)
    if card.status != CARD_INACTIVE:
        raise _refuse(card, "activate", "only an inactive (new physical) card can be activated")
    card.use_at = state.now_text()
    return _set_status(state, card, CARD_ACTIVE, p, "card.status.active")


def freeze(state: State, p: Params, app_id: int) -> Any:
    card = _card(state, p)
    if card.status != CARD_ACTIVE:
        raise _refuse(card, "freeze", "only an active card can be frozen")
    return _set_status(state, card, CARD_FROZEN, p, "card.status.freeze")


def unfreeze(state: State, p: Params, app_id: int) -> Any:
    card = _card(state, p)
    if card.status != CARD_FROZEN:
        raise _refuse(card, "unfreeze", "only a frozen card can be unfrozen")
    return _set_status(state, card, CARD_ACTIVE, p, "card.status.unfreeze")


def cancel(state: State, p: Params, app_id: int) -> Any:
    card = _card(state, p)
    if card.status not in (CARD_INACTIVE, CARD_ACTIVE, CARD_FROZEN):
        raise _refuse(card, "cancel", "its closure was already requested")
    card.close_at = state.now_text()
    _set_status(state, card, CARD_CLOSING, p, "card.status.closing")
    state.later(state.behaviour.order_delay, lambda: close_card(state, card))
    # With order_delay=0 the closure is already complete: answer the card as it now is.
    return {"card_info": card.to_wire()}


def close_card(state: State, card: Card) -> None:
    """Finish a closure: refund the balance to the wallet, then mark the card closed."""
    if card.status != CARD_CLOSING:
        return
    if card.balance > 0:
        state.move(
            state.wallet_for(card.currency),
            card.balance,
            transaction_type=TransactionType.CARD_CLOSE_REFUND,
            desc="Card closure refund",
            record_id=card.card_id,
            out_id=card.out_order_id,
        )
        card.balance = ZERO
    card.status = CARD_CLOSED
    card.end_at = state.now_text()
    state.emit("card.status.closed", card.notify_wire())


def trade_list(state: State, p: Params, app_id: int) -> Any:
    card_id = p.text("card_id")
    trade_type = p.integer("trade_type", choices=(TRADE_PURCHASE, TRADE_REFUND, TRADE_REVERSAL))
    trades = [
        t
        for t in reversed(state.trades.values())
        if (card_id is None or t.card_id == card_id)
        and (trade_type is None or t.trade_type == trade_type)
    ]
    trades = in_window(trades, p, lambda t: t.created_epoch)
    return paged(trades, p, "trade_list", lambda t: t.to_wire())


def merchant_score(state: State, p: Params, app_id: int) -> Any:
    """Inferred: 100 x approval rate over the window; level A (< 5 % declined), B, C."""
    start, end = p.text("start_time"), p.text("end_time")
    trades = in_window(state.trades.values(), p, lambda t: t.created_epoch)
    count = len(trades)
    declined = sum(1 for t in trades if t.trade_result == TRADE_DECLINED)
    rate = (Decimal(declined) / Decimal(count)).quantize(Decimal("0.0001")) if count else ZERO
    level = "A" if rate < Decimal("0.05") else "B" if rate < Decimal("0.15") else "C"
    first = min((t.trade_time for t in trades), default=state.now_text())
    return {
        "score_info": {
            "score": wire_money(q2(Decimal(100) * (1 - rate))),
            "level": level,
            "trade_count": count,
            "decline_count": declined,
            "decline_rate": wire_money(rate),
            "start_time": start or first,
            "end_time": end or state.now_text(),
        }
    }


def _refundable(state: State, card_id: str) -> Decimal:
    net = ZERO
    for trade in state.trades.values():
        if trade.card_id == card_id and trade.trade_result == TRADE_APPROVED:
            net += trade.amount if trade.trade_type == TRADE_PURCHASE else -trade.amount
    return net


def _spent_today(state: State, card_id: str, day: str) -> Decimal:
    return sum(
        (
            t.amount
            for t in state.trades.values()
            if t.card_id == card_id
            and t.trade_type == TRADE_PURCHASE
            and t.trade_result == TRADE_APPROVED
            and t.trade_time.startswith(day)
        ),
        ZERO,
    )


def simulate_trade(
    state: State,
    card_id: str,
    amount: Decimal | int,
    *,
    trade_type: int = TRADE_PURCHASE,
    merchant_name: str = "Sandbox Store",
    merchant_mcc: str = "5734",
    merchant_country: str = "US",
) -> CardTrade:
    """Record a card transaction the way the card network would report it.

    A purchase is approved when the card is active, within the BIN's single and daily
    limits and covered by the balance (which it reduces); otherwise it is declined with the
    reason in ``remark``. A refund or reversal gives back at most what was spent.
    """
    card = state.cards.get(card_id)
    if card is None:
        raise ValueError(f"unknown card_id {card_id!r}")
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
        raise TypeError("amount must be a Decimal (or int)")
    amount = Decimal(amount)
    if amount <= 0 or amount != q2(amount):
        raise ValueError(f"amount must be > 0 with at most 2 decimals, got {amount}")
    if trade_type not in (TRADE_PURCHASE, TRADE_REFUND, TRADE_REVERSAL):
        raise ValueError(f"trade_type must be 1 purchase, 2 refund or 3 reversal, not {trade_type}")
    product = state.bins[card.bin_id]
    now_text = state.now_text()
    reason = ""
    if trade_type == TRADE_PURCHASE:
        if card.status != CARD_ACTIVE:
            reason = f"card is {CARD_STATUS_NAMES[card.status]}"
        elif amount > product.single_trade_limit:
            reason = "exceeds the single trade limit"
        elif _spent_today(state, card_id, now_text[:10]) + amount > product.daily_trade_limit:
            reason = "exceeds the daily trade limit"
        elif amount > card.balance:
            reason = "insufficient card balance"
    else:
        if amount > _refundable(state, card_id):
            raise ValueError("a refund or reversal cannot exceed what the card spent")
        if card.status in (CARD_CLOSING, CARD_CLOSED):
            reason = f"card is {CARD_STATUS_NAMES[card.status]}"
    approved = not reason
    if approved:
        card.balance += -amount if trade_type == TRADE_PURCHASE else amount
    trade = CardTrade(
        trade_id=state.new_id("trd_", 16),
        card_id=card_id,
        trade_type=trade_type,
        trade_result=TRADE_APPROVED if approved else TRADE_DECLINED,
        amount=amount,
        currency=card.currency,
        merchant_name=merchant_name,
        merchant_mcc=merchant_mcc,
        merchant_country=merchant_country,
        auth_code="".join(state.rng.choices("0123456789", k=6)) if approved else "",
        trade_time=now_text,
        created_epoch=state.now(),
        remark=reason,
    )
    state.trades[trade.trade_id] = trade
    state.emit("card.trade", trade.to_wire())
    return trade


HANDLERS = {
    "cards.list": card_list,
    "cards.retrieve": card_get,
    "cards.activate": activate,
    "cards.freeze": freeze,
    "cards.unfreeze": unfreeze,
    "cards.cancel": cancel,
    "cards.list_trades": trade_list,
    "cards.merchant_score": merchant_score,
}
