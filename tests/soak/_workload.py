"""The soak workload: a seeded mix of writes and reads, run concurrently through two
clients against one in-process sandbox whose faults strike about one request in five.

- The *gated* client uses the default per-endpoint gate; the *ungated* one (``NullGate``)
  sends a share of the calls without waiting its turn, so requests genuinely overlap and
  the server answers 10004 to whichever arrives second (the sandbox has no 10004 knob:
  overlaps are the real thing).
- The sandbox's seeded random faults do the rest: 10005 (applied or not), answers dropped
  after the commit, refused connections, answers slower than the client's read timeout,
  malformed bodies.
- Card status changes never conflict: a card is frozen or unfrozen by one call at a time,
  and an unknown outcome is resolved by reading the card back before the next change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

import anyio

from lemft_async import AsyncLemft, LemftError, NullGate, OutcomeUnknownError, RetryPolicy
from lemft_async.sandbox import Sandbox

__all__ = ["READS", "WRITES", "Call", "Soak"]

USD_VIRTUAL = "cpi_6530de6a2f1c7"
ACTIVE, FROZEN = 2, 3  # sandbox card statuses
FAULTS = {
    "error_rate": 0.05,
    "drop_rate": 0.04,
    "connect_fail_rate": 0.04,
    "malformed_rate": 0.03,
    "slow_rate": 0.01,
}
"""With the 10004s of the ungated client: about 20 % of the requests fail."""
LATENCY = 0.002  # long enough for ungated requests to overlap others
READ_TIMEOUT = 0.1
SLOW_SECONDS = 0.5  # a slow answer always outlasts the read timeout
# A gated call fails only after 21 consecutive failed attempts (each fails with p ~ 0.2):
# never, in practice; reads must get through on the SDK's own retries.
MAX_RETRIES = 20
RETRY_POLICY = RetryPolicy(initial_delay=0.005, max_delay=0.05)
# An ungated call competes with a gated client that sends back to back: on a busy path
# it may see 10004 many times in a row before it finds a gap, so it gets more retries
# and a longer backoff (a starved ungated call would end in TooManyRequestsError).
UNGATED_MAX_RETRIES = 60
UNGATED_RETRY_POLICY = RetryPolicy(initial_delay=0.005, max_delay=0.1)
UNGATED_SHARE = 0.025
CONCURRENCY = 24
STATUS_CARDS = 12

WRITES = frozenset({"orders.open_card", "orders.recharge", "cards.toggle", "payments.create"})
"""``cards.toggle`` is a freeze or an unfreeze, whichever applies to the card."""
READS = frozenset(
    {
        "wallets.list",
        "orders.retrieve",
        "orders.list",
        "cards.retrieve",
        "cards.list",
        "payments.list",
    }
)
MIX = {
    "orders.open_card": 16,
    "orders.recharge": 14,
    "cards.toggle": 10,
    "payments.create": 10,
    "wallets.list": 12,
    "orders.retrieve": 10,
    "orders.list": 10,
    "cards.retrieve": 10,
    "cards.list": 4,
    "payments.list": 4,
}


@dataclass
class Call:
    """One planned call and how it ended."""

    index: int
    operation: str
    ungated: bool
    out_order_id: str | None = None
    error: Exception | None = None
    done: bool = False
    status_applied: bool | None = None
    """For a freeze/unfreeze whose outcome was unknown: did it happen (read back)?"""

    @property
    def write(self) -> bool:
        return self.operation in WRITES


class Soak:
    """Plan, set up and run the workload against ``sandbox`` (faults off until ``run``)."""

    def __init__(self, sandbox: Sandbox, *, calls: int, seed: int = 0) -> None:
        self.sandbox = sandbox
        self.gated = sandbox.client(
            max_retries=MAX_RETRIES, timeout=READ_TIMEOUT, retry_policy=RETRY_POLICY
        )
        self.ungated = sandbox.client(
            gate=NullGate(),
            max_retries=UNGATED_MAX_RETRIES,
            timeout=READ_TIMEOUT,
            retry_policy=UNGATED_RETRY_POLICY,
        )
        self.rng = random.Random(seed)
        names, weights = zip(*MIX.items(), strict=True)
        self.plan = [
            Call(i, op, self.rng.random() < UNGATED_SHARE)
            for i, op in enumerate(self.rng.choices(names, weights, k=calls))
        ]
        self.cards: list[str] = []
        self.orders: list[str] = []
        self.out_order_ids: list[str] = []
        self.payee_id = ""
        self.frozen: dict[str, bool] = {}
        self._locks: dict[str, anyio.Lock] = {}

    async def setup(self) -> None:
        """Fault-free: an approved payee and the cards whose status calls will toggle."""
        payee = await self.gated.payees.create(
            pay_method_id="pmd_usd_local",
            account_name="Soak Payee",
            account_no="000123456789",
            currency="USD",
            country="US",
        )
        assert payee.payee_id is not None
        await self.gated.payees.apply(payee.payee_id)
        self.payee_id = payee.payee_id
        for index in range(STATUS_CARDS):
            order = await self.gated.orders.open_card(
                bin_id=USD_VIRTUAL, amount=Decimal("1.00"), out_order_id=f"soak-setup-{index}"
            )
            assert order.card_id
            assert order.order_id
            self.cards.append(order.card_id)
            self.orders.append(order.order_id)
            self.frozen[order.card_id] = False
            self._locks[order.card_id] = anyio.Lock()

    def set_faults(self, on: bool) -> None:
        config = self.sandbox.faults.config
        for knob, rate in FAULTS.items():
            setattr(config, knob, rate if on else 0.0)
        config.slow_seconds = SLOW_SECONDS

    async def run(self) -> None:
        """Every planned call, ``CONCURRENCY`` at a time, with the faults on."""
        self.set_faults(True)
        pending = iter(self.plan)

        async def worker() -> None:
            for call in pending:  # one shared iterator: each call is taken once
                await self.one(call)

        try:
            async with anyio.create_task_group() as tg:
                for _ in range(CONCURRENCY):
                    tg.start_soon(worker)
        finally:
            self.set_faults(False)

    async def one(self, call: Call) -> None:
        client = self.ungated if call.ungated else self.gated
        try:
            await self._dispatch(call, client)
        except LemftError as exc:
            call.error = exc
        except Exception as exc:  # not a typed error: recorded, and the test fails on it
            call.error = exc
        call.done = True

    async def _dispatch(self, call: Call, client: AsyncLemft) -> None:
        op = call.operation
        if op in ("orders.open_card", "orders.recharge", "payments.create"):
            call.out_order_id = f"soak-{call.index}"
            self.out_order_ids.append(call.out_order_id)
        if op == "orders.open_card":
            order = await client.orders.open_card(
                bin_id=USD_VIRTUAL, amount=Decimal("1.00"), out_order_id=call.out_order_id
            )
            if order.card_id:
                self.cards.append(order.card_id)
            if order.order_id:
                self.orders.append(order.order_id)
        elif op == "orders.recharge":
            order = await client.orders.recharge(
                card_id=self.rng.choice(self.cards),
                amount=Decimal("1.00"),
                out_order_id=call.out_order_id,
            )
            if order.order_id:
                self.orders.append(order.order_id)
        elif op == "payments.create":
            await client.payments.create(
                payee_id=self.payee_id,
                amount=Decimal("5.00"),
                currency="USD",
                out_order_id=call.out_order_id,
            )
        elif op == "cards.toggle":
            await self._toggle(call, client, self.rng.choice(list(self.frozen)))
        else:
            await self._read(op, client)

    async def _toggle(self, call: Call, client: AsyncLemft, card_id: str) -> None:
        async with self._locks[card_id]:
            was_frozen = self.frozen[card_id]
            change = client.cards.unfreeze if was_frozen else client.cards.freeze
            try:
                await change(card_id)
            except OutcomeUnknownError:
                # Reconcile before anyone touches the card again: read it back.
                card = await self.gated.cards.retrieve(card_id)
                self.frozen[card_id] = card.status == FROZEN
                call.status_applied = self.frozen[card_id] != was_frozen
                raise
            self.frozen[card_id] = not was_frozen

    async def _read(self, op: str, client: AsyncLemft) -> None:
        if op == "wallets.list":
            page = await client.wallets.list(currency="USD")
            assert page.items
        elif op == "orders.retrieve":
            await client.orders.retrieve(self.rng.choice(self.orders))
        elif op == "orders.list":
            wanted = self.rng.choice(self.out_order_ids) if self.out_order_ids else None
            await client.orders.list(out_order_id=wanted)
        elif op == "cards.retrieve":
            await client.cards.retrieve(self.rng.choice(self.cards))
        elif op == "cards.list":
            await client.cards.list(page_size=20)
        elif op == "payments.list":
            await client.payments.list(payee_id=self.payee_id)
        else:  # pragma: no cover - MIX and READS are defined together
            raise AssertionError(f"unknown operation {op}")

    async def found(self, call: Call) -> bool:
        """After the run (faults off): does the server list this write's ``out_order_id``?"""
        assert call.out_order_id is not None
        if call.operation == "payments.create":
            payments = await self.gated.payments.list(out_order_id=call.out_order_id)
            return bool(payments.items)
        orders = await self.gated.orders.list(out_order_id=call.out_order_id)
        return bool(orders.items)
