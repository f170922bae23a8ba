"""Decoding answers: the SDK's exact path vs plain pydantic, measured side by side.

Three rows, each against its baseline in the same process, interleaved in rounds (each
round times both sides back to back, alternating which goes first, in CPU time); a ratio
is the median of the per-round ratios, which stays stable when other load on the machine
comes and goes.

- ``order``: ``OrderDetail.model_validate`` of the documented getOrder ``data`` (decoded
  by the SDK's decoder) vs the same model with plain ``Decimal``/``int``/``str`` fields
  (target <= 1.3x).
- ``page``: a 1000-card list answer (~355 KiB) from bytes to typed cards: the SDK's path
  (exact decoder, envelope, ``cards.list``'s parse step, ``AsyncPage``) vs
  ``TypeAdapter(<envelope with list[Card]>).validate_json`` with plain ``Decimal`` fields
  (which reads fractions through a float: not exact); time and tracemalloc peak of what
  each keeps and builds (targets <= 1.2x both).
- ``webhook``: ``webhooks.construct_event`` on a signed 1 KiB card notification vs the
  floor ``hmac`` + ``compare_digest`` + ``json.loads`` (target <= 1.5x; ``bench/webhooks.py``).

    .venv/bin/python bench/decode.py [--rounds 15] [--check]

``--check`` exits 1 when a ratio misses its target.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import webhooks as webhook_bench
from _echo_app import BODY as ORDER_BODY
from _timing import interleaved

from lemft_async._core._codec import encode, loads
from lemft_async._core._onepass import try_one_pass
from lemft_async._pagination import AsyncPage
from lemft_async._parse import PageParse
from lemft_async.types import Card, OrderDetail

TARGETS = {"order": 1.3, "page": 1.2, "page memory": 1.2, "webhook": 1.5}


class _Plain(BaseModel):
    model_config = ConfigDict(extra="allow")


class PlainOrder(_Plain):
    order_id: str
    bin_id: str | None = None
    holder_id: str | None = None
    out_order_id: str
    card_type: int | None = None
    order_type: int | None = None
    amount: Decimal | None = None
    fee: Decimal | None = None
    currency: str | None = None
    card_id: str | None = None
    status: int | None = None
    track_code: str | None = None
    track_supplier: str | None = None
    track_at: str | None = None
    complete_at: str | None = None
    create_at: str | None = None


class PlainBill(_Plain):
    bill_category: int | None = None
    amount: Decimal | None = None


class PlainOrderBill(_Plain):
    bill_type: int | None = None
    in_out_type: int | None = None
    transaction_time: str | None = None
    bill_list: list[PlainBill] = Field(default_factory=list)


class PlainOrderDetail(_Plain):
    order_info: PlainOrder
    order_bill_list: list[PlainOrderBill] = Field(default_factory=list)


class PlainCard(_Plain):
    card_id: str
    order_id: str | None = None
    out_order_id: str | None = None
    app_id: int | None = None
    bin_id: str | None = None
    holder_id: str | None = None
    card_no: str | None = None
    balance: Decimal | None = None
    limit: Decimal | None = None
    expiry: str | None = None
    cvv: str | None = None
    pin: str | None = None
    status: int | None = None
    use_at: str | None = None
    close_at: str | None = None
    end_at: str | None = None
    mark: str | None = None
    currency: str | None = None
    card_type: int | None = None


class PlainCardPage(BaseModel):
    total: int | None = None
    page_no: int | None = None
    page_size: int | None = None
    card_list: list[PlainCard] = Field(default_factory=list)


class PlainEnvelope(BaseModel):
    code: int
    message: str | None = None
    data: PlainCardPage


def card(i: int) -> dict[str, Any]:
    """One card as the Card notification documents it, plus the inferred list fields."""
    return {
        "card_id": f"cid_{i:016d}",
        "order_id": f"ord_{i:08d}",
        "out_order_id": f"platform_ord_{i:08d}",
        "app_id": 100005,
        "bin_id": "cpi_6530de6a2f1c7",
        "holder_id": "",
        "card_no": "4000000000000002",
        "balance": Decimal("10.25"),
        "limit": 10,
        "expiry": "03/28",
        "cvv": "000",
        "pin": "",
        "status": 2,
        "use_at": "2025-03-03 02:42:11",
        "close_at": "",
        "end_at": "",
        "mark": "",
        "currency": "USD",
        "card_type": 2,
    }


def page_body(cards: int) -> bytes:
    data = {"total": cards * 5, "page_no": 1, "page_size": cards}
    data["card_list"] = [card(i) for i in range(cards)]  # type: ignore[assignment]
    return encode({"code": 0, "message": "success", "data": data}).encode()


async def _no_fetch(number: int) -> AsyncPage[Card]:
    raise NotImplementedError


def sdk_page(body: bytes) -> AsyncPage[Card]:
    """What ``cards.list`` does with a success answer (``LemftTransport.decode`` and the
    transport's parse step): one pass from the bytes when that is exact for this body,
    else the exact decoder, the envelope ``code``, then the page's parse step."""
    parse = PageParse(Card, "card_list", page_no=1, page_size=1000, fetch=_no_fetch)
    done = try_one_pass(parse, body)
    if done is not None:
        page: AsyncPage[Card] = done.value
        return page
    payload = loads(body)
    if payload["code"] != 0:
        raise RuntimeError("not a success answer")
    return parse(payload["data"])


def peak_bytes(fn: Callable[[], object]) -> int:
    """tracemalloc peak while ``fn`` runs, its result kept until the peak is read."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per row")
    parser.add_argument("--cards", type=int, default=1000, help="cards on the list page")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.cards < 1:
        parser.error("--rounds and --cards must be >= 1")
    ratios: dict[str, float] = {}

    data = loads(ORDER_BODY)["data"]
    assert OrderDetail.model_validate(data).order_info.fee == Decimal("0.4")
    base, ours, ratios["order"], spread = interleaved(
        lambda: OrderDetail.model_validate(data),
        lambda: PlainOrderDetail.model_validate(data),
        2000,
        args.rounds,
    )
    print(
        f"order   OrderDetail.model_validate(dict): SDK {ours * 1e6:6.2f} us, plain-typed "
        f"{base * 1e6:6.2f} us: {ratios['order']:.2f}x (spread {spread:.2f}, target <= 1.3x)"
    )

    body = page_body(args.cards)
    adapter = TypeAdapter(PlainEnvelope)
    page = sdk_page(body)
    assert len(page.items) == args.cards
    assert page.items[0].balance == Decimal("10.25")
    assert len(adapter.validate_json(body).data.card_list) == args.cards
    base, ours, ratios["page"], spread = interleaved(
        lambda: sdk_page(body), lambda: adapter.validate_json(body), 3, args.rounds
    )
    print(
        f"page    {args.cards} cards, {len(body) / 1024:.0f} KiB, bytes -> models: SDK "
        f"{ours * 1e3:6.2f} ms, TypeAdapter.validate_json {base * 1e3:6.2f} ms: "
        f"{ratios['page']:.2f}x (spread {spread:.2f}, target <= 1.2x)"
    )
    base_peak = min(peak_bytes(lambda: adapter.validate_json(body)) for _ in range(3))
    ours_peak = min(peak_bytes(lambda: sdk_page(body)) for _ in range(3))
    ratios["page memory"] = ours_peak / base_peak
    print(
        f"        peak: SDK {ours_peak / 2**20:.2f} MiB, validate_json {base_peak / 2**20:.2f} "
        f"MiB: {ratios['page memory']:.2f}x (target <= 1.2x)"
    )

    floor, ours = webhook_bench.run()  # its own defaults: the row webhooks.py prints
    ratios["webhook"] = ours / floor
    print(
        f"webhook construct_event {ours * 1e6:6.2f} us, hmac + compare_digest + json.loads "
        f"{floor * 1e6:6.2f} us: {ratios['webhook']:.2f}x (target <= 1.5x)"
    )

    missed = [name for name, ratio in ratios.items() if ratio > TARGETS[name]]
    if args.check and missed:
        print(f"FAIL: above target: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
