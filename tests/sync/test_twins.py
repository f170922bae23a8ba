"""The sync twins work as their async clients do: same results, errors, rules; shared by
threads; closed cleanly (or by the garbage collector); refused where they would deadlock."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable
from decimal import Decimal

import anyio
import httpx
import pytest
import respx
from typing_extensions import assert_type

from lemft_async import (
    AsyncLemft,
    Lemft,
    OutcomeUnknownError,
    ParamError,
    RawResponse,
    SyncPage,
    SyncPaginator,
)
from lemft_async.keysecure import KeySecure
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import Payin, PayinCreated
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox
from lemft_async.types.orders import Order, OrderDetail
from lemft_async.types.wallets import Wallet

USD_VIRTUAL = "cpi_6530de6a2f1c7"


def _loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith("-loop") and t.is_alive()]


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


def test_calls_models_pages_and_raw_responses(sandbox: Sandbox) -> None:
    with Lemft.from_async(sandbox.client) as client:
        order = client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10.00"))
        assert_type(order, Order)
        assert order.amount == Decimal("10.00")
        assert order.out_order_id

        pages = client.wallets.list(page_size=1)
        assert_type(pages, SyncPaginator[Wallet])
        first = pages.page()
        assert_type(first, SyncPage[Wallet])
        assert (first.page_no, first.total, len(first)) == (1, 2, 1)
        assert first.has_next_page()
        second = first.next_page()
        assert not second.has_next_page()
        with pytest.raises(RuntimeError, match="no next page"):
            second.next_page()
        assert [w.currency for w in pages] == ["USD", "HKD"]  # every item of every page
        assert [p.page_no for p in pages.iter_pages()] == [1, 2]

        raw = client.orders.with_raw_response.retrieve(order.order_id or "")
        assert_type(raw, RawResponse[OrderDetail])
        assert raw.status_code == 200
        assert raw.traceid
        assert raw.retries_taken == 0
        assert raw.parse().order_info.out_order_id == order.out_order_id

        raw_page = client.cards.with_raw_response.list(page_size=5)
        assert isinstance(raw_page.parse(), SyncPage)
        assert len(raw_page.parse()) == 1

        data = client.request(
            "/v1/openApi/card/bin/binList", {"page_no": 1, "page_size": 10}, kind="read"
        )
        assert len(data["bin_list"]) == 3


def test_errors_are_the_async_clients_own(sandbox: Sandbox) -> None:
    with Lemft.from_async(sandbox.client) as client:
        with pytest.raises(ValueError, match="order_id"):
            client.orders.retrieve("")  # checked before any request
        with pytest.raises(TypeError):
            client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"), timeoutt=1)  # type: ignore[call-arg]
        with pytest.raises(ParamError) as bad:
            client.orders.retrieve("ord_does_not_exist")
        assert bad.value.traceid
        before = sum(sandbox.stats.requests.values())
        with pytest.raises(ValueError, match="page_size"):
            client.wallets.list(page_size=0)  # a list's arguments are checked at once
        assert sum(sandbox.stats.requests.values()) == before


def test_an_unknown_outcome_is_not_resent(sandbox: Sandbox) -> None:
    sandbox.inject("error", operation="orders.open_card", applied=True)
    with Lemft.from_async(sandbox.client) as client:
        with pytest.raises(OutcomeUnknownError) as unknown:
            client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("5"), out_order_id="sync-1")
        assert unknown.value.references == {"out_order_id": "sync-1"}
        assert sandbox.stats.requests["/v1/openApi/card/order/openCard"] == 1
        (found,) = client.orders.list(out_order_id="sync-1")
        assert found.out_order_id == "sync-1"


def test_threads_share_one_client_and_its_gate(sandbox: Sandbox) -> None:
    sandbox.faults.config.latency = 0.002
    errors: list[BaseException] = []
    with Lemft.from_async(sandbox.client) as client:

        def work() -> None:
            try:
                for _ in range(3):
                    client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"))
                    client.wallets.list(page_size=10).page()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    open_card = "/v1/openApi/card/order/openCard"
    assert sandbox.stats.requests[open_card] == 24
    assert sum(sandbox.stats.rejections.values()) == 0  # the gate queued them: no 10004
    assert sandbox.stats.max_in_flight[open_card] == 1
    sandbox.state.check_conservation()


def test_with_options_shares_the_loop_and_pool(sandbox: Sandbox) -> None:
    client = Lemft.from_async(sandbox.client)
    copy = client.with_options(max_retries=1, timeout=3.0)
    assert_type(copy, Lemft)
    assert (copy.max_retries, client.max_retries) == (1, 5)
    assert copy.timeout.read == 3.0
    assert copy._loop is client._loop
    assert copy.async_client._http is client.async_client._http
    copy.close()  # a copy leaves the pool and the loop to the original
    assert client.wallets.list().page().items
    with pytest.raises(RuntimeError, match="closed"):
        copy.wallets.list().page()
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.wallets.list().page()
    client.close()  # idempotent


def test_close_ends_the_loop_thread_and_the_collector_does_too(sandbox: Sandbox) -> None:
    before = len(_loop_threads())
    with Lemft.from_async(sandbox.client) as client:
        assert len(_loop_threads()) == before + 1
        thread = client._loop._thread
    assert not thread.is_alive()

    forgotten = Lemft.from_async(sandbox.client)
    thread = forgotten._loop._thread
    assert thread.is_alive()
    del forgotten
    gc.collect()
    thread.join(5)
    assert not thread.is_alive()


def test_a_failed_construction_leaves_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    before = len(_loop_threads())
    with pytest.raises(ValueError, match="LEMFT_CUSTOMER_ID"):
        Lemft()
    with pytest.raises(TypeError, match="AsyncLemft"):
        Lemft.from_async(lambda: object())  # type: ignore[arg-type, return-value]
    assert len(_loop_threads()) == before


def test_the_environment_configures_it_as_the_async_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEMFT_CUSTOMER_ID", "10001004")
    monkeypatch.setenv("LEMFT_APP_ID", "100006")
    monkeypatch.setenv("LEMFT_KEY", "fake-key-not-secret")
    monkeypatch.setenv("LEMFT_API_KEY", "fake-api-key-not-secret")
    monkeypatch.setenv("LEMFT_BASE_URL", "http://127.0.0.1:9")
    with Lemft.from_env(max_retries=2) as client:
        assert (client.customer_id, client.app_id, client.max_retries) == (10001004, 100006, 2)
        assert client.base_url == "http://127.0.0.1:9"
        assert "fake-key" not in repr(client)


def test_a_blocking_call_from_its_own_loop_is_refused(sandbox: Sandbox) -> None:
    with Lemft.from_async(sandbox.client) as client:
        seen: list[BaseException] = []

        def on_progress(progress: object) -> None:
            try:
                client.wallets.list().page()
            except RuntimeError as exc:
                seen.append(exc)

        client.orders.open_cards([{"bin_id": USD_VIRTUAL, "amount": 1}], on_progress=on_progress)
        assert seen
        assert "own event loop" in str(seen[0])


def test_it_works_from_a_thread_running_another_event_loop(sandbox: Sandbox) -> None:
    # A notebook's cell runs inside an event loop; the sync client has its own.
    with Lemft.from_async(sandbox.client) as client:

        async def cell() -> str | None:
            return client.wallets.list().page().items[0].currency

        assert anyio.run(cell) == "USD"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_is_told_to_make_its_own_client(sandbox: Sandbox) -> None:
    with Lemft.from_async(sandbox.client) as client:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: no loop thread came along
            try:
                client.wallets.list().page()
                message = b"no error"
            except RuntimeError as exc:
                message = str(exc).encode()
            os.write(write, message)
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        with os.fdopen(read, "rb") as pipe:
            assert b"another process" in pipe.read()
        assert client.wallets.list().page().items  # the parent is unaffected


def test_payin_twin_against_its_sandbox() -> None:
    sandbox = PayinSandbox()
    with Payin.from_async(sandbox.client) as payin, payin.on_loop(sandbox):
        # The gateway's timers run while it is entered, on the loop the client runs on.
        created = payin.create_order(amount=10000, notify_url="https://you.example/notify")
        assert_type(created, PayinCreated)
        order = payin.query_order(mch_order_no=created.mch_order_no)
        assert order.mch_order_no == created.mch_order_no
        raw = payin.with_raw_response.query_order(mch_order_no=created.mch_order_no)
        assert raw.status_code == 200
        assert raw.parse().mch_order_no == created.mch_order_no
        with pytest.raises(ValueError, match="amount"):
            payin.create_order(amount=10050, notify_url="https://you.example/notify")
        assert payin.mch_id == sandbox.mch_id
    assert sandbox.payins  # the order reached the gateway
    with pytest.raises(RuntimeError, match="closed"):
        payin.on_loop(sandbox)


def test_keysecure_twin_against_its_sandbox() -> None:
    sandbox = KeySecureSandbox()
    with KeySecure.from_async(sandbox.client) as keysecure:
        card = keysecure.cards.retrieve("C0001")
        assert card.card_no == "C0001"
        raw = keysecure.cards.with_raw_response.retrieve("C0001")
        assert raw.status_code == 200
        assert raw.parse().card_no == "C0001"
        token = keysecure.get_token()
        assert token.access_token
        assert keysecure.token_fetch_count == 1
        with pytest.raises(ValueError, match="card"):
            keysecure.cards.retrieve("")


def test_async_client_is_the_twin() -> None:
    sandbox = Sandbox()
    with Lemft.from_async(sandbox.client) as client:
        assert isinstance(client.async_client, AsyncLemft)


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs SIGINT")
def test_an_interrupted_wait_cancels_the_call(sandbox: Sandbox) -> None:
    sandbox.faults.config.latency = 5.0  # the call would take 5 s
    with Lemft.from_async(sandbox.client) as client:
        timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))  # Ctrl-C
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.wallets.list().page()
        sandbox.faults.config.latency = 0.0
        assert client.wallets.list().page().items  # the client still works
    assert time.monotonic() - started < 4.0  # the slow call was cancelled, not awaited


def test_close_waits_for_calls_in_flight_before_closing_the_pool() -> None:
    answered = threading.Event()

    async def slow_answer(request: httpx.Request) -> httpx.Response:
        answered.set()
        await anyio.sleep(0.3)
        return httpx.Response(200, json=_open_card_answer())

    results: list[object] = []
    with respx.mock(assert_all_called=False) as router:
        router.post(url__regex=r".*/openCard$").mock(side_effect=slow_answer)
        client = Lemft(  # owns its pool
            customer_id=10001004,
            app_id=100006,
            key="fake-key-not-secret",
            api_key="fake-api-key-not-secret",
            base_url="https://api.example.test",
        )
        writer = threading.Thread(
            target=lambda: results.append(
                _outcome(
                    lambda: client.orders.open_card(bin_id=USD_VIRTUAL, amount=1, out_order_id="x")
                )
            )
        )
        writer.start()
        assert answered.wait(5)
        client.close()  # while the write is in flight in the other thread
        writer.join(5)
    assert len(results) == 1
    assert isinstance(results[0], Order), results[0]  # answered, not cut off by the close
    assert client.async_client._http.is_closed
    assert not client._loop._thread.is_alive()


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as exc:  # the test reports what came back
        return exc


def _open_card_answer() -> dict[str, object]:
    return {
        "code": 0,
        "message": "success",
        "data": {"order_info": {"order_id": "ord_1", "out_order_id": "x", "status": 1}},
    }


def test_a_namespace_or_list_kept_alone_keeps_its_client(sandbox: Sandbox) -> None:
    orders = Lemft.from_async(sandbox.client).orders  # the client itself is not kept
    gc.collect()
    assert orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1")).order_id
    wallets = Lemft.from_async(sandbox.client).wallets.list(page_size=1)
    gc.collect()
    assert [w.currency for w in wallets] == ["USD", "HKD"]
    open_card = Lemft.from_async(sandbox.client).orders.open_card
    gc.collect()
    assert open_card(bin_id=USD_VIRTUAL, amount=Decimal("1")).order_id


def test_a_client_stopped_from_its_own_loop_still_ends_its_thread(sandbox: Sandbox) -> None:
    client = Lemft.from_async(sandbox.client)
    loop = client._loop
    loop._portal.call(loop.stop)  # as a collection running on the loop thread would
    loop._thread.join(5)
    assert not loop._thread.is_alive()
    with pytest.raises(RuntimeError, match="closed"):
        client.wallets.list().page()


def test_from_async_wants_a_factory_of_its_own_client(sandbox: Sandbox) -> None:
    built: list[AsyncLemft] = []

    def wrong_kind() -> AsyncLemft:
        built.append(sandbox.client())
        return built[-1]

    before = len(_loop_threads())
    with pytest.raises(TypeError, match="function that builds"):
        Lemft.from_async(sandbox.client())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not AsyncPayin"):
        Payin.from_async(wrong_kind)  # type: ignore[arg-type]
    assert built[0]._closed  # the factory's client is closed, not leaked
    assert len(_loop_threads()) == before
