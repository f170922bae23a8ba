"""THE endpoint catalogue: every LEMFT operation, its path, and what we know about it.

Only two paths are documented (``wallet/walletList`` and ``card/order/getOrder``); every
other path follows the documented naming style and is **inferred**. Override any of them
with ``AsyncLemft(path_overrides={"cards.freeze": "/v1/openApi/..."})``.

``kind`` drives the retry policy: a ``read`` is retried on 10005, HTTP 5xx, timeouts and
undecodable answers; a ``write`` never is (it raises ``OutcomeUnknownError``), because the
server may have acted.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._core._endpoint import Endpoint, OperationKind
from ._core._endpoint import resolve_paths as _resolve_paths

__all__ = ["ENDPOINTS", "Endpoint", "OperationKind", "resolve_paths"]

_PREFIX = "/v1/openApi/"


def _ep(
    name: str,
    tail: str,
    kind: OperationKind,
    title: str,
    *,
    documented: bool = False,
    list_key: str | None = None,
    paginated: bool | None = None,
) -> Endpoint:
    # Every list with a key is paginated unless said otherwise (reference lists are not).
    pages = list_key is not None if paginated is None else paginated
    return Endpoint(
        name,
        _PREFIX + tail,
        kind,
        "POST",
        documented=documented,
        title=title,
        list_key=list_key,
        paginated=pages,
    )


R: OperationKind = "read"
W: OperationKind = "write"

_ALL = (
    # Wallet
    _ep(
        "wallets.list",
        "wallet/walletList",
        R,
        "钱包列表 List wallets",
        documented=True,
        list_key="wallet_list",
    ),
    _ep("wallets.retrieve", "wallet/getWallet", R, "钱包详情 Get wallet"),
    _ep(
        "wallets.list_transactions",
        "wallet/transactionList",
        R,
        "交易流水列表 List wallet transactions",
        list_key="transaction_list",
    ),
    _ep(
        "wallets.retrieve_transaction",
        "wallet/getTransaction",
        R,
        "交易详情 Get wallet transaction",
    ),
    _ep("wallets.exchange_rate", "wallet/getExchangeRate", R, "获取兑换汇率 Get exchange rate"),
    # Card / Bin
    _ep("bins.list", "card/bin/binList", R, "卡Bin列表 List card BINs", list_key="bin_list"),
    _ep("bins.retrieve", "card/bin/getBin", R, "卡Bin详情 Get card BIN"),
    _ep("bins.fees", "card/bin/getBinFee", R, "卡Bin费用 Get card BIN fees"),
    _ep("bins.limits", "card/bin/getBinLimit", R, "卡Bin限制 Get card BIN limits"),
    # Card / Card
    _ep("cards.list", "card/card/cardList", R, "卡列表 List cards", list_key="card_list"),
    _ep("cards.retrieve", "card/card/getCard", R, "卡详情 Get card"),
    _ep("cards.activate", "card/card/activate", W, "卡激活 Activate card"),
    _ep("cards.freeze", "card/card/freeze", W, "卡冻结 Freeze card"),
    _ep("cards.unfreeze", "card/card/unfreeze", W, "卡解冻 Unfreeze card"),
    _ep("cards.cancel", "card/card/cancel", W, "发起销卡 Request card closure"),
    _ep(
        "cards.list_trades",
        "card/card/tradeList",
        R,
        "卡交易列表 List card trades",
        list_key="trade_list",
    ),
    _ep(
        "cards.merchant_score",
        "card/card/merchantTradeScore",
        R,
        "商户交易评分 Merchant trade score",
    ),
    # Card / Order
    _ep("orders.open_card", "card/order/openCard", W, "开卡 Open card"),
    _ep("orders.recharge", "card/order/recharge", W, "卡充值 Top up card"),
    _ep("orders.list", "card/order/orderList", R, "订单列表 List orders", list_key="order_list"),
    _ep("orders.retrieve", "card/order/getOrder", R, "订单详情 Get order", documented=True),
    # Card / Holder
    _ep(
        "holders.list",
        "card/holder/holderList",
        R,
        "持卡人列表 List cardholders",
        list_key="holder_list",
    ),
    _ep("holders.create", "card/holder/createHolder", W, "创建持卡人 Create cardholder"),
    _ep("holders.update", "card/holder/editHolder", W, "编辑持卡人 Update cardholder"),
    _ep("holders.retrieve", "card/holder/getHolder", R, "持卡人详情 Get cardholder"),
    _ep("holders.delete", "card/holder/deleteHolder", W, "删除持卡人 Delete cardholder"),
    # PayMethod
    _ep(
        "pay_methods.list",
        "payMethod/payMethodList",
        R,
        "付款方式 List payment methods",
        list_key="pay_method_list",
    ),
    # Payee
    _ep(
        "payees.funding_sources",
        "payee/fundSourceList",
        R,
        "运营资金来源列表 List funding sources",
        list_key="fund_source_list",
        paginated=False,
    ),
    _ep(
        "payees.payment_purposes",
        "payee/paymentPurposeList",
        R,
        "预期付款目的列表 List payment purposes",
        list_key="payment_purpose_list",
        paginated=False,
    ),
    _ep("payees.create", "payee/createPayee", W, "创建收款方 Create payee"),
    _ep("payees.update", "payee/editPayee", W, "编辑收款方 Update payee"),
    _ep("payees.apply", "payee/applyPayee", W, "申请收款方 Submit payee application"),
    _ep("payees.delete", "payee/deletePayee", W, "删除收款方 Delete payee"),
    _ep("payees.list", "payee/payeeList", R, "收款方列表 List payees", list_key="payee_list"),
    _ep("payees.retrieve", "payee/getPayee", R, "收款方详情 Get payee"),
    # Payment
    _ep(
        "payments.reasons",
        "payment/paymentReasonList",
        R,
        "付款原因 List payment reasons",
        list_key="payment_reason_list",
        paginated=False,
    ),
    _ep("payments.create", "payment/createPayment", W, "创建付款 Create payment"),
    _ep(
        "payments.list", "payment/paymentList", R, "付款列表 List payments", list_key="payment_list"
    ),
    _ep("payments.retrieve", "payment/getPayment", R, "付款详情 Get payment"),
)

ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType({e.name: e for e in _ALL})


def resolve_paths(
    overrides: Mapping[str, str] | None, method_overrides: Mapping[str, str] | None = None
) -> dict[str, Endpoint]:
    """The catalogue with ``path_overrides`` and ``method_overrides`` applied (unknown
    names, bad paths and methods other than GET/POST refused). Every method is POST, as the
    two documented operations are: *inferred* for the other 37."""
    return _resolve_paths(
        ENDPOINTS, overrides, example="/v1/openApi/...", method_overrides=method_overrides
    )
