"""The latency hold: one request per path at a time means N requests take >= N x latency.

A request that arrived while another held the path must, once admitted, still be held its
full latency — otherwise a flood of retrying clients would finish faster than the rule allows.
"""

from __future__ import annotations

import itertools
from typing import Any

import anyio
import httpx
import pytest

import lemft_async.sandbox._app as sandbox_app
from lemft_async.sandbox import Sandbox
from tests.sandbox.conftest import WALLET_LIST, RawCaller

LATENCY = 0.01


def slow_body(app: Any) -> Any:
    """ASGI wrapper: the body arrives a little after the request starts, as over a socket
    under load, so a request can arrive while another holds the path and be admitted later."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        async def late_receive() -> Any:
            await anyio.sleep(LATENCY / 2)
            return await receive()

        await app(scope, late_receive, send)

    return wrapped


async def test_each_admitted_request_is_held_a_full_latency_after_the_previous(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests = 6
    deadlines: list[float] = []
    hold = sandbox_app._hold_until

    async def recording_hold(deadline: float) -> None:
        deadlines.append(deadline)
        await hold(deadline)

    monkeypatch.setattr(sandbox_app, "_hold_until", recording_hold)
    async with Sandbox(latency=LATENCY) as sandbox:
        caller = RawCaller(sandbox)
        caller.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=slow_body(sandbox.app)),
            base_url="http://sandbox.test",
        )
        async with caller.http:
            done = 0

            async def flood() -> None:
                # A naive client: no gate, re-send at once on 10004 until admitted.
                nonlocal done
                while True:
                    answer = await caller.call(WALLET_LIST, {"page_no": 1, "page_size": 10})
                    if answer["code"] == 0:
                        done += 1
                        return
                    assert answer["code"] == 10004
                    await anyio.sleep(0.001)

            async with anyio.create_task_group() as tg:
                for _ in range(requests):
                    tg.start_soon(flood)
        assert sandbox.stats.rejections[WALLET_LIST] > 0  # they really collided

    assert done == requests
    assert len(deadlines) == requests
    gaps = [b - a for a, b in itertools.pairwise(deadlines)]
    # Each hold starts no earlier than the previous release, itself after the previous deadline.
    assert all(gap >= LATENCY - 1e-9 for gap in gaps), gaps
