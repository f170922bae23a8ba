"""The sandbox's books: records, ids, the wallet ledger, delayed work and the money check.

Everything here is synchronous and in memory: a request's state change happens in one
step with no ``await`` in between, so concurrent requests can never interleave halfway
through a money movement.
"""

from __future__ import annotations

import heapq
import itertools
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._clock import BusinessClock, format_time
from ._entities import (
    CARD_CLOSED,
    TRADE_APPROVED,
    TRADE_PURCHASE,
    BinProduct,
    Card,
    CardTrade,
    Holder,
    Order,
    Transaction,
    Wallet,
)
from ._errors import ConservationError, param_error
from ._money import ZERO
from ._payouts import PAYMENT_COMPLETED, PAYMENT_PROCESSING, Payee, Payment, PayMethod

__all__ = ["Behaviour", "State", "TransactionType"]

_ALNUM = string.ascii_letters + string.digits

Emit = Callable[[str, dict[str, Any]], None]


class TransactionType:
    """Wallet / Transaction Type (sandbox numbering: the docs' values were not found)."""

    CARD_OPEN = 1
    CARD_TOP_UP = 2
    CARD_CLOSE_REFUND = 3
    PAYMENT = 4
    PAYMENT_REFUND = 5
    ORDER_REFUND = 6
    DEPOSIT = 7


@dataclass
class Behaviour:
    """How the simulated back office decides (all knobs of ``Sandbox``)."""

    order_delay: float = 0.0
    """Seconds (business clock) before an order, a closure or a payment completes."""
    order_fail_rate: float = 0.0
    """Share of card orders that end *refunded* (money back to the wallet)."""
    payment_fail_rate: float = 0.0
    """Share of payments that end *failed* (amount and fee back to the wallet)."""
    payee_reject_rate: float = 0.0
    """Share of payee applications that end *rejected*."""


@dataclass
class _Due:
    at: float
    seq: int
    run: Callable[[], None] = field(compare=False)

    def __lt__(self, other: _Due) -> bool:
        return (self.at, self.seq) < (other.at, other.seq)


class State:
    """All records of one sandbox customer, and the rules that keep money whole."""

    def __init__(
        self,
        *,
        customer_id: int,
        clock: BusinessClock,
        rng: random.Random,
        behaviour: Behaviour | None = None,
    ) -> None:
        self.customer_id = customer_id
        self.clock = clock
        self.rng = rng
        self.behaviour = behaviour or Behaviour()
        self.emit: Emit = lambda tag, payload: None
        self.wallets: dict[int, Wallet] = {}
        self.bins: dict[str, BinProduct] = {}
        self.holders: dict[str, Holder] = {}
        self.cards: dict[str, Card] = {}
        self.orders: dict[str, Order] = {}
        self.transactions: dict[str, Transaction] = {}
        self.trades: dict[str, CardTrade] = {}
        self.pay_methods: dict[str, PayMethod] = {}
        self.payees: dict[str, Payee] = {}
        self.payments: dict[str, Payment] = {}
        self.fund_sources: dict[str, str] = {}
        self.payment_purposes: dict[str, str] = {}
        self.payment_reasons: dict[str, str] = {}
        self.exchange_rates: dict[tuple[str, str], Decimal] = {}
        self._out_order_ids: dict[str, str] = {}
        self._executions: Counter[str] = Counter()
        self._issued: set[str] = set()
        self._due: list[_Due] = []
        self._seq = itertools.count()
        self._txn_seq = itertools.count(1)
        self.initial: dict[str, Decimal] = {}
        self.deposits: dict[str, Decimal] = {}
        self._wallet_opening: dict[int, Decimal] = {}

    # -- ids and time --------------------------------------------------------------------

    def new_id(self, prefix: str, length: int, alphabet: str = _ALNUM) -> str:
        """A fresh id such as ``ord_MEP9vKJi`` (seeded RNG, so runs are reproducible)."""
        while True:
            candidate = prefix + "".join(self.rng.choices(alphabet, k=length))
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def reserve(self, value: str) -> bool:
        """Mark ``value`` as issued; False if it already was (for ids made elsewhere)."""
        if value in self._issued:
            return False
        self._issued.add(value)
        return True

    def new_hex(self, length: int, prefix: str = "") -> str:
        """``prefix`` + ``length`` random lowercase hex digits (fast path of ``new_id``)."""
        while True:
            candidate = f"{prefix}{self.rng.getrandbits(4 * length):0{length}x}"
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def now(self) -> float:
        return self.clock.now()

    def now_text(self) -> str:
        return format_time(self.clock.now())

    # -- seeding ---------------------------------------------------------------------------

    def add_wallet(self, wallet: Wallet) -> None:
        self.wallets[wallet.wallet_id] = wallet
        total = wallet.available_balance + wallet.freeze_balance
        self.initial[wallet.currency] = self.initial.get(wallet.currency, ZERO) + total
        self._wallet_opening[wallet.wallet_id] = wallet.available_balance

    # -- lookups -----------------------------------------------------------------------------

    def wallet_for(self, currency: str) -> Wallet:
        for wallet in self.wallets.values():
            if wallet.currency == currency:
                return wallet
        raise param_error(f"no {currency} wallet for this customer")

    def find(self, table: dict[str, Any], name: str, value: str) -> Any:
        try:
            return table[value]
        except KeyError:
            raise param_error(f"{name} {value!r} not found") from None

    # -- idempotency ---------------------------------------------------------------------------

    def claim_out_order_id(self, out_order_id: str, record_id: str) -> None:
        """Reserve ``out_order_id`` for one record; a second use is a 10001 (never re-run)."""
        if out_order_id in self._out_order_ids:
            raise param_error(f"out_order_id already exists: {out_order_id}")
        self._out_order_ids[out_order_id] = record_id
        self._executions[out_order_id] += 1

    def executions(self, out_order_id: str) -> int:
        """How many times a money-moving request with this ``out_order_id`` was carried out."""
        return self._executions[out_order_id]

    def record_for(self, out_order_id: str) -> str | None:
        return self._out_order_ids.get(out_order_id)

    # -- the ledger --------------------------------------------------------------------------

    def move(
        self,
        wallet: Wallet,
        delta: Decimal,
        *,
        transaction_type: int,
        desc: str,
        record_id: str,
        out_id: str,
        remark: str = "",
    ) -> Transaction:
        """Credit (``delta > 0``) or debit a wallet and write the ledger record for it."""
        before = wallet.available_balance
        after = before + delta
        if after < 0:
            raise param_error(
                f"insufficient wallet balance: {wallet.currency} {before} available, "
                f"{-delta} needed"
            )
        wallet.available_balance = after
        now = self.now()
        stamp = format_time(now).replace("-", "").replace(":", "").replace(" ", "")
        txn = Transaction(
            transaction_id=f"3000{stamp}{next(self._txn_seq):08d}{self.new_hex(20)}",
            wallet_id=wallet.wallet_id,
            record_id=record_id,
            out_transaction_id=out_id,
            in_out_type=1 if delta > 0 else 2,
            transaction_type=transaction_type,
            transaction_desc=desc,
            amount=abs(delta),
            currency=wallet.currency,
            before_balance=before,
            after_balance=after,
            transaction_time=format_time(now),
            created_epoch=now,
            remark=remark,
        )
        self.transactions[txn.transaction_id] = txn
        tag = "wallet.transaction.income" if delta > 0 else "wallet.transaction.expense"
        self.emit(tag, txn.to_wire())
        return txn

    def deposit(self, currency: str, amount: Decimal, *, remark: str = "sandbox deposit") -> None:
        """Add outside money to a wallet (counted, so the money check still balances)."""
        if amount <= 0:
            raise ValueError("deposit amount must be > 0")
        wallet = self.wallet_for(currency)
        self.move(
            wallet,
            amount,
            transaction_type=TransactionType.DEPOSIT,
            desc="Deposit",
            record_id="",
            out_id=self.new_id("dep_", 12),
            remark=remark,
        )
        self.deposits[currency] = self.deposits.get(currency, ZERO) + amount

    # -- delayed work ------------------------------------------------------------------------

    def later(self, delay: float, run: Callable[[], None]) -> None:
        """Run ``run`` after ``delay`` business seconds; at once when ``delay <= 0``."""
        if delay <= 0:
            run()
            return
        heapq.heappush(self._due, _Due(self.now() + delay, next(self._seq), run))

    def run_due(self) -> int:
        """Carry out the delayed work whose time has come; returns how many items ran."""
        ran = 0
        while self._due and self._due[0].at <= self.now():
            heapq.heappop(self._due).run()
            ran += 1
        return ran

    @property
    def pending_work(self) -> int:
        return len(self._due)

    def next_due(self) -> float | None:
        return self._due[0].at if self._due else None

    # -- the money check -----------------------------------------------------------------------

    def total_money(self) -> dict[str, dict[str, Decimal]]:
        """Where every unit of each currency is, computed from the records themselves."""
        books: dict[str, dict[str, Decimal]] = {}

        def add(currency: str, bucket: str, amount: Decimal) -> None:
            row = books.setdefault(currency, dict.fromkeys(_BUCKETS, ZERO))
            row[bucket] += amount

        for wallet in self.wallets.values():
            add(wallet.currency, "wallets", wallet.available_balance + wallet.freeze_balance)
        for card in self.cards.values():
            add(card.currency, "cards", card.balance)
        for order in self.orders.values():
            if order.status == 0:
                add(order.currency, "pending", order.amount + order.fee)
            elif order.status == 1:
                add(order.currency, "fees", order.fee)
        for payment in self.payments.values():
            if payment.status == PAYMENT_PROCESSING:
                add(payment.currency, "pending", payment.debit)
            elif payment.status == PAYMENT_COMPLETED:
                add(payment.currency, "fees", payment.fee)
                add(payment.currency, "paid_out", payment.debit - payment.fee)
        for trade in self.trades.values():
            if trade.trade_result == TRADE_APPROVED:
                sign = 1 if trade.trade_type == TRADE_PURCHASE else -1
                add(trade.currency, "spent", sign * trade.amount)
        for currency in set(self.initial) | set(self.deposits):
            row = books.setdefault(currency, dict.fromkeys(_BUCKETS, ZERO))
            row["expected"] = self.initial.get(currency, ZERO) + self.deposits.get(currency, ZERO)
        for row in books.values():
            row["total"] = sum((row[b] for b in _BUCKETS if b != "expected"), ZERO)
        return books

    def check_conservation(self) -> dict[str, dict[str, Decimal]]:
        """Raise ``ConservationError`` unless no money was created or lost, per currency.

        Checks that wallets + cards + in-flight orders and payments + fees collected +
        paid out + spent at merchants == initial balances + deposits, that every ledger
        record's after = before +/- amount, and that each wallet's balance is its opening
        balance plus its ledger records.
        """
        books = self.total_money()
        problems = [
            f"{currency}: total {row['total']} != expected {row['expected']} ({row})"
            for currency, row in books.items()
            if row["total"] != row["expected"]
        ]
        running = dict(self._wallet_opening)
        for txn in self.transactions.values():
            sign = 1 if txn.in_out_type == 1 else -1
            if txn.after_balance != txn.before_balance + sign * txn.amount:
                problems.append(f"ledger record {txn.transaction_id} does not add up")
            running[txn.wallet_id] += sign * txn.amount
        for wallet_id, balance in running.items():
            if self.wallets[wallet_id].available_balance != balance:
                problems.append(f"wallet {wallet_id} balance differs from its ledger")
        for card in self.cards.values():
            if card.balance < 0 or (card.status == CARD_CLOSED and card.balance != 0):
                problems.append(f"card {card.card_id} has balance {card.balance}")
        if problems:
            raise ConservationError("; ".join(problems))
        return books


_BUCKETS = ("wallets", "cards", "pending", "fees", "paid_out", "spent", "expected")
