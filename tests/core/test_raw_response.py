"""``with_raw_response``, run through all three clients (LEMFT, Payin, KeySecure).

One mechanism in core: the transport records the finished call (status, headers,
traceid, retries, elapsed) and ``parse()`` returns what the plain method returns. A
failing call raises the same typed error, which now also carries the answer's headers.
Nothing in a raw response exposes the request, a credential or a token.
"""

from __future__ import annotations

import pickle
from typing import Any

import httpx
import pytest
import respx

from lemft_async import APIError, AsyncPage, RawResponse

from ..conftest import FAKE_API_KEY, FAKE_KEY
from ..keysecure.conftest import API_KEY, API_SECRET, TOKEN_PATH, token_response
from ..payin.conftest import SECRET
from ._calls import RAW_READ, RAW_WRITE, READ, write_ok
from ._peers import IDS, PEERS, Peer, lemft_envelope

SECRETS = (FAKE_KEY, FAKE_API_KEY, SECRET, API_KEY, API_SECRET, "tok-1")


def _with_header(response: httpx.Response, **headers: str) -> httpx.Response:
    response.headers.update(headers)
    return response


def _router(peer: Peer) -> respx.MockRouter:
    return respx.mock(base_url=peer.base, assert_all_called=False)


def _assert_nothing_secret(raw: RawResponse[Any]) -> None:
    assert not hasattr(raw, "request")
    assert not hasattr(raw, "__dict__")  # only the documented fields
    text = repr(raw) + " ".join(f"{k}={v}" for k, v in raw.headers.items())
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_raw_read_carries_status_headers_and_the_parsed_result(peer: Peer) -> None:
    with _router(peer) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(
            side_effect=lambda r: _with_header(peer.read_ok(), **{"X-Request-Id": "req-7"})
        )
        async with peer.make() as client:
            raw = await RAW_READ[peer.name](client)
            plain = await READ[peer.name](client)
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-7"
    assert len(raw.traceid) == 32
    assert raw.retries_taken == 0
    assert raw.elapsed > 0
    parsed = raw.parse()
    assert type(parsed) is type(plain)
    assert parsed == plain
    assert "req-7" not in repr(raw)
    assert repr(raw).startswith("RawResponse(status_code=200")
    _assert_nothing_secret(raw)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_raw_response_counts_the_retries_taken(peer: Peer, no_sleep: list[float]) -> None:
    with _router(peer) as router:
        peer.setup(router)
        route = router.route(path=peer.read_path).mock(
            side_effect=[httpx.Response(503), httpx.Response(502), peer.read_ok()]
        )
        async with peer.make() as client:
            raw = await RAW_READ[peer.name](client)
    assert route.call_count == 3
    assert raw.retries_taken == 2
    assert len(no_sleep) == 2
    # Every attempt carries the same traceid as the raw response (LEMFT sends it).
    if peer.name == "lemft":
        assert {c.request.headers["traceid"] for c in route.calls} == {raw.traceid}


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_raw_write_returns_its_result(peer: Peer) -> None:
    with _router(peer) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(return_value=write_ok(peer.name))
        async with peer.make() as client:
            raw = await RAW_WRITE[peer.name](client)
    assert route.call_count == 1
    assert raw.status_code == 200
    assert raw.retries_taken == 0
    reference_key, value = peer.reference
    assert str(getattr(raw.parse(), reference_key, value)) == value
    _assert_nothing_secret(raw)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_raw_call_that_fails_raises_the_same_typed_error(
    peer: Peer, no_sleep: list[float]
) -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="down", headers={"Retry-After": "0", "X-Edge": "e1"})

    with _router(peer) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(side_effect=failing)
        async with peer.make(max_retries=0) as client:
            with pytest.raises(APIError) as raw_info:
                await RAW_READ[peer.name](client)
            with pytest.raises(APIError) as plain_info:
                await READ[peer.name](client)
    raw_error, plain_error = raw_info.value, plain_info.value
    assert type(raw_error) is type(plain_error)
    assert raw_error.status_code == 503
    assert raw_error.headers is not None
    assert raw_error.headers["x-edge"] == "e1"
    assert raw_error.traceid is not None
    clone = pickle.loads(pickle.dumps(raw_error))  # noqa: S301 (our own bytes)
    assert (clone.status_code, clone.traceid) == (raw_error.status_code, raw_error.traceid)
    assert clone.headers is not None
    assert clone.headers["x-edge"] == "e1"


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_raw_call_takes_the_per_call_options(peer: Peer, no_sleep: list[float]) -> None:
    with _router(peer) as router:
        peer.setup(router)
        route = router.route(path=peer.read_path).mock(return_value=httpx.Response(503))
        async with peer.make(max_retries=5) as client:
            with pytest.raises(APIError):
                await RAW_READ[peer.name](client, max_retries=0, extra_headers={"X-A": "1"})
            with pytest.raises(ValueError, match="cannot set"):
                await RAW_WRITE[peer.name](client, extra_headers={"Content-Type": "text/plain"})
    assert route.call_count == 1
    assert route.calls[0].request.headers["x-a"] == "1"


async def test_a_raw_lemft_list_parses_to_the_page() -> None:
    peer = PEERS[0]
    with _router(peer) as router:
        router.post("/v1/openApi/card/order/orderList").mock(
            return_value=lemft_envelope(
                {
                    "order_list": [{"order_id": "o1", "out_order_id": "x1"}],
                    "total": 1,
                    "page_no": 1,
                    "page_size": 10,
                }
            )
        )
        async with peer.make() as client:
            raw = await client.orders.with_raw_response.list(page_size=10)
    page = raw.parse()
    assert isinstance(page, AsyncPage)
    assert [o.order_id for o in page.items] == ["o1"]
    assert raw.status_code == 200


async def test_keysecure_records_the_call_not_the_token_fetch_inside_it() -> None:
    keysecure = PEERS[2]
    with _router(keysecure) as router:
        token = router.get(TOKEN_PATH).mock(
            return_value=_with_header(token_response(), **{"X-Which": "token"})
        )
        router.get(keysecure.read_path).mock(
            return_value=_with_header(keysecure.read_ok(), **{"X-Which": "detail"})
        )
        async with keysecure.make() as client:
            raw = await client.cards.with_raw_response.retrieve("C1")
    assert token.call_count == 1
    assert raw.headers["x-which"] == "detail"
    _assert_nothing_secret(raw)


async def test_raw_request_escape_hatches() -> None:
    lemft, payin = PEERS[0], PEERS[1]
    with _router(lemft) as router:
        router.post(lemft.read_path).mock(return_value=lemft.read_ok())
        async with lemft.make() as client:
            raw = await client.with_raw_response.request(lemft.read_path, {"order_id": "o"})
    assert raw.status_code == 200
    assert raw.parse() == {"order_info": {"order_id": "ord_1", "out_order_id": "o-1"}}
    with _router(payin) as router:
        router.post(payin.read_path).mock(return_value=payin.read_ok())
        async with payin.make() as client:
            raw_payin = await client.with_raw_response.request(payin.read_path, kind="read")
    assert raw_payin.parse()["mchOrderNo"] == "M-42"


async def test_the_with_raw_response_views_are_bound_to_with_options_copies() -> None:
    peer = PEERS[0]
    async with peer.make() as client:
        copy = client.with_options(max_retries=0)
        assert copy.orders.with_raw_response is not client.orders.with_raw_response
        assert copy.orders.with_raw_response is copy.orders.with_raw_response


async def test_write_helpers_are_typed_for_mypy() -> None:
    # Checked by mypy (strict) on this file: the raw view keeps the method's parameters
    # and wraps its result type.
    peer = PEERS[0]
    with _router(peer) as router:
        router.post(peer.read_path).mock(return_value=peer.read_ok())
        async with peer.make() as client:
            raw = await client.orders.with_raw_response.retrieve("ord_1", timeout=3.0)
            order_id: str = raw.parse().order_info.order_id  # typed str, no None
    assert order_id == "ord_1"
