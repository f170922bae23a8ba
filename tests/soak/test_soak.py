"""Fault-injection soak: ``LEMFT_SOAK_CALLS`` calls (800 in ``make test``, 10,000 in
``make soak``) against the embedded sandbox while about 20 % of the requests fail.

What must hold whatever the faults did:

- every call ends as a result or a typed ``LemftError`` (never a raw httpx, pydantic or
  ``KeyError``); reads always end as a result (the SDK's own retries get them through);
  writes end as a result or ``OutcomeUnknownError``, nothing else;
- no write is re-sent once an attempt may have acted (checked on the server's side of the
  wire, by ``traceid``), and a write that ended in ``OutcomeUnknownError`` was sent once;
- the sandbox ledger: no ``out_order_id`` executed twice, every successful write executed
  exactly once, no money created or lost;
- reconciling each unknown outcome by ``out_order_id`` agrees with the ledger.

Run with ``-s`` for the summary line.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

import lemft_async._transport as transport
from lemft_async import LemftError, OutcomeUnknownError, ParamError
from lemft_async._core._retry import Disposition
from lemft_async._transport import classify
from lemft_async.sandbox import Sandbox

from ._wire import WireLog
from ._workload import LATENCY, READS, Call, Soak

pytestmark = pytest.mark.soak

SEED = 20240131
WRITE_OPERATIONS = (
    "orders.open_card",
    "orders.recharge",
    "cards.freeze",
    "cards.unfreeze",
    "payments.create",
)
FAULT_KINDS = ("error", "error_applied", "drop", "connect_fail", "slow", "timeout", "malformed")
COVERAGE_CALLS = 500
"""From this size on, every fault kind must have struck (else the soak proved little)."""
FULL_SIZE_CALLS = 2000
"""From this size on, both reconcile classes (executed / not executed) must appear."""


@dataclass
class Outcome:
    """Everything the assertions and the summary need, gathered while the sandbox is up."""

    soak: Soak
    wire: WireLog
    stats: dict[str, Counter[str]]
    seconds: float
    reconciled: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)

    def calls(self, *, write: bool | None = None, failed: bool | None = None) -> list[Call]:
        return [
            call
            for call in self.soak.plan
            if (write is None or call.write == write)
            and (failed is None or (call.error is not None) == failed)
        ]


async def run_soak(calls: int, *, seed: int = SEED) -> Outcome:
    """Set up, run and reconcile one soak; leaves the assertions to the caller."""
    started = time.perf_counter()
    async with Sandbox(latency=LATENCY, seed=seed) as sandbox:
        wire = WireLog().install(sandbox)
        soak = Soak(sandbox, calls=calls, seed=seed)
        await soak.setup()
        await soak.run()
        outcome = Outcome(
            soak,
            wire,
            {"faults": Counter(sandbox.stats.faults), "rejections": sandbox.stats.rejections},
            time.perf_counter() - started,
        )
        for call in outcome.calls(write=True, failed=True):
            if not isinstance(call.error, OutcomeUnknownError):
                continue
            if call.out_order_id is None:  # a freeze/unfreeze: read back during the run
                outcome.reconciled[f"status {'applied' if call.status_applied else 'not'}"] += 1
                continue
            found = await soak.found(call)
            executed = sandbox.state.executions(call.out_order_id)
            if found != (executed == 1):
                outcome.mismatches.append(f"{call.out_order_id}: listed={found}, ran {executed}x")
            outcome.reconciled["executed" if found else "not executed"] += 1
    return outcome


def write_paths(soak: Soak) -> set[str]:
    return {soak.gated.endpoints[name].path for name in WRITE_OPERATIONS}


def attempts_made(outcome: Outcome) -> int:
    """Requests the SDK made: those that reached the app plus the refused connections."""
    reached = sum(len(attempts) for attempts in outcome.wire.by_traceid.values())
    return reached + outcome.stats["faults"]["connect_fail"]


def fault_share(outcome: Outcome) -> float:
    faults = outcome.stats["faults"]
    struck = sum(faults[k] for k in ("error", "drop", "connect_fail", "slow", "malformed"))
    struck += sum(outcome.stats["rejections"].values())
    return struck / attempts_made(outcome)


def summary(outcome: Outcome) -> str:
    faults, rejections = outcome.stats["faults"], sum(outcome.stats["rejections"].values())
    ended = Counter(
        "ok" if call.error is None else type(call.error).__name__ for call in outcome.soak.plan
    )
    reads = outcome.calls(write=False)
    return (
        f"soak: {len(outcome.soak.plan)} calls in {outcome.seconds:.1f} s, "
        f"{attempts_made(outcome)} requests, faults {fault_share(outcome):.1%} "
        f"(10004 {rejections}, 10005 {faults['error']} [applied {faults['error_applied']}], "
        f"drop {faults['drop']}, connect_fail {faults['connect_fail']}, "
        f"slow {faults['slow']}, timeout {faults['timeout']}, malformed {faults['malformed']}) | "
        f"ended {dict(sorted(ended.items()))} | reads {len(reads)}, failed "
        f"{sum(c.error is not None for c in reads)} | unknown outcomes reconciled "
        f"{dict(sorted(outcome.reconciled.items()))}"
    )


async def test_soak_every_call_ends_typed_and_nothing_runs_twice(soak_calls: int) -> None:
    outcome = await run_soak(soak_calls)
    soak, wire = outcome.soak, outcome.wire
    state = soak.sandbox.state
    print(f"\n{summary(outcome)}")

    assert all(call.done for call in soak.plan)
    untyped = [c for c in soak.plan if c.error is not None and not isinstance(c.error, LemftError)]
    assert untyped == [], [f"{c.operation}: {c.error!r}" for c in untyped[:5]]
    assert {c.operation for c in soak.plan if not c.write} <= READS
    failed_reads = outcome.calls(write=False, failed=True)
    assert failed_reads == [], [f"{c.operation}: {c.error}" for c in failed_reads[:5]]
    other = [
        c
        for c in outcome.calls(write=True, failed=True)
        if type(c.error) is not OutcomeUnknownError
    ]
    assert other == [], [f"{c.operation}: {c.error!r}" for c in other[:5]]

    # The server's side of the wire: no write was ever re-sent once it may have acted ...
    assert wire.resend_problems(write_paths(soak)) == []
    # ... and each unknown outcome was the one attempt that may have acted (or, when the
    # lost answer was a 10004, none did and the ledger must show it not executed).
    for call in outcome.calls(write=True, failed=True):
        assert isinstance(call.error, OutcomeUnknownError)
        assert call.error.traceid
        acted, last_is_lost = wire.unknown_outcome_sends(call.error.traceid)
        assert last_is_lost, call.error.traceid
        assert acted <= 1, call.error.traceid
        if acted == 0 and call.out_order_id is not None:
            assert state.executions(call.out_order_id) == 0

    # The ledger.
    assert all(state.executions(ooid) <= 1 for ooid in soak.out_order_ids)
    for call in outcome.calls(write=True, failed=False):
        if call.out_order_id is not None:
            assert state.executions(call.out_order_id) == 1, call.out_order_id
    state.check_conservation()
    assert outcome.mismatches == []

    if soak_calls >= COVERAGE_CALLS:
        assert {k: outcome.stats["faults"][k] > 0 for k in FAULT_KINDS} == dict.fromkeys(
            FAULT_KINDS, True
        )
        assert sum(outcome.stats["rejections"].values()) > 0
        assert 0.12 <= fault_share(outcome) <= 0.35
    if soak_calls >= FULL_SIZE_CALLS:
        assert outcome.reconciled["executed"] > 0
        assert outcome.reconciled["not executed"] > 0


async def test_the_soak_catches_a_client_that_resends_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Proof that the soak can fail: an SDK retrying writes on unknown outcomes is caught."""

    def reckless(error: BaseException) -> Disposition:
        disposition = classify(error)
        return Disposition.RETRY if disposition is Disposition.RETRY_IF_READ else disposition

    monkeypatch.setattr(transport, "classify", reckless)
    outcome = await run_soak(400, seed=SEED + 1)

    assert outcome.wire.resend_problems(write_paths(outcome.soak)) != []
    # The sandbox refuses a reused out_order_id: the re-sent writes surface as 10001.
    assert any(isinstance(c.error, ParamError) for c in outcome.calls(write=True, failed=True))
    state = outcome.soak.sandbox.state
    assert all(state.executions(ooid) <= 1 for ooid in outcome.soak.out_order_ids)
