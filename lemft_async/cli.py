"""The ``lemft`` command (extra ``cli``): the demo, the sandbox server, and read commands.

    lemft --version
    lemft demo [--cards 200 --latency 0.02] [--json]
    lemft sandbox serve [--host 127.0.0.1 --port 8000 --latency 0.02 --webhook URL ...]
    lemft wallets list [--currency USD] [--page N | --all] [--json]
    lemft orders get ORDER_ID [--json]
    lemft cards issue --from cards.csv --journal job.db [--resume] [--out results.json] ...

The read commands use ``AsyncLemft.from_env()`` (``LEMFT_CUSTOMER_ID``, ``LEMFT_APP_ID``,
``LEMFT_KEY``, ``LEMFT_API_KEY`` and ``LEMFT_ENVIRONMENT`` or ``LEMFT_BASE_URL``).
rich, starlette and uvicorn are imported only by the commands that need them; without
them a command says which extra to install (``--json`` output needs none of them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import anyio

from . import _cli_cards, _cli_read
from ._cli_args import decimal_amount, positive, rate, seconds
from ._core._extras import MissingExtraError, require_extra
from ._version import __version__

__all__ = ["main"]


_FAULT_HELP = {
    "error": "probability of a 10005 system error per request",
    "drop": "probability of dropping the connection after the handler ran",
    "slow": "probability of answering after --slow-seconds",
    "malformed": "probability of an undecodable answer",
    "order-fail": "probability that a card order ends failed",
    "payment-fail": "probability that a payment ends failed",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lemft", description="LEMFT async SDK tools")
    parser.add_argument(
        "--version", action="version", version=f"lemft {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="issue cards concurrently against the sandbox")
    demo.add_argument("--cards", type=positive, default=200, help="cards to issue (200)")
    demo.add_argument("--latency", type=seconds, default=0.02, help="seconds/request (0.02)")
    demo.add_argument(
        "--amount", type=decimal_amount, default=Decimal("10.00"), help="amount per card (10.00)"
    )
    demo.add_argument("--concurrency", type=positive, default=8, help="calls queued at once (8)")
    demo.add_argument("--seed", type=int, default=0, help="sandbox RNG seed (0)")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")

    sandbox = commands.add_parser("sandbox", help="the embedded LEMFT sandbox")
    sandbox_commands = sandbox.add_subparsers(
        dest="sandbox_command", required=True, metavar="COMMAND"
    )
    serve = sandbox_commands.add_parser("serve", help="serve the sandbox over HTTP (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (8000; 0 = any free)")
    serve.add_argument("--allow-remote", action="store_true", help="allow a non-loopback host")
    serve.add_argument(
        "--latency", type=seconds, default=0.0, help="seconds added to every request (0)"
    )
    serve.add_argument(
        "--order-delay", type=seconds, default=0.0, help="seconds until an order completes (0)"
    )
    serve.add_argument(
        "--time-scale",
        type=seconds,
        default=1.0,
        help="multiplier for notification redelivery delays (1.0)",
    )
    serve.add_argument("--seed", type=int, default=0, help="RNG seed for faults and ids (0)")
    for knob, text in _FAULT_HELP.items():
        serve.add_argument(f"--{knob}-rate", type=rate, default=0.0, help=f"{text} (0..1, 0)")
    serve.add_argument(
        "--slow-seconds", type=seconds, default=1.0, help="delay of a slow answer (1.0)"
    )
    serve.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="URL",
        help="deliver signed notifications to this http(s) URL (repeatable)",
    )
    serve.add_argument(
        "--log-level",
        default="warning",
        choices=("error", "warning", "info"),
        help="uvicorn log level (warning)",
    )

    wallets = commands.add_parser("wallets", help="wallets (real credentials from env)")
    wallet_commands = wallets.add_subparsers(
        dest="wallets_command", required=True, metavar="COMMAND"
    )
    wallet_list = wallet_commands.add_parser("list", help="list wallets")
    wallet_list.add_argument("--currency", help="only wallets in this currency (e.g. USD)")
    which = wallet_list.add_mutually_exclusive_group()
    which.add_argument("--page", type=positive, default=1, help="page number to show (1)")
    which.add_argument("--all", action="store_true", help="fetch and show every page")
    wallet_list.add_argument("--page-size", type=positive, default=50, help="wallets per page (50)")
    wallet_list.add_argument("--json", action="store_true", help="print JSON")

    orders = commands.add_parser("orders", help="card orders (real credentials from env)")
    order_commands = orders.add_subparsers(dest="orders_command", required=True, metavar="COMMAND")
    order_get = order_commands.add_parser("get", help="show one order and its bills")
    order_get.add_argument("order_id", help="the order's order_id")
    order_get.add_argument("--json", action="store_true", help="print JSON")
    _cli_cards.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lemft`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except MissingExtraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`lemft ... | head`): no traceback; silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports it


def _run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        return _demo(args)
    if args.command == "sandbox":
        return _serve(args)
    if args.command == "wallets":
        return anyio.run(_cli_read.wallets_list, args)
    if args.command == "cards":
        return _cli_cards.main(args, sandbox=_sandbox_client)
    return anyio.run(_cli_read.orders_get, args)


# -- demo and serve ---------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    if args.json:
        result = anyio.run(_run_demo, args, None)
        print(json.dumps(result.as_dict(), indent=2))
        return 0 if result.ok else 1
    require_extra("lemft demo (without --json)", "cli", "rich")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from .sandbox.demo import render

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


def _sandbox_client() -> Any:
    """A client of a fresh embedded sandbox (``lemft cards issue --sandbox``)."""
    from .sandbox import Sandbox

    return Sandbox().client()


def _serve(args: argparse.Namespace) -> int:
    require_extra("lemft sandbox serve", "sandbox", "starlette", "uvicorn")
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
    for url in args.webhook:
        try:
            sandbox.add_webhook(url)
        except ValueError as exc:
            print(f"error: --webhook: {exc}", file=sys.stderr)
            return 2
    serve(sandbox, host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
