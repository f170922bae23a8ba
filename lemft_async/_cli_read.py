"""The ``lemft`` read commands (``wallets list``, ``orders get``): real credentials from env.

``--json`` prints plain JSON and needs nothing beyond the SDK; the tables need ``rich``
(extra ``cli``). Split out of ``lemft_async.cli`` to keep one idea per module.
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
from decimal import Decimal
from typing import Any

from ._core._extras import require_extra

__all__ = ["orders_get", "wallets_list"]


def _tables() -> None:
    require_extra("the lemft tables", "cli", "rich")


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


def _prepare(args: argparse.Namespace) -> Any:
    """What every read command does first: check the table extra (unless ``--json``) and
    build the client from ``LEMFT_*``; ``None`` (the problem printed) when it cannot."""
    if not args.json:
        _tables()
    try:
        return _client_from_env()
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


async def wallets_list(args: argparse.Namespace) -> int:
    from ._errors import LemftError

    client = _prepare(args)
    if client is None:
        return 2
    listing = client.wallets.list(
        currency=args.currency, page_no=args.page, page_size=args.page_size
    )
    try:
        async with client:
            if args.all:
                # The paginator's own walk (it also stops on a repeated page).
                items = []
                async for page in listing.iter_pages():
                    items.extend(page.items)
            else:
                page = await listing
                items = list(page.items)
    except LemftError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        data = {
            "total": page.total,
            "page_no": None if args.all else page.page_no,
            "page_size": page.page_size,
            "wallets": [w.model_dump(mode="json") for w in items],
        }
        print(json.dumps(data, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    where = "all pages" if args.all else f"page {page.page_no}"
    table = Table(title=f"wallets ({page.total} in total, {where})")
    for name in ("wallet_id", "name", "currency", "available", "frozen", "status", "created"):
        table.add_column(name, justify="right" if name in ("available", "frozen") else "left")
    for w in items:
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


async def orders_get(args: argparse.Namespace) -> int:
    from ._errors import LemftError

    client = _prepare(args)
    if client is None:
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
