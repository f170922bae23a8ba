"""Per-call options (``timeout``, ``max_retries``, ``extra_headers``) and ``with_options``,
run through all three clients (LEMFT, Payin, KeySecure).

The options are read in one place per client and checked before any request, with the
constructor's errors; the headers that sign or authenticate a request cannot be set.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import time
from typing import Any

import anyio
import httpx
import pytest
import respx

from lemft_async import APIConnectionError, APIError, AsyncLemft, LocalGate, RetryPolicy
from lemft_async._core._client import BaseClient, CopyOptions
from lemft_async._resource import AsyncAPIResource
from lemft_async.keysecure._resource import KeySecureResource
from lemft_async.payin import AsyncPayin

from ..keysecure.conftest import TOKEN_PATH, token_response
from ._calls import PROTECTED, READ, WRITE, write_ok
from ._peers import IDS, PEERS, Peer


def _router(peer: Peer) -> respx.MockRouter:
    return respx.mock(base_url=peer.base, assert_all_called=False)


def _read_route(router: respx.MockRouter, peer: Peer) -> respx.Route:
    peer.setup(router)
    return router.route(path=peer.read_path)


# -- timeout ------------------------------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_per_call_timeout_shorter_than_the_clients_bounds_the_call(peer: Peer) -> None:
    sent: list[httpx.Request] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        await anyio.sleep(5)
        return peer.read_ok()

    with _router(peer) as router:
        _read_route(router, peer).mock(side_effect=slow)
        async with peer.make(timeout=30.0) as client:
            started = time.monotonic()
            with pytest.raises(APIConnectionError):
                await READ[peer.name](client, timeout=0.2, max_retries=0)
            assert time.monotonic() - started < 2.0
    assert len(sent) == 1


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_per_call_timeout_applies_to_that_call_only(peer: Peer) -> None:
    with _router(peer) as router:
        route = _read_route(router, peer).mock(side_effect=lambda r: peer.read_ok())
        async with peer.make(timeout=30.0) as client:
            await READ[peer.name](client, timeout=httpx.Timeout(7.0))
            await READ[peer.name](client)
    first, second = (c.request.extensions["timeout"] for c in route.calls)
    assert first["read"] == 7.0
    assert second["read"] == 30.0


# -- max_retries --------------------------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_max_retries_zero_per_call_stops_retries(peer: Peer, no_sleep: list[float]) -> None:
    with _router(peer) as router:
        route = _read_route(router, peer).mock(return_value=httpx.Response(503, text="down"))
        async with peer.make(max_retries=5) as client:
            with pytest.raises(APIError) as info:
                await READ[peer.name](client, max_retries=0)
            assert route.call_count == 1
            assert no_sleep == []
            assert info.value.status_code == 503

            with pytest.raises(APIError):
                await READ[peer.name](client, max_retries=2)
            assert route.call_count == 1 + 3


# -- extra_headers / default_headers ------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_extra_headers_are_sent_after_default_headers(peer: Peer) -> None:
    with _router(peer) as router:
        route = _read_route(router, peer).mock(side_effect=lambda r: peer.read_ok())
        async with peer.make(default_headers={"X-Tenant": "a", "X-Team": "cards"}) as client:
            await READ[peer.name](client, extra_headers={"x-tenant": "b", "X-Call": "1"})
            await READ[peer.name](client)
    first, second = (c.request.headers for c in route.calls)
    assert first.get_list("x-tenant") == ["b"]
    assert (first["x-team"], first["x-call"]) == ("cards", "1")
    assert second["x-tenant"] == "a"
    assert "x-call" not in second


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_signing_header_in_extra_headers_is_refused_before_sending(peer: Peer) -> None:
    with _router(peer) as router:
        route = router.route()
        async with peer.make() as client:
            for name in PROTECTED[peer.name]:
                with pytest.raises(ValueError, match="cannot set"):
                    await READ[peer.name](client, extra_headers={name: "forged"})
                with pytest.raises(ValueError, match="cannot set"):
                    await WRITE[peer.name](client, extra_headers={name: "forged"})
                with pytest.raises(ValueError, match="cannot set"):
                    client.with_options(default_headers={name: "forged"})
                with pytest.raises(ValueError, match="cannot set"):
                    peer.make(default_headers={name: "forged"})
    assert route.call_count == 0


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"X-A": "line\r\nbreak"}, ValueError),
        ({"bad name": "v"}, ValueError),
        ({"X-A": 1}, TypeError),
        (["X-A"], TypeError),
    ],
)
async def test_malformed_extra_headers_are_refused(
    peer: Peer, headers: Any, error: type[Exception]
) -> None:
    with _router(peer) as router:
        route = router.route()
        async with peer.make() as client:
            with pytest.raises(error):
                await READ[peer.name](client, extra_headers=headers)
    assert route.call_count == 0


# -- checks before any request ------------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeout": None}, TypeError),
        ({"timeout": 0}, ValueError),
        ({"timeout": True}, ValueError),
        ({"max_retries": -1}, ValueError),
        ({"max_retries": True}, ValueError),
        ({"max_retrys": 1}, TypeError),
    ],
)
async def test_bad_per_call_options_raise_the_constructors_errors_before_sending(
    peer: Peer, options: dict[str, Any], error: type[Exception]
) -> None:
    if "max_retrys" not in options:
        with pytest.raises(error):
            peer.make(**options)
    with _router(peer) as router:
        route = router.route()
        async with peer.make() as client:
            with pytest.raises(error):
                await READ[peer.name](client, **options)
            with pytest.raises(error):
                await WRITE[peer.name](client, **options)
    assert route.call_count == 0


async def test_a_lemft_list_checks_its_options_when_called() -> None:
    peer = PEERS[0]
    async with peer.make() as client:
        with pytest.raises(ValueError, match="max_retries"):
            client.orders.list(max_retries=-1)  # before awaiting: nothing sent
        with pytest.raises(ValueError, match="cannot set"):
            await client.orders.open_cards([], extra_headers={"signature": "x"})


# -- with_options ---------------------------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_with_options_default_headers_shares_the_pool(peer: Peer) -> None:
    with _router(peer) as router:
        route = _read_route(router, peer).mock(side_effect=lambda r: peer.read_ok())
        async with peer.make(default_headers={"X-A": "1"}) as client:
            copy = client.with_options(default_headers={"X-B": "2"})
            assert copy._transport.http is client._transport.http
            await READ[peer.name](copy)
            await READ[peer.name](client)
            await copy.aclose()
            assert not client._transport.http.is_closed
    sent_copy, sent_original = (c.request.headers for c in route.calls)
    assert (sent_copy["x-a"], sent_copy["x-b"]) == ("1", "2")
    assert "x-b" not in sent_original


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_with_options_retry_policy_and_response_cap_stay_on_the_copy(
    peer: Peer, no_sleep: list[float]
) -> None:
    with _router(peer) as router:
        route = _read_route(router, peer).mock(return_value=httpx.Response(503, text="x" * 2048))
        async with peer.make(max_retries=1) as client:
            policy = RetryPolicy(initial_delay=0.01, max_delay=0.01)
            copy = client.with_options(retry_policy=policy, max_response_bytes=1024)
            assert copy._transport.retry_policy is policy
            assert client._transport.retry_policy is not policy
            assert copy._transport.max_response_bytes == 1024
            assert copy._transport.http is client._transport.http
            with pytest.raises(APIError, match="larger than max_response_bytes"):
                await READ[peer.name](copy, max_retries=0)
            with pytest.raises(APIError) as info:
                await READ[peer.name](client)
            assert info.value.status_code == 503
    assert route.call_count == 1 + 2
    with pytest.raises(ValueError, match="max_response_bytes"):
        client.with_options(max_response_bytes=0)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_with_options_base_url_targets_another_host_with_the_same_pool(peer: Peer) -> None:
    other = "http://127.0.0.1:8999"
    with respx.mock(assert_all_called=False) as router:
        peer.setup(router)
        router.get(other + TOKEN_PATH).mock(return_value=token_response("tok-other"))
        route = router.route(host="127.0.0.1", path=peer.read_path).mock(
            side_effect=lambda r: peer.read_ok()
        )
        async with peer.make() as client:
            copy = client.with_options(base_url=other)
            assert copy.base_url == other
            assert client.base_url == peer.base
            assert copy._transport.http is client._transport.http
            await READ[peer.name](copy)
    assert route.call_count == 1


async def test_lemft_with_options_shares_the_gate_unless_given() -> None:
    async with PEERS[0].make() as client:
        assert client.with_options(timeout=5).gate is client.gate
        gate = LocalGate()
        copy = client.with_options(gate=gate)
        assert copy.gate is gate
        assert client.gate is not gate
        with pytest.raises(TypeError, match="gate"):
            client.with_options(gate=object())
        with pytest.raises(ValueError, match="base_url"):
            client.with_options(environment="sandbox", base_url="https://x.example")


async def test_keysecure_with_options_shares_the_token_cache_on_the_same_host() -> None:
    keysecure = PEERS[2]
    async with keysecure.make() as client:
        same = client.with_options(timeout=5, default_headers={"X-A": "1"})
        assert same._transport.tokens is client._transport.tokens
        other = client.with_options(base_url="http://127.0.0.1:8999")
        assert other._transport.tokens is not client._transport.tokens


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_with_options_is_sent_once_with_them(peer: Peer) -> None:
    with _router(peer) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(return_value=write_ok(peer.name))
        async with peer.make() as client:
            await WRITE[peer.name](client, timeout=9.0, extra_headers={"X-Idem": "k1"})
    assert route.call_count == 1
    request = route.calls[0].request
    assert request.headers["x-idem"] == "k1"
    assert request.extensions["timeout"]["read"] == 9.0


# -- every method takes them ----------------------------------------------------------------


def _namespace_classes() -> list[type]:
    import lemft_async.resources as resources

    for info in pkgutil.iter_modules(resources.__path__, "lemft_async.resources."):
        importlib.import_module(info.name)  # the LEMFT namespaces are imported lazily
    found: list[type] = []
    for base in (AsyncAPIResource, KeySecureResource):
        stack = list(base.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if cls.__module__.startswith("lemft_async."):
                found.append(cls)
    return found


def test_every_api_method_of_every_client_takes_the_per_call_options() -> None:
    methods: list[tuple[str, Any]] = []
    for cls in _namespace_classes():
        for name, function in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(function):
                methods.append((f"{cls.__qualname__}.{name}", function))
    for name in ("create_order", "query_order", "apply_payout", "query_payout", "request"):
        methods.append((f"AsyncPayin.{name}", getattr(AsyncPayin, name)))
    methods.append(("AsyncLemft.request", AsyncLemft.request))
    assert len(methods) > 65
    missing = [
        name
        for name, function in methods
        if not any(
            p.kind is inspect.Parameter.VAR_KEYWORD and p.name == "options"
            for p in inspect.signature(function).parameters.values()
        )
    ]
    assert missing == []


def test_with_options_of_every_client_takes_the_shared_options() -> None:
    shared = {
        "timeout",
        "max_retries",
        "retry_policy",
        "default_headers",
        "max_response_bytes",
        "event_hooks",
    }
    for peer in PEERS:
        cls = type(peer.make())
        assert issubclass(cls, BaseClient)
        names = set(inspect.signature(cls.with_options).parameters)
        # The shared options are typed once (``**options: Unpack[CopyOptions]``).
        assert {"base_url", "options"} <= names, cls
        assert set(CopyOptions.__annotations__) == shared
        client = peer.make()
        for name, value in {"timeout": 3.0, "max_retries": 1, "max_response_bytes": 2048}.items():
            client.with_options(**{name: value})
        with pytest.raises(TypeError, match="unexpected option"):
            client.with_options(timout=3.0)
