"""What a call queued at the gate keeps alive: the method's frame, the attempt loop's one
frame and the gate's; a slotted ``Call`` with nothing made before it is needed; and no
per-call settings, parser or gate key when nothing differs from the last call."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
import respx

from lemft_async import AsyncLemft
from lemft_async._core._call import Call
from lemft_async._core._endpoint import Endpoint
from tests.answers import ORDER_DETAIL
from tests.conftest import BASE_URL, envelope
from tests.unit.conftest import GET_ORDER, make_client, wait_until


@pytest.fixture
def api() -> Iterator[Any]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def _frames(task: asyncio.Task[Any]) -> list[str]:
    """The coroutine chain a task is suspended in, outermost first (anyio's wrapper off)."""
    names: list[str] = []
    coro: Any = task.get_coro()
    while coro is not None and getattr(coro, "cr_frame", None) is not None:
        names.append(coro.cr_code.co_qualname)
        coro = coro.cr_await
    return [n for n in names if not n.startswith("TaskHandle.")]


async def _queued_chain(client: AsyncLemft) -> list[str]:
    """The frames of one ``orders.retrieve`` while it waits behind a held gate."""
    key = client._transport.gate_key(GET_ORDER)
    gate = client.gate
    waiting: Any = gate.waiting  # type: ignore[attr-defined]
    async with anyio.create_task_group() as tg, gate.hold(key):
        tg.start_soon(client.orders.retrieve, "ord_1")
        await wait_until(lambda: waiting(key) == 1)
        chains = [_frames(t) for t in asyncio.all_tasks()]
    (chain,) = [c for c in chains if "AsyncOrders.retrieve" in c]
    return chain


async def test_a_queued_call_keeps_three_frames_of_the_sdk(api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client() as client:
        chain = await _queued_chain(client)
    # Before: ten frames (retrieve, _get, _call, _call_operation, _send, call, _call,
    # _attempts, send, the gate's) waited here.
    assert chain == [
        "AsyncOrders.retrieve",
        "BaseTransport._call",
        "_Hold.__aenter__",
        "Lock.acquire",
    ]


async def test_telemetry_adds_only_its_own_frame_while_queued(api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client(event_hooks={"request": [lambda view: None]}) as client:
        chain = await _queued_chain(client)
    assert chain == [
        "AsyncOrders.retrieve",
        "Telemetry.observe",
        "BaseTransport._call",
        "_Hold.__aenter__",
        "Lock.acquire",
    ]


def test_a_call_is_slotted_and_makes_its_recoveries_set_on_first_use() -> None:
    endpoint = Endpoint("x.y", "/v1/x", "read")
    call: Call[Any] = Call(endpoint, "/v1/x", b"{}", None, 5, None, "t", {})
    assert not hasattr(call, "__dict__")
    with pytest.raises(AttributeError):
        call.extra = 1  # type: ignore[attr-defined]
    assert call._done is None  # nothing allocated while the call waits
    assert call._traceid == "t"
    assert "resynced" not in call.done
    call.done.add("resynced")
    assert call.done == {"resynced"}
    assert call.headers == {}
    assert call.headers is Call(endpoint, "/v1/x", b"", None, 0, None, "u", {}).headers


def test_a_traceid_is_made_on_first_use_and_then_kept() -> None:
    call: Call[Any] = Call(Endpoint("x.y", "/v1/x", "read"), "/v1/x", b"", None, 0, None, None, {})
    assert call._traceid is None
    traceid = call.traceid
    assert uuid.UUID(hex=traceid).version == 4
    assert call.traceid is traceid


async def test_a_queued_call_has_no_traceid_until_it_is_signed(api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    queued: list[Call[Any]] = []
    async with make_client() as client:
        transport = client._transport
        original = transport.hold

        def spy(call: Call[Any]) -> Any:
            queued.append(call)
            assert call._traceid is None  # not made before the gate is passed
            return original(call)

        transport.hold = spy  # type: ignore[method-assign]
        raw = await client.orders.with_raw_response.retrieve("ord_1")
    sent = route.calls.last.request.headers["traceid"]
    assert sent == queued[0].traceid == raw.traceid
    assert uuid.UUID(hex=sent).version == 4


async def test_a_call_without_references_shares_one_read_only_mapping(api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    seen: list[Any] = []
    async with make_client() as client:
        transport = client._transport
        original = transport.send

        async def spy(call: Call[Any]) -> httpx.Response:
            seen.append(call.references)
            return await original(call)

        transport.send = spy  # type: ignore[method-assign]
        await client.orders.retrieve("ord_1")
        await client.orders.retrieve("ord_2")
    assert route.call_count == 2
    assert seen[0] is seen[1]
    with pytest.raises(TypeError):
        seen[0]["out_order_id"] = "x"


async def test_settings_without_options_are_made_once_and_follow_with_options() -> None:
    async with make_client(timeout=12.0) as client:
        first = client._call_settings({})
        assert client._call_settings({}) is first
        assert first.timeout == httpx.Timeout(12.0, connect=10.0)
        assert client._call_settings({"timeout": 3.0}) is not first  # options: fresh
        copy = client.with_options(timeout=5.0, max_retries=1)
        assert copy._call_settings({}).timeout == httpx.Timeout(5.0, connect=5.0)
        assert copy._call_settings({}).max_retries == 1
        assert client._call_settings({}) is first  # the original is untouched
        headers = client.with_options(default_headers={"X-Team": "cards"})
        assert headers._call_settings({}).headers["x-team"] == "cards"
        assert "x-team" not in first.headers


async def test_gate_keys_are_made_once_per_host_and_path() -> None:
    async with make_client() as client:
        transport = client._transport
        key = transport.gate_key(GET_ORDER)
        assert transport.gate_key(GET_ORDER) is key
        other = client.with_options(base_url="http://127.0.0.1:8000", allow_insecure=True)
        # The copy shares the cache but not the host: its key names its own base URL.
        assert other._transport.gate_key(GET_ORDER).base_url == "http://127.0.0.1:8000"
        assert other._transport.gate_key(GET_ORDER) != key
        assert transport.gate_key(GET_ORDER) is key


async def test_reads_share_one_parse_step_and_writes_get_their_own(api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    parses: list[Any] = []
    async with make_client() as client:
        transport = client._transport
        original = transport.call

        def spy(*args: Any, **kwargs: Any) -> Any:
            parses.append(kwargs["parse"])
            return original(*args, **kwargs)

        transport.call = spy  # type: ignore[method-assign]
        first = await client.orders.retrieve("ord_1")
        second = await client.orders.retrieve("ord_2")
    assert parses[0] is parses[1]
    assert first == second  # the same answer, each call its own result
    assert first is not second


async def test_the_flattened_steps_still_refuse_bad_input_before_sending(api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client() as client:
        with pytest.raises(TypeError, match="order_id"):
            await client.orders.retrieve(42.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="unexpected keyword"):
            await client.orders.retrieve("ord_1", nope=1)  # type: ignore[call-arg]
        with pytest.raises(ValueError, match="extra_body repeats"):
            await client.orders.retrieve("ord_1", extra_body={"order_id": "x"})
    assert not route.called
    closed: AsyncLemft = make_client()
    await closed.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await closed.orders.retrieve("ord_1")
    assert not route.called
