"""Card order models (documented: 订单详情 getOrder)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .._core._identity import Identifier
from .._core._models import LemftDateTime, LemftModel, Money, enum_value
from .constants import BillCategory, BillType, CardType, InOutType, OrderStatus, OrderType

__all__ = ["Bill", "Order", "OrderBill", "OrderDetail"]


class Order(LemftModel):
    """``order_info`` of 订单详情 (documented)."""

    order_id: Identifier
    bin_id: str | None = None
    holder_id: str | None = None
    out_order_id: Identifier
    """Your merchant order id (documented as always present; generated when you do not pass
    one)."""
    card_type: Annotated[CardType | int | None, enum_value(CardType)] = None
    order_type: Annotated[OrderType | int | None, enum_value(OrderType)] = None
    amount: Money = None
    fee: Money = None
    currency: str | None = None
    card_id: str | None = None
    status: Annotated[OrderStatus | int | None, enum_value(OrderStatus)] = None
    track_code: str | None = None
    track_supplier: str | None = None
    """Courier company (the docs type it ``datetime``, but it is a name)."""
    track_at: LemftDateTime = None
    """Shipping time; the documented example holds ``"out_10002000004"``, kept as text."""
    complete_at: LemftDateTime = None
    create_at: LemftDateTime = None


class Bill(LemftModel):
    """A bill line item (``order_bill_list[].bill_list[]``)."""

    bill_category: Annotated[BillCategory | int | None, enum_value(BillCategory)] = None
    amount: Money = None


class OrderBill(LemftModel):
    """One entry of ``order_bill_list``."""

    bill_type: Annotated[BillType | int | None, enum_value(BillType)] = None
    in_out_type: Annotated[InOutType | int | None, enum_value(InOutType)] = None
    transaction_time: LemftDateTime = None
    bill_list: list[Bill] = Field(default_factory=list)


class OrderDetail(LemftModel):
    """The ``data`` of 订单详情: the order and its bills (documented)."""

    order_info: Order
    order_bill_list: list[OrderBill] = Field(default_factory=list)
