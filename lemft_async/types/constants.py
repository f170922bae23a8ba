"""Constant groups whose values the docs state (inline in field descriptions).

Each is an ``IntEnum``; model fields are typed ``Enum | int`` so a value the server adds
later is kept as a plain ``int`` instead of failing to parse. Groups the docs list by name
but whose values we never saw (Bin Type/Mode/Status, Card Status, Card Trade Type/Result,
Transaction Type, Payee Status, Fee Mode, Payment Status) are plain ``int`` fields.
"""

from __future__ import annotations

import enum

__all__ = [
    "BillCategory",
    "BillType",
    "CardType",
    "InOutType",
    "OrderStatus",
    "OrderType",
    "TransactionStatus",
    "WalletStatus",
]


class WalletStatus(enum.IntEnum):
    """Wallet / Wallet Status (from 钱包列表 wallet_list.status)."""

    NORMAL = 1
    FROZEN = 2


class InOutType(enum.IntEnum):
    """Wallet and Order Bill In Out Type (交易详情 / 订单详情)."""

    INCOME = 1
    EXPENSE = 2


class TransactionStatus(enum.IntEnum):
    """Wallet / Transaction Status (交易详情 transaction_list.status)."""

    PENDING_APPROVAL = 1
    APPROVED = 2
    REJECTED = 3


class CardType(enum.IntEnum):
    """Order / Card Type (订单详情 order_info.card_type)."""

    PHYSICAL = 1
    VIRTUAL = 2
    VIRTUAL_FIXED_DENOMINATION = 3


class OrderType(enum.IntEnum):
    """Order / Order Type (订单详情 order_info.order_type)."""

    OPEN_CARD = 1
    TOP_UP = 2


class OrderStatus(enum.IntEnum):
    """Order / Order Status (订单详情 order_info.status)."""

    PROCESSING = 0
    COMPLETED = 1
    REFUNDED = 2
    ABNORMAL = 3
    UNDER_REVIEW = 4


class BillType(enum.IntEnum):
    """Order / Order Bill Type (订单详情 order_bill_list.bill_type)."""

    OPEN_CARD = 1
    CARD_TOP_UP = 2
    REFUND = 3


class BillCategory(enum.IntEnum):
    """Order / Bill Category (订单详情 order_bill_list.bill_list.bill_category)."""

    CARD_OPENING_FEE = 1
    PRE_TOP_UP = 2
    TOP_UP = 3
    HANDLING_FEE = 4
