"""The public contract of ARCHITECTURE §4, written out once for the tests that check it."""

from __future__ import annotations

# ARCHITECTURE §4, operation -> path under /v1/openApi/ (the contract for method names).
CONTRACT = {
    "wallets.list": "wallet/walletList",
    "wallets.retrieve": "wallet/getWallet",
    "wallets.list_transactions": "wallet/transactionList",
    "wallets.retrieve_transaction": "wallet/getTransaction",
    "wallets.exchange_rate": "wallet/getExchangeRate",
    "bins.list": "card/bin/binList",
    "bins.retrieve": "card/bin/getBin",
    "bins.fees": "card/bin/getBinFee",
    "bins.limits": "card/bin/getBinLimit",
    "cards.list": "card/card/cardList",
    "cards.retrieve": "card/card/getCard",
    "cards.activate": "card/card/activate",
    "cards.freeze": "card/card/freeze",
    "cards.unfreeze": "card/card/unfreeze",
    "cards.cancel": "card/card/cancel",
    "cards.list_trades": "card/card/tradeList",
    "cards.merchant_score": "card/card/merchantTradeScore",
    "orders.open_card": "card/order/openCard",
    "orders.recharge": "card/order/recharge",
    "orders.list": "card/order/orderList",
    "orders.retrieve": "card/order/getOrder",
    "holders.list": "card/holder/holderList",
    "holders.create": "card/holder/createHolder",
    "holders.update": "card/holder/editHolder",
    "holders.retrieve": "card/holder/getHolder",
    "holders.delete": "card/holder/deleteHolder",
    "pay_methods.list": "payMethod/payMethodList",
    "payees.funding_sources": "payee/fundSourceList",
    "payees.payment_purposes": "payee/paymentPurposeList",
    "payees.create": "payee/createPayee",
    "payees.update": "payee/editPayee",
    "payees.apply": "payee/applyPayee",
    "payees.delete": "payee/deletePayee",
    "payees.list": "payee/payeeList",
    "payees.retrieve": "payee/getPayee",
    "payments.reasons": "payment/paymentReasonList",
    "payments.create": "payment/createPayment",
    "payments.list": "payment/paymentList",
    "payments.retrieve": "payment/getPayment",
}

# Operations that change state or move money: never silently re-sent.
WRITES = {
    "cards.activate",
    "cards.freeze",
    "cards.unfreeze",
    "cards.cancel",
    "orders.open_card",
    "orders.recharge",
    "holders.create",
    "holders.update",
    "holders.delete",
    "payees.create",
    "payees.update",
    "payees.apply",
    "payees.delete",
    "payments.create",
}

DOCUMENTED = {"wallets.list", "orders.retrieve"}
"""The only two paths the LEMFT docs state."""
