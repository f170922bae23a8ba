"""The default gate holds across threads: one request per endpoint in flight per process.

Two clients with the same credentials in two threads, each with its own event loop (a
Django worker thread beside a background job), must not put two requests to one URL in
flight at once; the README promises "shared by every client with the same credentials in
the process".
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import AsyncLemft, Gate, NullGate

from ..answers import ORDER_DETAIL
from ..conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY, envelope


class InFlight:
    """A transport shared by several threads that records the peak of requests in flight."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self.now = 0
        self.peak = 0
        self.requests = 0

    def transport(self) -> httpx.MockTransport:
        async def handler(request: httpx.Request) -> httpx.Response:
            with self._guard:
                self.now += 1
                self.requests += 1
                self.peak = max(self.peak, self.now)
            await asyncio.sleep(0.005)
            with self._guard:
                self.now -= 1
            return envelope(ORDER_DETAIL)

        return httpx.MockTransport(handler)


def _worker(tracker: InFlight, calls: int, gate: Gate | None, errors: list[BaseException]) -> None:
    async def main() -> None:
        http = httpx.AsyncClient(transport=tracker.transport())
        options: dict[str, Any] = {} if gate is None else {"gate": gate}
        async with (
            http,
            AsyncLemft(
                customer_id=FAKE_CUSTOMER_ID,
                app_id=FAKE_APP_ID,
                key=FAKE_KEY,
                api_key=FAKE_API_KEY,
                environment="sandbox",
                http_client=http,
                **options,
            ) as client,
            anyio.create_task_group() as tg,
        ):
            for _ in range(calls):
                tg.start_soon(client.orders.retrieve, "ord_1")

    try:
        asyncio.run(main())
    except BaseException as exc:  # reported to the test thread
        errors.append(exc)


def _run_threads(gate: Gate | None, threads: int = 3, calls: int = 15) -> InFlight:
    tracker = InFlight()
    errors: list[BaseException] = []
    workers = [
        threading.Thread(target=_worker, args=(tracker, calls, gate, errors))
        for _ in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert errors == []
    assert tracker.requests == threads * calls
    return tracker


def test_clients_in_several_threads_never_overlap_on_one_endpoint() -> None:
    assert _run_threads(gate=None).peak == 1


def test_without_the_gate_the_same_threads_do_overlap() -> None:
    # The control: the workload above does put requests in flight together.
    assert _run_threads(gate=NullGate()).peak > 1


@pytest.mark.anyio
async def test_a_caller_cancelled_while_another_thread_holds_the_key_leaves_it_free() -> None:
    from lemft_async._gate import GateKey, LocalGate, _thread_lock

    key = GateKey("https://x.test", 1, 2, "/cancel-test")
    gate = LocalGate()
    lock = _thread_lock(key)
    lock.acquire()  # "another thread" holds it
    try:
        with anyio.move_on_after(0.2) as scope:
            async with gate.hold(key):
                raise AssertionError("must not get the key while another thread holds it")
        assert scope.cancelled_caught
    finally:
        lock.release()
    with anyio.fail_after(2):
        async with gate.hold(key):
            pass
    assert not lock.locked()
