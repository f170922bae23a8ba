"""The pool the clients create (``_core._pool``) and the per-endpoint URL they send to.

``LeanCookies`` skips httpx's cookie parse only where the standard jar would do nothing
(no ``Set-Cookie``/``Set-Cookie2``); a cookie an answer sets is still stored and sent back,
through all three clients. An endpoint's URL is parsed once per transport; a path with an
id in it is built per call (never kept).
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from lemft_async import DefaultAioHttpClient
from lemft_async._core._pool import LeanCookies, PoolClient

from ..keysecure.conftest import TOKEN_PATH, token_response
from ._peers import IDS, PEERS, Peer


def _answer(headers: list[tuple[str, str]], url: str = "https://api.test/x") -> httpx.Response:
    return httpx.Response(200, headers=headers, request=httpx.Request("GET", url))


def _count_full_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = httpx.Cookies.extract_cookies

    def counted(self: httpx.Cookies, response: httpx.Response) -> None:
        calls.append(1)
        real(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", counted)
    return calls


def test_an_answer_without_a_cookie_header_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_full_parses(monkeypatch)
    cookies = LeanCookies()
    cookies.extract_cookies(_answer([("content-type", "application/json")]))
    assert calls == []
    assert list(cookies.jar) == []


@pytest.mark.parametrize("name", ["Set-Cookie", "set-cookie", "SET-COOKIE"])
def test_an_answer_that_sets_a_cookie_is_stored(name: str) -> None:
    cookies = LeanCookies()
    cookies.extract_cookies(_answer([(name, "session=abc; Path=/")]))
    assert cookies.get("session") == "abc"


def test_a_set_cookie2_answer_still_goes_to_the_jar(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_full_parses(monkeypatch)
    LeanCookies().extract_cookies(_answer([("Set-Cookie2", 'a="1"; Version="1"')]))
    assert calls == [1]


def test_a_custom_jar_sees_every_answer() -> None:
    seen: list[object] = []

    class Recording(CookieJar):
        def extract_cookies(self, response: Any, request: Any) -> None:
            seen.append(response)
            super().extract_cookies(response, request)

    LeanCookies(Recording()).extract_cookies(_answer([("content-type", "text/plain")]))
    assert len(seen) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Set-Cookie", "set-cookie", "Set-Cookie2", "X-Other", "Date"]),
            st.from_regex(r"[a-z]{1,6}=[a-z0-9]{0,6}(; Path=/)?", fullmatch=True),
        ),
        max_size=4,
    )
)
def test_the_jar_ends_as_httpx_s_own_would(headers: list[tuple[str, str]]) -> None:
    plain, lean = httpx.Cookies(), LeanCookies()
    plain.extract_cookies(_answer(headers))
    lean.extract_cookies(_answer(headers))
    assert sorted((c.name, c.value, c.path) for c in lean.jar) == sorted(
        (c.name, c.value, c.path) for c in plain.jar
    )


def test_the_pool_keeps_lean_cookies_when_they_are_set_again() -> None:
    pool = PoolClient(cookies={"a": "1"})
    assert isinstance(pool.cookies, LeanCookies)
    assert pool.cookies.get("a") == "1"
    pool.cookies = {"b": "2"}
    assert isinstance(pool.cookies, LeanCookies)
    assert pool.cookies.get("b") == "2"
    assert pool.cookies.get("a") is None


def test_default_aiohttp_client_is_such_a_pool() -> None:
    pytest.importorskip("httpx_aiohttp")
    assert isinstance(DefaultAioHttpClient().cookies, LeanCookies)


async def test_a_caller_s_own_pool_is_used_as_it_is() -> None:
    peer = PEERS[0]
    http = httpx.AsyncClient()
    async with peer.make(http_client=http) as client:
        assert client._http is http
        assert type(http.cookies) is httpx.Cookies
    await http.aclose()


async def _read_twice(peer: Peer, first: httpx.Response) -> tuple[respx.Route, dict[str, Any]]:
    """Two reads through ``peer``'s own pool; what the client held after each."""
    seen: dict[str, Any] = {}
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.route(path=peer.read_path).mock(side_effect=[first, peer.read_ok()])
        async with peer.make() as client:
            seen["pool"] = type(client._http)
            await peer.read(client)
            seen["first_url"] = client._transport._urls.get(peer.base + peer.read_path)
            await peer.read(client)
            seen["urls"] = dict(client._transport._urls)
            seen["jar"] = list(client._http.cookies.jar)
    return route, seen


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_cookie_the_server_sets_is_sent_back(peer: Peer) -> None:
    first = peer.read_ok()
    first.headers["Set-Cookie"] = "route=blue; Path=/"
    route, seen = await _read_twice(peer, first)
    assert seen["pool"] is PoolClient
    assert "cookie" not in route.calls[0].request.headers
    assert route.calls[1].request.headers["cookie"] == "route=blue"


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_no_cookie_is_sent_when_none_was_set(peer: Peer) -> None:
    route, seen = await _read_twice(peer, peer.read_ok())
    assert seen["jar"] == []
    assert all("cookie" not in call.request.headers for call in route.calls)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_an_endpoint_url_is_parsed_once_and_an_id_path_never_kept(peer: Peer) -> None:
    route, seen = await _read_twice(peer, peer.read_ok())
    first, kept = seen["first_url"], seen["urls"]
    sent = [call.request.url for call in route.calls]
    assert sent[0] == sent[1] == httpx.URL(peer.base + peer.read_path)
    if peer.name == "keysecure":  # /card/{card_no}/detail: one URL per card, not kept
        assert peer.base + peer.read_path not in kept
    else:
        assert kept[peer.base + peer.read_path] is first  # not parsed again
        assert first == sent[0]
    assert all(text.startswith(peer.base) for text in kept)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_copy_with_another_base_url_sends_to_its_own_host(peer: Peer) -> None:
    # Every request on either host: the token endpoint (KeySecure) and the read.
    def answer(request: httpx.Request) -> httpx.Response:
        return token_response() if request.url.path == TOKEN_PATH else peer.read_ok()

    with respx.mock(assert_all_called=False) as router:
        router.route().mock(side_effect=answer)
        async with peer.make() as client:
            await peer.read(client)
            await peer.read(client.with_options(base_url="https://other.test"))
        sent = [(call.request.url.host, call.request.url.path) for call in router.calls]
    home = httpx.URL(peer.base).host
    split = [host for host, _ in sent].index("other.test")
    assert split > 0
    assert all(host == home for host, _ in sent[:split])
    # Everything the copy sent (KeySecure's token request too, if it made one) went there.
    assert all(host == "other.test" for host, _ in sent[split:])
    assert sent[-1] == ("other.test", peer.read_path)


async def test_the_url_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from lemft_async._core import _transport

    monkeypatch.setattr(_transport, "_MAX_URLS", 3)
    peer = PEERS[0]
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        router.route().mock(side_effect=lambda request: peer.read_ok())
        async with peer.make() as client:
            for n in range(6):
                await client.request(f"/v1/openApi/card/raw/p{n}", {})
            assert len(client._transport._urls) == 3
        paths = [c.request.url.path for c in router.calls]
    assert paths == [f"/v1/openApi/card/raw/p{n}" for n in range(6)]
