"""The embedded sandbox as a uvicorn app factory, plus a stats route for the benchmarks.

    LEMFT_BENCH_LATENCY=0.02 uvicorn _sandbox_app:create_app --factory

Each process serves one fresh ``Sandbox(latency=$LEMFT_BENCH_LATENCY, seed=$LEMFT_BENCH_SEED)``
with the default (fake, public) credentials. ``GET /_bench/stats`` answers what the server
saw (``sandbox.stats``), whether its books balance and how many cards it issued; every
other request goes to the sandbox unchanged, lifespan included (its background loop).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from lemft_async.sandbox import ConservationError, Sandbox

__all__ = ["LATENCY_ENV", "SEED_ENV", "STATS_PATH", "create_app"]

LATENCY_ENV = "LEMFT_BENCH_LATENCY"
SEED_ENV = "LEMFT_BENCH_SEED"
STATS_PATH = "/_bench/stats"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def snapshot(sandbox: Sandbox) -> dict[str, Any]:
    """The stats route's answer (plain JSON types)."""
    try:
        sandbox.state.check_conservation()
        conserved = True
    except ConservationError:
        conserved = False
    return {
        "stats": sandbox.stats.as_dict(),
        "conserved": conserved,
        "cards": len(sandbox.state.cards),
    }


def create_app() -> ASGIApp:
    """A fresh sandbox configured from the environment, wrapped with the stats route."""
    sandbox = Sandbox(
        latency=float(os.environ.get(LATENCY_ENV, "0.02")),
        seed=int(os.environ.get(SEED_ENV, "0")),
    )
    inner = sandbox.app

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == STATS_PATH:
            body = json.dumps(snapshot(sandbox)).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await inner(scope, receive, send)

    return app
