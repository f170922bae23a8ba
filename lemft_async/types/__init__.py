"""Response models and constants."""

from .constants import (
    BillCategory,
    BillType,
    CardType,
    InOutType,
    OrderStatus,
    OrderType,
    TransactionStatus,
    WalletStatus,
)
from .orders import Bill, Order, OrderBill, OrderDetail
from .wallets import Wallet, WalletTransaction

__all__ = [
    "Bill",
    "BillCategory",
    "BillType",
    "CardType",
    "InOutType",
    "Order",
    "OrderBill",
    "OrderDetail",
    "OrderStatus",
    "OrderType",
    "TransactionStatus",
    "Wallet",
    "WalletStatus",
    "WalletTransaction",
]
