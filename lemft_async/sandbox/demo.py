"""``lemft demo``: issue N virtual cards concurrently against the embedded sandbox.

What it shows: the SDK's per-endpoint gate sends the calls back to back, so N calls with
latency L take about N x L (the server allows one call per URL at a time, and sees no
10004 at all), and the money adds up to the cent.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._errors import ConservationError
from ._sandbox import Sandbox

__all__ = ["DEMO_BIN_ID", "RATIO_TARGET", "DemoResult", "count_errors", "run_demo"]

DEMO_BIN_ID = "cpi_6530de6a2f1c7"
"""The seeded USD virtual BIN."""

RATIO_TARGET = 1.05
"""elapsed / (N x latency) the demo aims for (marked ok or miss; timing never fails it)."""

MAX_DISTINCT_ERRORS = 10


def count_errors(messages: list[str]) -> list[tuple[str, int]]:
    """Distinct messages in first-seen order with how often each occurred."""
    counts: dict[str, int] = {}
    for message in messages:
        counts[message] = counts.get(message, 0) + 1
    return list(counts.items())


@dataclass
class DemoResult:
    """The numbers the demo prints (money as ``Decimal``)."""

    cards: int
    issued: int
    failed: int
    amounts: Decimal
    fees: Decimal
    wallet_before: Decimal
    wallet_after: Decimal
    currency: str
    rejections: int
    max_in_flight: int
    requests: int
    elapsed: float
    latency: float
    conserved: bool
    errors: list[str] = field(default_factory=list)
    """Distinct error messages, first seen first (at most 10)."""
    error_counts: list[int] = field(default_factory=list)
    """How many outcomes failed with each of ``errors``."""

    @property
    def ideal(self) -> float:
        """N x latency: what back-to-back calls cost."""
        return self.cards * self.latency

    @property
    def ratio(self) -> float | None:
        return self.elapsed / self.ideal if self.ideal > 0 else None

    @property
    def ratio_ok(self) -> bool | None:
        """``ratio <= RATIO_TARGET`` (``None`` without latency: nothing to compare)."""
        ratio = self.ratio
        return None if ratio is None else ratio <= RATIO_TARGET

    @property
    def wallet_matches(self) -> bool:
        """wallet before - after == amounts + fees."""
        return self.wallet_before - self.wallet_after == self.amounts + self.fees

    @property
    def ok(self) -> bool:
        return (
            self.failed == 0
            and self.conserved
            and self.wallet_matches
            and self.rejections == 0
            and self.max_in_flight <= 1
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: money as exact strings, never floats."""
        ratio = self.ratio
        return {
            "cards": self.cards,
            "issued": self.issued,
            "failed": self.failed,
            "currency": self.currency,
            "amounts": str(self.amounts),
            "fees": str(self.fees),
            "wallet_before": str(self.wallet_before),
            "wallet_after": str(self.wallet_after),
            "wallet_matches": self.wallet_matches,
            "money_conserved": self.conserved,
            "server_10004": self.rejections,
            "max_in_flight": self.max_in_flight,
            "requests": self.requests,
            "latency_s": self.latency,
            "elapsed_s": round(self.elapsed, 4),
            "ideal_s": round(self.ideal, 4),
            "ratio": None if ratio is None else round(ratio, 4),
            "ratio_target": RATIO_TARGET,
            "ratio_ok": self.ratio_ok,
            "ok": self.ok,
            "errors": self.errors,
            "error_counts": self.error_counts,
        }


async def run_demo(
    *,
    cards: int = 200,
    latency: float = 0.02,
    amount: Decimal = Decimal("10.00"),
    concurrency: int = 8,
    seed: int = 0,
    on_progress: Callable[[Any], Any] | None = None,
) -> DemoResult:
    """Issue ``cards`` cards of ``amount`` each through ``orders.open_cards``."""
    if cards < 1:
        raise ValueError("cards must be >= 1")
    async with Sandbox(latency=latency, seed=seed) as sandbox:
        client = sandbox.client()
        async with client:
            product = await client.bins.retrieve(DEMO_BIN_ID)
            currency = product.currency or "USD"
            before = await _balance(client, currency)
            openings = client.orders  # resolve the namespace before the clock starts
            path = client.endpoints["orders.open_card"].path
            specs = [{"bin_id": DEMO_BIN_ID, "amount": amount} for _ in range(cards)]
            sandbox.stats.reset()
            # Objects made during set-up would otherwise be re-scanned by a full
            # collection mid-run (a pause of tens of ms); the timing is about the wire.
            gc.collect()
            gc.freeze()
            started = time.perf_counter()
            try:
                outcomes = await openings.open_cards(
                    specs, concurrency=concurrency, on_progress=on_progress
                )
            finally:
                elapsed = time.perf_counter() - started
                gc.unfreeze()
            rejections = sum(sandbox.stats.rejections.values())
            max_in_flight = sandbox.stats.max_in_flight[path]
            requests = sandbox.stats.requests[path]
            after = await _balance(client, currency)
        try:
            sandbox.state.check_conservation()
            conserved = True
        except ConservationError:
            conserved = False
    issued = [o.result for o in outcomes if o.ok and o.result is not None]
    errors = count_errors([_error_text(o.error) for o in outcomes if not o.ok])
    errors = errors[:MAX_DISTINCT_ERRORS]
    return DemoResult(
        cards=cards,
        issued=len(issued),
        failed=cards - len(issued),
        amounts=sum((o.amount or Decimal(0) for o in issued), Decimal("0.00")),
        fees=sum((o.fee or Decimal(0) for o in issued), Decimal("0.00")),
        wallet_before=before,
        wallet_after=after,
        currency=currency,
        rejections=rejections,
        max_in_flight=max_in_flight,
        requests=requests,
        elapsed=elapsed,
        latency=latency,
        conserved=conserved,
        errors=[message for message, _ in errors],
        error_counts=[count for _, count in errors],
    )


def _error_text(error: BaseException | None) -> str:
    """What failed, without per-call details (traceid), so identical failures group."""
    code, message = getattr(error, "code", None), getattr(error, "message", None)
    if code is not None and message:
        return f"{type(error).__name__} {code}: {message}"
    return f"{type(error).__name__}: {error}"


async def _balance(client: Any, currency: str) -> Decimal:
    page = await client.wallets.list(currency=currency)
    if not page.items:
        raise RuntimeError(f"the sandbox has no {currency} wallet")
    balance: Decimal = page.items[0].available_balance
    return balance


def render(result: DemoResult, console: Any) -> None:
    """Print the summary table on a ``rich.console.Console``."""
    from rich.markup import escape
    from rich.table import Table

    def mark(good: bool) -> str:
        return "[green]ok[/]" if good else "[red]FAILED[/]"

    def money(value: Decimal) -> str:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -2:
            value = value.quantize(Decimal("0.01"))
        return f"{result.currency} {value}"

    table = Table(
        title="lemft demo: bulk card issuance against the embedded sandbox", show_header=False
    )
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_column("check")
    table.add_row("cards issued", f"{result.issued} / {result.cards}", mark(result.issued > 0))
    table.add_row("failed", str(result.failed), mark(result.failed == 0))
    table.add_row("amounts loaded", money(result.amounts), "")
    table.add_row("fees", money(result.fees), "")
    table.add_row("wallet before", money(result.wallet_before), "")
    table.add_row("wallet after", money(result.wallet_after), "")
    table.add_row(
        "before - after = amounts + fees",
        money(result.wallet_before - result.wallet_after),
        mark(result.wallet_matches),
    )
    table.add_row("money conserved (sandbox books)", "", mark(result.conserved))
    table.add_row("server-side 10004", str(result.rejections), mark(result.rejections == 0))
    table.add_row("max in flight (openCard)", str(result.max_in_flight), "")
    table.add_row("elapsed", f"{result.elapsed:.3f} s", "")
    table.add_row(
        "ideal = N x latency",
        f"{result.cards} x {result.latency * 1000:g} ms = {result.ideal:.3f} s",
        "",
    )
    ratio = result.ratio
    if ratio is None:
        table.add_row("elapsed / ideal", "n/a", f"target <= {RATIO_TARGET:g}")
    else:
        verdict = "[green]ok[/]" if result.ratio_ok else "[yellow]miss[/]"
        table.add_row("elapsed / ideal", f"{ratio:.3f}x", f"{verdict} (target <= {RATIO_TARGET:g})")
    console.print(table)
    for error, count in zip(result.errors, result.error_counts, strict=False):
        times = f" (x{count})" if count > 1 else ""
        console.print(f"[red]{escape(error)}{times}[/]")
