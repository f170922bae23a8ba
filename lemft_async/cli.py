"""The ``lemft`` command (extra ``cli``): the demo, the sandbox server, and read commands.

    lemft demo [--cards 200 --latency 0.02]
    lemft sandbox serve [--host 127.0.0.1 --port 8000 --latency 0.02 ...]
    lemft wallets list [--currency USD] [--json]
    lemft orders get ORDER_ID [--json]

The read commands use ``AsyncLemft.from_env()`` (``LEMFT_CUSTOMER_ID``, ``LEMFT_APP_ID``,
``LEMFT_KEY``, ``LEMFT_API_KEY`` and ``LEMFT_ENVIRONMENT`` or ``LEMFT_BASE_URL``).
rich, starlette and uvicorn are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio

__all__ = ["main"]


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal amount: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"amount must be a finite number >= 0, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"seconds must be >= 0, got {text!r}")
    return value


def _rate(text: str) -> float:
    value = _seconds(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"a rate is between 0 and 1, got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lemft", description="LEMFT async SDK tools")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="issue cards concurrently against the sandbox")
    demo.add_argument("--cards", type=_positive, default=200, help="cards to issue (200)")
    demo.add_argument("--latency", type=_seconds, default=0.02, help="seconds/request (0.02)")
    demo.add_argument("--amount", type=_decimal, default=Decimal("10.00"), help="per card")
    demo.add_argument("--concurrency", type=_positive, default=8, help="calls queued at once")
    demo.add_argument("--seed", type=int, default=0, help="sandbox RNG seed")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")

    sandbox = commands.add_parser("sandbox", help="the embedded LEMFT sandbox")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = sandbox_commands.add_parser("serve", help="serve the sandbox over HTTP (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (8000; 0 = any free)")
    serve.add_argument("--allow-remote", action="store_true", help="allow a non-loopback host")
    serve.add_argument("--latency", type=_seconds, default=0.0)
    serve.add_argument("--order-delay", type=_seconds, default=0.0)
    serve.add_argument("--time-scale", type=_seconds, default=1.0)
    serve.add_argument("--seed", type=int, default=0)
    for knob in ("error", "drop", "slow", "malformed", "order-fail", "payment-fail"):
        serve.add_argument(f"--{knob}-rate", type=_rate, default=0.0)
    serve.add_argument("--slow-seconds", type=_seconds, default=1.0)
    serve.add_argument("--log-level", default="warning", choices=("error", "warning", "info"))

    wallets = commands.add_parser("wallets", help="wallets (real credentials from env)")
    wallet_commands = wallets.add_subparsers(dest="wallets_command", required=True)
    wallet_list = wallet_commands.add_parser("list", help="list wallets")
    wallet_list.add_argument("--currency")
    wallet_list.add_argument("--page-size", type=_positive, default=50)
    wallet_list.add_argument("--json", action="store_true", help="print JSON")

    orders = commands.add_parser("orders", help="card orders (real credentials from env)")
    order_commands = orders.add_subparsers(dest="orders_command", required=True)
    order_get = order_commands.add_parser("get", help="show one order and its bills")
    order_get.add_argument("order_id")
    order_get.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lemft`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "sandbox":
            return _serve(args)
        if args.command == "wallets":
            return anyio.run(_wallets_list, args)
        return anyio.run(_orders_get, args)
    except KeyboardInterrupt:
        return 130


# -- demo and serve ---------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from .sandbox.demo import render

    if args.json:
        result = anyio.run(_run_demo, args, None)
        print(json.dumps(result.as_dict(), indent=2))
        return 0 if result.ok else 1
    console = Console()
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
    # A low refresh rate: the bar redraws in a thread that competes for the GIL.
    with Progress(*columns, TimeElapsedColumn(), console=console, refresh_per_second=4) as progress:
        task = progress.add_task("issuing cards", total=args.cards)

        def advance(update: Any) -> None:
            progress.update(task, completed=update.done)

        result = anyio.run(_run_demo, args, advance)
    render(result, console)
    console.print("[green]demo ok[/]" if result.ok else "[red]demo FAILED[/]")
    return 0 if result.ok else 1


async def _run_demo(args: argparse.Namespace, on_progress: Any) -> Any:
    from .sandbox.demo import run_demo

    return await run_demo(
        cards=args.cards,
        latency=args.latency,
        amount=args.amount,
        concurrency=args.concurrency,
        seed=args.seed,
        on_progress=on_progress,
    )


def _serve(args: argparse.Namespace) -> int:
    from .sandbox import Sandbox
    from .sandbox.serve import is_loopback, serve

    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"error: refusing to serve on non-loopback host {args.host!r} "
            "(use --allow-remote if you really mean it)",
            file=sys.stderr,
        )
        return 2
    sandbox = Sandbox(
        latency=args.latency,
        seed=args.seed,
        order_delay=args.order_delay,
        time_scale=args.time_scale,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        slow_rate=args.slow_rate,
        slow_seconds=args.slow_seconds,
        malformed_rate=args.malformed_rate,
        order_fail_rate=args.order_fail_rate,
        payment_fail_rate=args.payment_fail_rate,
    )
    serve(sandbox, host=args.host, port=args.port, log_level=args.log_level)
    return 0


# -- read commands ----------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    """Exact text, at least two decimals (``100000`` -> ``100000.00``); never via float."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return str(value.quantize(Decimal("0.01")))
    return str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, enum.IntEnum):
        return f"{int(value)} {value.name.lower()}"
    return str(value)


def _client_from_env() -> Any:
    from . import AsyncLemft

    return AsyncLemft.from_env()


async def _wallets_list(args: argparse.Namespace) -> int:
    from ._errors import LemftError

    try:
        client = _client_from_env()
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        async with client:
            page = await client.wallets.list(currency=args.currency, page_size=args.page_size)
    except LemftError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        data = {
            "total": page.total,
            "page_no": page.page_no,
            "page_size": page.page_size,
            "wallets": [w.model_dump(mode="json") for w in page.items],
        }
        print(json.dumps(data, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"wallets ({page.total} in total)")
    for name in ("wallet_id", "name", "currency", "available", "frozen", "status", "created"):
        table.add_column(name, justify="right" if name in ("available", "frozen") else "left")
    for w in page.items:
        table.add_row(
            str(w.wallet_id),
            w.wallet_name or "",
            w.currency or "",
            _money(w.available_balance),
            _money(w.freeze_balance),
            _text(w.status),
            _text(w.create_at),
        )
    Console().print(table)
    return 0


async def _orders_get(args: argparse.Namespace) -> int:
    from ._errors import LemftError

    try:
        client = _client_from_env()
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        async with client:
            detail = await client.orders.retrieve(args.order_id)
    except (LemftError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(detail.model_dump(mode="json"), indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    order = detail.order_info
    info = Table(title=f"order {order.order_id}", show_header=False)
    info.add_column("field")
    info.add_column("value")
    for name in ("out_order_id", "order_type", "status", "card_type", "bin_id", "card_id"):
        info.add_row(name, _text(getattr(order, name)))
    info.add_row("amount", f"{order.currency} {_money(order.amount)}")
    info.add_row("fee", f"{order.currency} {_money(order.fee)}")
    info.add_row("created", _text(order.create_at))
    info.add_row("completed", _text(order.complete_at))
    bills = Table(title="bills")
    for name in ("bill_type", "in/out", "category", "amount", "time"):
        bills.add_column(name, justify="right" if name == "amount" else "left")
    for bill in detail.order_bill_list:
        for line in bill.bill_list:
            bills.add_row(
                _text(bill.bill_type),
                _text(bill.in_out_type),
                _text(line.bill_category),
                _money(line.amount),
                _text(bill.transaction_time),
            )
    console = Console()
    console.print(info)
    console.print(bills)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
