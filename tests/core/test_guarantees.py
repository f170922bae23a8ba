"""Each guarantee of the shared core, run through all three clients (LEMFT, Payin, KeySecure).

The rule is written once (``lemft_async._core``); these tests prove every peer gets it:
an accepted write whose answer does not fit its model, and a write whose answer never
came, are unknown outcomes carrying traceid, operation, path and the reconciliation id;
such errors survive pickling; values that go into URL paths are refused before sending.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from lemft_async import APIConnectionError, AsyncLemft, OutcomeUnknownError
from lemft_async._core._endpoint import check_path_value
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.payin import AsyncPayin

from ..keysecure.conftest import API_KEY, API_SECRET, token_response
from ._peers import IDS, KS_BASE, PAYIN_BASE, PEERS, Peer, lemft_envelope


def assert_complete(error: OutcomeUnknownError, peer: Peer) -> None:
    key, value = peer.reference
    assert error.traceid is not None
    assert len(error.traceid) == 32
    assert error.operation == peer.operation
    assert error.path == peer.path
    assert error.references[key] == value
    assert error.out_order_id == value
    assert value in str(error)
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(clone) is type(error)
    assert (clone.traceid, clone.operation, clone.path, clone.references, str(clone)) == (
        error.traceid,
        error.operation,
        error.path,
        error.references,
        str(error),
    )


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_an_accepted_write_whose_answer_does_not_fit_is_outcome_unknown(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(return_value=peer.unfit())
        async with peer.make() as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.write(client)
    assert route.call_count == 1  # never re-sent
    assert "most likely carried out" in str(info.value)
    assert "text" not in str(info.value)  # names the field, never echoes the value
    assert_complete(info.value, peer)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_whose_answer_never_came_is_outcome_unknown_and_not_resent(
    peer: Peer, no_sleep: list[float]
) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(side_effect=httpx.ReadTimeout("slow"))
        async with peer.make() as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.write(client)
    assert route.call_count == 1
    assert no_sleep == []
    assert_complete(info.value, peer)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_the_server_never_received_is_retried(
    peer: Peer, no_sleep: list[float]
) -> None:
    # The other side of the rule: a connection never made is safe to retry, even for a write.
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(side_effect=httpx.ConnectError("refused"))
        async with peer.make() as client:
            with pytest.raises(APIConnectionError) as info:
                await peer.write(client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert route.call_count == 1 + client.max_retries
    assert len(no_sleep) == client.max_retries


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
def test_every_client_defaults_to_the_same_retries_and_names_itself(peer: Peer) -> None:
    client = peer.make()
    assert client.max_retries == 5
    ua = client._transport.user_agent
    assert ua.startswith("lemft-async/")
    assert f"({peer.name};" in ua


@pytest.mark.parametrize(
    "make",
    [
        lambda: AsyncLemft(customer_id=1, app_id=1, key="k", api_key="a"),
        lambda: AsyncKeySecure(api_key="k", api_secret="s"),
        lambda: AsyncPayin(mch_id="M1", secret="s", base_url=None),
    ],
    ids=["lemft", "keysecure", "payin"],
)
def test_no_client_picks_a_host_for_you(
    make: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for prefix in ("LEMFT", "PAYIN", "KEYSECURE"):
        monkeypatch.delenv(f"{prefix}_ENVIRONMENT", raising=False)
        monkeypatch.delenv(f"{prefix}_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="no target host"):
        make()


# -- values in URL paths ---------------------------------------------------------------------

BAD_SEGMENTS = [
    "",
    ".",
    "..",
    "a/b",
    "a\\b",
    "a?b",
    "a#b",
    "a%2e",
    "a b",
    "a\tb",
    "a\x00b",
    "\u2028",
]


@pytest.mark.parametrize("value", BAD_SEGMENTS)
def test_a_path_value_that_could_leave_its_segment_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="card_no"):
        check_path_value("card_no", value)


@pytest.mark.parametrize("value", ["C0001", "4000-12", "a+b:c", "ÄÖ", 12345])
def test_ordinary_identifiers_pass(value: object) -> None:
    assert check_path_value("card_no", value) == str(value)


@pytest.mark.parametrize("value", ["..", ".", "", "x/../../merchant/token", "a?b"])
async def test_keysecure_refuses_a_path_value_before_any_request(value: str) -> None:
    with respx.mock(base_url=KS_BASE, assert_all_called=False) as router:
        anything = router.route().mock(return_value=token_response())
        async with AsyncKeySecure(
            api_key=API_KEY, api_secret=API_SECRET, environment="sandbox"
        ) as ks:
            for call in (ks.cards.client_token, ks.cards.retrieve, ks.accounts.retrieve):
                with pytest.raises(ValueError, match="_no"):
                    await call(value)
    assert anything.call_count == 0


@pytest.mark.parametrize("path", ["/v1/../merchant", "/v1/./x", "/v1/x?y=1", "/v1/%2e%2e/x", "v1"])
async def test_lemft_and_payin_raw_requests_refuse_unsafe_paths(path: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        anything = router.route().mock(return_value=lemft_envelope({}))
        async with PEERS[0].make() as lemft, PEERS[1].make() as payin:
            with pytest.raises(ValueError, match="path"):
                await lemft.request(path, {})
            with pytest.raises(ValueError, match="path"):
                await payin.request(path, {})
    assert anything.call_count == 0


@pytest.mark.parametrize(
    ("make", "operation"),
    [
        (
            lambda o: AsyncLemft(
                customer_id=1,
                app_id=1,
                key="k",
                api_key="a",
                environment="sandbox",
                path_overrides=o,
            ),
            "cards.freeze",
        ),
        (
            lambda o: AsyncPayin(mch_id="M1", secret="s", base_url=PAYIN_BASE, path_overrides=o),
            "query_order",
        ),
        (
            lambda o: AsyncKeySecure(
                api_key="k", api_secret="s", environment="sandbox", path_overrides=o
            ),
            "cards.list",
        ),
    ],
    ids=IDS,
)
@pytest.mark.parametrize("bad", ["/v1/../token", "relative", "/a?b", "/a%2F", "/a b"])
def test_path_overrides_are_checked_the_same_way_by_all_three(
    make: Callable[[dict[str, str]], Any], operation: str, bad: str
) -> None:
    with pytest.raises(ValueError, match="path_overrides"):
        make({operation: bad})


def test_lemft_methods_are_post_by_default_and_overridable() -> None:
    client = PEERS[0].make(method_overrides={"cards.freeze": "GET"})
    assert client.endpoints["cards.freeze"].method == "GET"
    assert {e.method for n, e in client.endpoints.items() if n != "cards.freeze"} == {"POST"}


async def test_a_method_override_is_what_goes_on_the_wire() -> None:
    with respx.mock(base_url=PEERS[0].base, assert_all_called=False) as router:
        route = router.get("/v1/openApi/card/order/getOrder").mock(
            return_value=lemft_envelope({"order_info": {"order_id": "o1", "out_order_id": "x"}})
        )
        async with PEERS[0].make(method_overrides={"orders.retrieve": "GET"}) as client:
            await client.orders.retrieve("o1")
    assert route.call_count == 1
    assert route.calls.last.request.content.startswith(b'{"customer_id"')  # still signed JSON


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({"cards.freeze": "PUT"}, "GET' or 'POST"), ({"nope": "GET"}, "unknown operation")],
)
def test_bad_method_overrides_are_refused(overrides: dict[str, str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PEERS[0].make(method_overrides=overrides)
