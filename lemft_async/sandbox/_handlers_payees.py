"""``pay_methods.*``, ``payees.*`` and ``payments.*``: paying out of a wallet.

Payee lifecycle (sandbox numbering): created (0) -> ``apply`` -> pending review (1) ->
after ``order_delay``: approved (2), or rejected (3) with ``payee_reject_rate``. Only a
created or rejected payee can be edited (editing a rejected one makes it created again);
only an approved payee can be paid.

A payment debits the wallet ``amount + fee`` (fee mode 1, the default) or ``amount`` with
the fee taken out of it (fee mode 2), is processing (0), and after ``order_delay`` is
completed (1) or, with ``payment_fail_rate``, failed (2) with the debit refunded.
"""

from __future__ import annotations

from typing import Any

from ._errors import param_error
from ._fields import Params
from ._listing import in_window, paged
from ._money import q2
from ._payouts import (
    FEE_FROM_AMOUNT,
    FEE_ON_TOP,
    PAYEE_APPROVED,
    PAYEE_CREATED,
    PAYEE_PENDING,
    PAYEE_REJECTED,
    PAYMENT_COMPLETED,
    PAYMENT_FAILED,
    PAYMENT_PROCESSING,
    Payee,
    Payment,
    PayMethod,
)
from ._state import State, TransactionType

__all__ = ["HANDLERS"]

_PAYEE_STATUS = {0: "created", 1: "pending review", 2: "approved", 3: "rejected"}
_PAYEE_TEXT = ("bank_name", "bank_code", "address", "email", "remark")


def _reference(items: dict[str, str], list_key: str) -> dict[str, Any]:
    return {list_key: [{"code": code, "name": name} for code, name in items.items()]}


def pay_method_list(state: State, p: Params, app_id: int) -> Any:
    currency, country = p.text("currency"), p.text("country")
    methods = [
        m
        for m in state.pay_methods.values()
        if (currency is None or m.currency == currency)
        and (country is None or m.country == country)
    ]
    return paged(methods, p, "pay_method_list", lambda m: m.to_wire())


def funding_sources(state: State, p: Params, app_id: int) -> Any:
    return _reference(state.fund_sources, "fund_source_list")


def payment_purposes(state: State, p: Params, app_id: int) -> Any:
    return _reference(state.payment_purposes, "payment_purpose_list")


def payment_reasons(state: State, p: Params, app_id: int) -> Any:
    return _reference(state.payment_reasons, "payment_reason_list")


def _details(state: State, p: Params, *, creating: bool) -> dict[str, Any]:
    details: dict[str, Any] = {}
    payee_type = p.integer("payee_type", choices=(1, 2))
    if payee_type is not None:
        details["payee_type"] = payee_type
    for name in ("account_name", "account_no"):
        value = p.text(name, required=creating)
        if value is not None:
            details[name] = value
    if creating:
        details["currency"] = p.required_text("currency", max_length=3)
        details["country"] = p.required_text("country", max_length=2)
    for name in _PAYEE_TEXT:
        value = p.text(name)
        if value is not None:
            details[name] = value
    fund_source = p.text("fund_source", choices=state.fund_sources)
    purpose = p.text("payment_purpose", choices=state.payment_purposes)
    if fund_source is not None:
        details["fund_source"] = fund_source
    if purpose is not None:
        details["payment_purpose"] = purpose
    return details


def _payee(state: State, p: Params) -> Payee:
    found: Payee = state.find(state.payees, "payee_id", p.required_text("payee_id"))
    return found


def _refuse(payee: Payee, action: str) -> Exception:
    status = _PAYEE_STATUS.get(payee.status, str(payee.status))
    return param_error(f"cannot {action} payee_id {payee.payee_id}: the payee is {status}")


def payee_create(state: State, p: Params, app_id: int) -> Any:
    method: PayMethod = state.find(
        state.pay_methods, "pay_method_id", p.required_text("pay_method_id")
    )
    details = _details(state, p, creating=True)
    if details["currency"] != method.currency:
        raise param_error(
            f"currency {details['currency']} does not match pay_method_id "
            f"{method.pay_method_id} ({method.currency})"
        )
    remark = details.pop("remark", "")
    payee = Payee(state.new_id("pye_", 12), method.pay_method_id, details, state.now_text())
    payee.remark = remark
    state.payees[payee.payee_id] = payee
    return {"payee_info": payee.to_wire()}


def payee_update(state: State, p: Params, app_id: int) -> Any:
    payee = _payee(state, p)
    if payee.status not in (PAYEE_CREATED, PAYEE_REJECTED):
        raise _refuse(payee, "edit")
    changes = _details(state, p, creating=False)
    if not changes:
        raise param_error("no field to update (give at least one payee field)")
    payee.remark = changes.pop("remark", payee.remark)
    payee.details.update(changes)
    payee.status, payee.reject_reason = PAYEE_CREATED, ""
    return {"payee_info": payee.to_wire()}


def payee_apply(state: State, p: Params, app_id: int) -> Any:
    payee = _payee(state, p)
    if payee.status != PAYEE_CREATED:
        raise _refuse(payee, "apply for")
    payee.status = PAYEE_PENDING
    state.emit("payee.status.pending", payee.to_wire())
    state.later(state.behaviour.order_delay, lambda: _review(state, payee))
    return {"payee_info": payee.to_wire()}


def _review(state: State, payee: Payee) -> None:
    if payee.status != PAYEE_PENDING:
        return
    if state.rng.random() < state.behaviour.payee_reject_rate:
        payee.status, payee.reject_reason = PAYEE_REJECTED, "rejected by the sandbox review"
        state.emit("payee.status.rejected", payee.to_wire())
    else:
        payee.status = PAYEE_APPROVED
        state.emit("payee.status.approved", payee.to_wire())


def payee_delete(state: State, p: Params, app_id: int) -> Any:
    payee = _payee(state, p)
    if any(
        x.payee_id == payee.payee_id and x.status == PAYMENT_PROCESSING
        for x in state.payments.values()
    ):
        raise param_error(f"payee_id {payee.payee_id} has payments still processing")
    del state.payees[payee.payee_id]
    return {}


def payee_list(state: State, p: Params, app_id: int) -> Any:
    status = p.integer("status", choices=tuple(_PAYEE_STATUS))
    currency = p.text("currency")
    payees = [
        x
        for x in state.payees.values()
        if (status is None or x.status == status) and (currency is None or x.currency == currency)
    ]
    return paged(payees, p, "payee_list", lambda x: x.to_wire())


def payee_get(state: State, p: Params, app_id: int) -> Any:
    return {"payee_info": _payee(state, p).to_wire()}


def payment_create(state: State, p: Params, app_id: int) -> Any:
    payee = _payee(state, p)
    amount = p.money("amount")
    currency = p.required_text("currency", max_length=3)
    out_order_id = p.required_text("out_order_id", max_length=64)
    wallet_id = p.integer("wallet_id")
    reason = p.text("reason", choices=state.payment_reasons) or ""
    fee_mode = p.integer("fee_mode", choices=(FEE_ON_TOP, FEE_FROM_AMOUNT))
    remark = p.text("remark") or ""
    if payee.status != PAYEE_APPROVED:
        raise _refuse(payee, "pay")
    if currency != payee.currency:
        raise param_error(f"currency {currency} does not match the payee's ({payee.currency})")
    wallet = state.wallet_for(currency)
    if wallet_id is not None and wallet_id != wallet.wallet_id:
        raise param_error(f"wallet_id {wallet_id} is not this customer's {currency} wallet")
    method = state.pay_methods[payee.pay_method_id]
    if amount < method.min_amount or amount > method.max_amount:
        raise param_error(
            f"amount {amount} is outside the pay method's limits "
            f"({method.min_amount} to {method.max_amount})"
        )
    mode = fee_mode if fee_mode is not None else method.fee_mode
    fee = q2(method.fixed_fee + amount * method.fee_rate)
    debit = amount + fee if mode == FEE_ON_TOP else amount
    if mode == FEE_FROM_AMOUNT and amount <= fee:
        raise param_error(f"amount {amount} must be larger than the fee {fee} (fee_mode 2)")
    if wallet.available_balance < debit:
        raise param_error(
            f"insufficient wallet balance: {currency} {wallet.available_balance} available, "
            f"{debit} needed"
        )
    payment_id = state.new_id("pmt_", 12)
    state.claim_out_order_id(out_order_id, payment_id)
    payment = Payment(
        payment_id=payment_id,
        out_order_id=out_order_id,
        payee_id=payee.payee_id,
        wallet_id=wallet.wallet_id,
        amount=amount,
        fee=fee,
        fee_mode=mode,
        currency=currency,
        reason=reason,
        create_at=state.now_text(),
        created_epoch=state.now(),
        debit=debit,
        remark=remark,
    )
    state.move(
        wallet,
        -debit,
        transaction_type=TransactionType.PAYMENT,
        desc="Payment",
        record_id=payment_id,
        out_id=out_order_id,
    )
    state.payments[payment_id] = payment
    state.emit("payment.status.processing", payment.to_wire())
    state.later(state.behaviour.order_delay, lambda: _settle(state, payment))
    return {"payment_info": payment.to_wire()}


def _settle(state: State, payment: Payment) -> None:
    if payment.status != PAYMENT_PROCESSING:
        return
    payment.complete_at = state.now_text()
    if state.rng.random() < state.behaviour.payment_fail_rate:
        state.move(
            state.wallets[payment.wallet_id],
            payment.debit,
            transaction_type=TransactionType.PAYMENT_REFUND,
            desc="Payment refund",
            record_id=payment.payment_id,
            out_id=payment.out_order_id,
        )
        payment.status, payment.reject_reason = PAYMENT_FAILED, "failed at the beneficiary bank"
        state.emit("payment.status.failed", payment.to_wire())
    else:
        payment.status = PAYMENT_COMPLETED
        state.emit("payment.status.completed", payment.to_wire())


def payment_list(state: State, p: Params, app_id: int) -> Any:
    payee_id, out_order_id = p.text("payee_id"), p.text("out_order_id", max_length=64)
    status = p.integer("status", choices=(PAYMENT_PROCESSING, PAYMENT_COMPLETED, PAYMENT_FAILED))
    payments = [
        x
        for x in reversed(state.payments.values())
        if (payee_id is None or x.payee_id == payee_id)
        and (out_order_id is None or x.out_order_id == out_order_id)
        and (status is None or x.status == status)
    ]
    payments = in_window(payments, p, lambda x: x.created_epoch)
    return paged(payments, p, "payment_list", lambda x: x.to_wire())


def payment_get(state: State, p: Params, app_id: int) -> Any:
    payment = state.find(state.payments, "payment_id", p.required_text("payment_id"))
    return {"payment_info": payment.to_wire()}


HANDLERS = {
    "pay_methods.list": pay_method_list,
    "payees.funding_sources": funding_sources,
    "payees.payment_purposes": payment_purposes,
    "payees.create": payee_create,
    "payees.update": payee_update,
    "payees.apply": payee_apply,
    "payees.delete": payee_delete,
    "payees.list": payee_list,
    "payees.retrieve": payee_get,
    "payments.reasons": payment_reasons,
    "payments.create": payment_create,
    "payments.list": payment_list,
    "payments.retrieve": payment_get,
}
