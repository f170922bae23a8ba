"""``wallets.*`` and ``bins.*``: balances, the ledger, exchange rates, card products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._errors import param_error
from ._fields import Params
from ._listing import in_window, paged
from ._money import q2, wire_money
from ._state import State

__all__ = ["HANDLERS"]

_CARD_TYPES = (1, 2, 3)


def wallet_list(state: State, p: Params, app_id: int) -> Any:
    sn, name, currency = p.text("wallet_sn"), p.text("wallet_name"), p.text("currency")
    wallets = [
        w
        for w in state.wallets.values()
        if (sn is None or w.wallet_sn == sn)
        and (name is None or w.wallet_name == name)
        and (currency is None or w.currency == currency)
    ]
    return paged(wallets, p, "wallet_list", lambda w: w.to_wire())


def wallet_get(state: State, p: Params, app_id: int) -> Any:
    wallet_id = p.integer("wallet_id", required=True)
    wallet = state.wallets.get(wallet_id or 0)
    if wallet is None:
        raise param_error(f"wallet_id {wallet_id} not found")
    return {"wallet_info": wallet.to_wire()}


def transaction_list(state: State, p: Params, app_id: int) -> Any:
    wallet_id = p.integer("wallet_id")
    currency = p.text("currency")
    in_out = p.integer("in_out_type", choices=(1, 2))
    kind = p.integer("transaction_type")
    status = p.integer("status", choices=(1, 2, 3))
    txns = [
        t
        for t in reversed(state.transactions.values())
        if (wallet_id is None or t.wallet_id == wallet_id)
        and (currency is None or t.currency == currency)
        and (in_out is None or t.in_out_type == in_out)
        and (kind is None or t.transaction_type == kind)
        and (status is None or t.status == status)
    ]
    txns = in_window(txns, p, lambda t: t.created_epoch)
    return paged(txns, p, "transaction_list", lambda t: t.to_wire())


def transaction_get(state: State, p: Params, app_id: int) -> Any:
    txn = state.find(state.transactions, "transaction_id", p.required_text("transaction_id"))
    return {"transaction_list": [txn.to_wire()]}


def exchange_rate(state: State, p: Params, app_id: int) -> Any:
    source = p.required_text("from_currency", max_length=3)
    target = p.required_text("to_currency", max_length=3)
    amount = p.optional_money("amount")
    if source == target:
        rate = Decimal(1)
    else:
        found = state.exchange_rates.get((source, target))
        if found is None:
            raise param_error(f"no exchange rate from_currency {source} to_currency {target}")
        rate = found
    data: dict[str, Any] = {
        "from_currency": source,
        "to_currency": target,
        "rate": wire_money(rate),
        "update_at": state.now_text(),
    }
    if amount is not None:
        data["amount"] = wire_money(q2(amount * rate))
    return data


def bin_list(state: State, p: Params, app_id: int) -> Any:
    currency = p.text("currency")
    card_type = p.integer("card_type", choices=_CARD_TYPES)
    bins = [
        b
        for b in state.bins.values()
        if (currency is None or b.currency == currency)
        and (card_type is None or b.card_type == card_type)
    ]
    return paged(bins, p, "bin_list", lambda b: b.to_wire())


def bin_get(state: State, p: Params, app_id: int) -> Any:
    product = state.find(state.bins, "bin_id", p.required_text("bin_id"))
    return {"bin_info": product.to_wire()}


def bin_fees(state: State, p: Params, app_id: int) -> Any:
    product = state.find(state.bins, "bin_id", p.required_text("bin_id"))
    return {"fee_info": product.fees_wire()}


def bin_limits(state: State, p: Params, app_id: int) -> Any:
    product = state.find(state.bins, "bin_id", p.required_text("bin_id"))
    return {"limit_info": product.limits_wire()}


HANDLERS = {
    "wallets.list": wallet_list,
    "wallets.retrieve": wallet_get,
    "wallets.list_transactions": transaction_list,
    "wallets.retrieve_transaction": transaction_get,
    "wallets.exchange_rate": exchange_rate,
    "bins.list": bin_list,
    "bins.retrieve": bin_get,
    "bins.fees": bin_fees,
    "bins.limits": bin_limits,
}
