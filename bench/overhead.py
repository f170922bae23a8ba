"""SDK per-call overhead vs hand-written clients on the same server, and lithic beside it.

One minimal uvicorn server (a child process, loopback, ``_overhead_app.py``) answers the
documented getOrder response to every POST and a Lithic card to ``GET /v1/cards/{token}``.
Each contender is compared with the floor written by hand for the same call, over the same
HTTP stack:

- ``sdk``: ``client.orders.retrieve(...)`` (gate, traceid, retry bookkeeping, a typed
  model) vs the least a correct caller does: compact JSON, HMAC-SHA256 header, POST,
  ``json.loads`` with Decimal, check ``code``. Target <= 1.05 (``--check``).
- ``sdk/aiohttp``: the same two, both over ``DefaultAioHttpClient``.
- ``lithic``: ``AsyncLithic.cards.retrieve(token)`` (the peer, pointed at the same server)
  vs a hand-written GET with its ``Authorization`` header and ``json.loads``; and
  ``lithic/aiohttp``, both over ``lithic.DefaultAioHttpClient``. Printed, no target.

Rounds are interleaved: in each round every row runs its contender and its floor back to
back (which goes first alternating, the rows' order rotated); each row is the median of
the per-round ratios with the lowest and highest round in brackets, for the
wall time per call (what a caller waits; the check) and for this process's CPU per call
(the client's own cost: the server's time is not in it, so it is the larger ratio).

    python bench/overhead.py [--calls 300] [--rounds 15] [--check [--target 1.05]]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from decimal import Decimal
from pathlib import Path

import httpx
import lithic

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _async_timing import Ratio, Samples, interleave_pairs, ratio
from _overhead_app import CARD_TOKEN
from _servers import uvicorn_server

from lemft_async import AsyncLemft, DefaultAioHttpClient

CUSTOMER_ID, APP_ID, KEY, API_KEY = 10001004, 100006, "bench-key", "bench-api-key-not-secret"
LITHIC_KEY = "bench-lithic-key-not-secret"
PATH = "/v1/openApi/card/order/getOrder"
TARGET = 1.05

Runner = Callable[[int], Awaitable[object]]


def hand_written(http: httpx.AsyncClient, base_url: str) -> Runner:
    """The LEMFT floor: sign, POST, decode with Decimal, check the code."""
    url, secret = base_url + PATH, API_KEY.encode()

    async def run(calls: int) -> None:
        for _ in range(calls):
            body = json.dumps(
                {"customer_id": CUSTOMER_ID, "app_id": APP_ID, "key": KEY, "order_id": "ord_x"},
                separators=(",", ":"),
            ).encode()
            ts = str(int(time.time()))
            sig = hmac.new(secret, body + ts.encode(), hashlib.sha256).hexdigest()
            r = await http.post(
                url,
                content=body,
                headers={"Content-Type": "application/json", "timestamp": ts, "signature": sig},
            )
            payload = json.loads(r.content, parse_float=Decimal)
            if payload["code"] != 0:
                raise RuntimeError("hand-written call failed")

    return run


def sdk(client: AsyncLemft) -> Runner:
    async def run(calls: int) -> None:
        for _ in range(calls):
            detail = await client.orders.retrieve("ord_x")
            if detail.order_info.fee != Decimal("0.4"):
                raise RuntimeError("sdk call decoded the wrong value")

    return run


def lithic_floor(http: httpx.AsyncClient, base_url: str) -> Runner:
    """Lithic's floor: the GET with its auth header, ``json.loads``, check the token."""
    url = f"{base_url}/v1/cards/{CARD_TOKEN}"
    headers = {"Authorization": LITHIC_KEY, "Accept": "application/json"}

    async def run(calls: int) -> None:
        for _ in range(calls):
            r = await http.get(url, headers=headers)
            if r.status_code != 200 or json.loads(r.content)["token"] != CARD_TOKEN:
                raise RuntimeError("hand-written lithic call failed")

    return run


def lithic_sdk(client: lithic.AsyncLithic) -> Runner:
    async def run(calls: int) -> None:
        for _ in range(calls):
            card = await client.cards.retrieve(CARD_TOKEN)
            if card.last_four != "4242":
                raise RuntimeError("lithic decoded the wrong value")

    return run


@asynccontextmanager
async def contenders(base_url: str) -> AsyncIterator[dict[str, tuple[Runner, Runner]]]:
    """Every row's (contender, floor), pools open (each its own: nothing shared)."""
    async with AsyncExitStack() as stack:
        enter = stack.enter_async_context

        def lemft(http: httpx.AsyncClient | None) -> AsyncLemft:
            return AsyncLemft(
                customer_id=CUSTOMER_ID,
                app_id=APP_ID,
                key=KEY,
                api_key=API_KEY,
                base_url=base_url,
                http_client=http,
            )

        def peer(http: httpx.AsyncClient | None) -> lithic.AsyncLithic:
            if http is None:
                return lithic.AsyncLithic(api_key=LITHIC_KEY, base_url=base_url)
            return lithic.AsyncLithic(api_key=LITHIC_KEY, base_url=base_url, http_client=http)

        yield {
            "sdk": (
                sdk(await enter(lemft(None))),
                hand_written(await enter(httpx.AsyncClient()), base_url),
            ),
            "sdk/aiohttp": (
                sdk(await enter(lemft(await enter(DefaultAioHttpClient())))),
                hand_written(await enter(DefaultAioHttpClient()), base_url),
            ),
            "lithic": (
                lithic_sdk(await enter(peer(None))),
                lithic_floor(await enter(httpx.AsyncClient()), base_url),
            ),
            "lithic/aiohttp": (
                lithic_sdk(await enter(peer(lithic.DefaultAioHttpClient()))),
                lithic_floor(await enter(lithic.DefaultAioHttpClient()), base_url),
            ),
        }


ROWS = (
    # (row, pair, target)
    ("sdk / hand-written httpx + hmac", "sdk", TARGET),
    ("sdk / hand-written, both over aiohttp", "sdk/aiohttp", None),
    ("lithic / hand-written httpx GET", "lithic", None),
    ("lithic / hand-written, both over aiohttp", "lithic/aiohttp", None),
)


async def measure(base_url: str, calls: int, rounds: int) -> dict[str, tuple[Samples, Samples]]:
    async with contenders(base_url) as pairs:
        for pair in pairs.values():
            for run in pair:
                await run(50)  # warm every pool and cache
        return await interleave_pairs(pairs, calls, rounds)


def report(
    samples: dict[str, tuple[Samples, Samples]], calls: int, rounds: int
) -> dict[str, Ratio]:
    print(
        f"Per-call overhead vs the hand-written floor (same loopback server; {calls} calls x "
        f"{rounds} interleaved rounds; median ratio [lowest-highest round])"
    )
    print(f"{'row':<42}{'wall us':>16}  {'wall ratio':<22}{'cpu us':>16}  {'cpu ratio':<22}target")
    walls: dict[str, Ratio] = {}
    for row, name, target in ROWS:
        ours, floor = samples[name]
        wall = ratio(ours.wall, floor.wall)
        cpu = ratio(ours.cpu, floor.cpu)
        walls[name] = wall
        goal = "" if target is None else f"<= {target:.2f} (wall)"
        print(f"{row:<42}{_pair(wall)}  {wall.text():<22}{_pair(cpu)}  {cpu.text():<22}{goal}")
    print("(us: the floor's median vs ours, per call)")
    return walls


def _pair(r: Ratio) -> str:
    return f"{r.base * 1e6:>7.0f} vs {r.ours * 1e6:>5.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the sdk wall ratio exceeds --target"
    )
    parser.add_argument("--target", type=float, default=TARGET, help="for --check")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1:
        parser.error("--calls and --rounds must be >= 1")
    with uvicorn_server("_overhead_app:app") as base_url:
        samples = asyncio.run(measure(base_url, args.calls, args.rounds))
    walls = report(samples, args.calls, args.rounds)
    if args.check and walls["sdk"].median > args.target:
        print(f"CHECK FAILED: sdk / hand-written httpx = {walls['sdk'].median:.3f} > {args.target}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
