"""Response models and constants, one module per namespace."""

from .bins import Bin, BinFees, BinLimits
from .cards import Card, CardTrade, MerchantScore
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
from .holders import Holder
from .orders import Bill, Order, OrderBill, OrderDetail
from .pay_methods import PayMethod
from .payees import Payee
from .payments import Payment
from .shared import ReferenceItem
from .wallets import ExchangeRate, TransactionDetail, Wallet, WalletTransaction

__all__ = [
    "Bill",
    "BillCategory",
    "BillType",
    "Bin",
    "BinFees",
    "BinLimits",
    "Card",
    "CardTrade",
    "CardType",
    "ExchangeRate",
    "Holder",
    "InOutType",
    "MerchantScore",
    "Order",
    "OrderBill",
    "OrderDetail",
    "OrderStatus",
    "OrderType",
    "PayMethod",
    "Payee",
    "Payment",
    "ReferenceItem",
    "TransactionDetail",
    "TransactionStatus",
    "Wallet",
    "WalletStatus",
    "WalletTransaction",
]
