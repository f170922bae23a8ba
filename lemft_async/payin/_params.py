"""What ``AsyncPayin``'s operations send and how their answers are read: the checked order
fields, the ``extra_params`` merge and the answer parsers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from .._core._checks import build_params, optional
from ._validation import (
    check_account_name,
    check_amount,
    check_currency,
    check_email,
    check_id,
    check_phone,
    check_url,
    new_mch_order_no,
)

__all__ = ["check_text", "merge", "order_fields", "read_parser", "write_parser"]

W = TypeVar("W", bound=BaseModel)


def order_fields(
    mch_order_no: str | None,
    amount: int,
    currency: str,
    notify_url: str,
    phone_number: str | None,
    payer_email: str | None,
    account_name: str | None,
) -> dict[str, Any]:
    """The checked fields ``create_order`` and ``apply_payout`` share (number generated)."""
    return {
        "mchOrderNo": (
            new_mch_order_no() if mch_order_no is None else check_id("mch_order_no", mch_order_no)
        ),
        "amount": check_amount("amount", amount),
        "currency": check_currency("currency", currency),
        "notifyUrl": check_url("notify_url", notify_url),
        "phoneNumber": optional(check_phone, "phone_number", phone_number),
        "payerEmail": optional(check_email, "payer_email", payer_email),
        "accountName": optional(check_account_name, "account_name", account_name),
    }


def read_parser(cast_to: type[W]) -> Callable[[dict[str, Any]], W]:
    def parse(data: dict[str, Any]) -> W:
        return cast_to.model_validate(_without_sign(data))

    return parse


def write_parser(cast_to: type[W], sent: Mapping[str, Any]) -> Callable[[dict[str, Any]], W]:
    # The answers do not echo the order number or amount; callers need both on the result.
    def parse(data: dict[str, Any]) -> W:
        merged = {"mchOrderNo": sent["mchOrderNo"], "amount": sent["amount"], **data}
        return cast_to.model_validate(_without_sign(merged))

    return parse


def _without_sign(data: dict[str, Any]) -> dict[str, Any]:
    # Checked already; the signature is of no use to callers and stays out of reprs.
    return {k: v for k, v in data.items() if k != "sign"}


def check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def merge(
    params: Mapping[str, Any],
    extra_params: Mapping[str, Any] | None,
    *,
    name: str = "extra_params",
) -> dict[str, Any]:
    """Unset (``None``) params dropped, then ``extra_params`` added; a clash is an error
    (``mchId`` and ``sign`` are always set by the client)."""
    return build_params(params, extra_params, name=name, reserved=("mchId", "sign"))
