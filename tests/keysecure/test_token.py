"""Access-Token cache: single flight, proactive refresh, 1007 recovery, expiry reading."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from lemft_async._core._clock import Clock
from lemft_async.keysecure import (
    AsyncKeySecure,
    KeySecureAuthError,
    KeySecureTokenError,
)
from lemft_async.keysecure._token import Token, TokenManager, interpret_expiry
from lemft_async.keysecure.sandbox import KeySecureSandbox, SandboxClock
from tests.conftest import run_all
from tests.keysecure.conftest import (
    API_SECRET,
    TOKEN_PATH,
    envelope,
    make_client,
    token_response,
)

CARD_PATH = "/open-api/v1/card/C0001/detail"


# -- the two "must show" cases, against the sandbox ------------------------------------------


async def test_100_concurrent_calls_with_an_expired_token_fetch_once(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure
) -> None:
    await ks.cards.retrieve("C0001")
    assert sandbox.stats.token_fetches == 1
    assert isinstance(sandbox.clock, SandboxClock)
    sandbox.clock.advance(3600 + 1)  # the cached token is now past its expiry

    results = await run_all([lambda: ks.cards.retrieve("C0001") for _ in range(100)])

    assert all(r.card_no == "C0001" for r in results)
    assert sandbox.stats.token_fetches == 2
    assert ks.token_fetch_count == 2
    assert sandbox.stats.rejections[1007] == 0  # refreshed before use, not after a 1007


async def test_100_concurrent_1007s_cause_one_refetch(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure
) -> None:
    await ks.cards.retrieve("C0001")
    sandbox.expire_tokens()  # the server revokes; the client still thinks it is fresh

    results = await run_all([lambda: ks.cards.retrieve("C0001") for _ in range(100)])

    assert all(r.card_no == "C0001" for r in results)
    assert sandbox.stats.rejections[1007] == 100
    assert sandbox.stats.token_fetches == 2


# -- respx: exact request accounting -----------------------------------------------------------


async def test_token_is_cached_between_calls(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(return_value=token_response())
    card = api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C0001"}))
    async with make_client() as ks:
        await ks.cards.retrieve("C0001")
        await ks.cards.retrieve("C0001")
    assert token.call_count == 1
    assert card.call_count == 2
    assert "Access-Token" not in token.calls[0].request.headers
    assert card.calls[0].request.headers["Access-Token"] == "tok-1"


async def test_fetch_failure_is_shared_by_the_callers_queued_behind_it(api: Any) -> None:
    async def slow_failure(request: httpx.Request) -> httpx.Response:
        for _ in range(5):  # let the other callers queue on the lock
            await anyio.lowlevel.checkpoint()
        return envelope(code=1008, msg="Api-Key does not exist")

    token = api.get(TOKEN_PATH).mock(side_effect=slow_failure)
    card = api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C0001"}))
    async with make_client() as ks:
        results = await run_all([lambda: ks.cards.retrieve("C0001") for _ in range(10)])
    assert all(isinstance(r, KeySecureAuthError) and r.code == 1008 for r in results)
    assert token.call_count == 1
    assert card.call_count == 0


async def test_later_callers_try_again_after_a_failed_fetch(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(
        side_effect=[envelope(code=1008, msg="Api-Key does not exist"), token_response()]
    )
    api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C0001"}))
    async with make_client() as ks:
        with pytest.raises(KeySecureAuthError):
            await ks.cards.retrieve("C0001")
        assert (await ks.cards.retrieve("C0001")).card_no == "C0001"
    assert token.call_count == 2


async def test_1007_refreshes_and_retries_once(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(side_effect=[token_response("tok-1"), token_response("tok-2")])
    card = api.get(CARD_PATH).mock(
        side_effect=[envelope(code=1007, msg="Access-Token invalid"), envelope({"card_no": "C1"})]
    )
    async with make_client(max_retries=0) as ks:  # the token retry does not need retries
        assert (await ks.cards.retrieve("C0001")).card_no == "C1"
    assert token.call_count == 2
    assert [c.request.headers["Access-Token"] for c in card.calls] == ["tok-1", "tok-2"]


async def test_second_1007_is_raised(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(side_effect=[token_response("a"), token_response("b")])
    card = api.get(CARD_PATH).mock(return_value=envelope(code=1007, msg="Access-Token invalid"))
    async with make_client() as ks:
        with pytest.raises(KeySecureTokenError) as info:
            await ks.cards.retrieve("C0001")
    assert info.value.code == 1007
    assert token.call_count == 2
    assert card.call_count == 2


async def test_get_token_and_force_refresh(api: Any) -> None:
    api.get(TOKEN_PATH).mock(side_effect=[token_response("a"), token_response("b")])
    async with make_client() as ks:
        first = await ks.get_token()
        again = await ks.get_token()
        forced = await ks.get_token(force_refresh=True)
    assert (first.access_token, again.access_token, forced.access_token) == ("a", "a", "b")
    assert first.expires_at is not None
    assert first.expires_at.year == 2100
    assert "'a'" not in repr(first)
    assert "***" in repr(first)


async def test_get_token_propagates_a_token_endpoint_error(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=envelope(code=1003, msg="IP address not allowed"))
    async with make_client() as ks:
        with pytest.raises(KeySecureAuthError, match="1003"):
            await ks.get_token()


async def test_unusable_token_answer_is_a_validation_error(api: Any) -> None:
    from lemft_async import APIResponseValidationError

    api.get(TOKEN_PATH).mock(return_value=envelope({"expired_time": 1}))
    async with make_client() as ks:
        with pytest.raises(APIResponseValidationError, match="access_token"):
            await ks.get_token()


def test_token_lock_follows_the_event_loop(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C0001"}))
    ks = make_client()

    async def call() -> None:
        ks._transport.tokens.invalidate()  # type: ignore[union-attr]
        assert (await ks.cards.retrieve("C0001")).card_no == "C0001"

    anyio.run(call, backend="asyncio")
    anyio.run(call, backend="trio")  # a lock made on the first loop would not work here


# -- expiry reading and refresh timing -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1_716_393_600_000, 1_716_393_600.0),  # epoch ms (the documented example)
        ("1716393600000", 1_716_393_600.0),
        (1_716_393_600, 1_716_393_600.0),  # epoch seconds
        (7200, 1_716_307_200.0 + 7200),  # a lifetime in seconds
        (None, None),
        (0, None),
        (-5, None),
        ("soon", None),
        (True, None),
        (1_716_300_000_000, None),  # already past
    ],
)
def test_interpret_expiry(raw: Any, expected: float | None) -> None:
    assert interpret_expiry(raw, 1_716_307_200.0) == expected


def test_refresh_margin_and_short_lived_tokens() -> None:
    now = 1_716_307_200.0
    token = Token("t", expired_time=int((now + 600) * 1000), fetched_at=now, margin=60)
    assert token.refresh_at == now + 540
    assert token.is_fresh(now + 539)
    assert not token.is_fresh(now + 541)
    short = Token("t", expired_time=30, fetched_at=now, margin=60)
    assert short.refresh_at == now + 15  # half-way, not already stale
    unknown = Token("t", expired_time=None, fetched_at=now, margin=60)
    assert unknown.refresh_at == math.inf
    assert unknown.is_fresh(now + 10**9)
    assert "'t'" not in repr(token)


async def test_margin_drives_proactive_refresh() -> None:
    now = [1_716_307_200.0]
    fetched: list[int] = []

    async def fetch() -> Any:
        fetched.append(1)
        return {"access_token": f"t{len(fetched)}", "expired_time": int((now[0] + 600) * 1000)}

    manager = TokenManager(fetch, clock=Clock(source=lambda: now[0]), margin=60)
    assert (await manager.get()).value == "t1"
    now[0] += 539
    assert (await manager.get()).value == "t1"
    now[0] += 2
    assert (await manager.get()).value == "t2"
    assert manager.fetch_count == 2


def test_margin_is_checked() -> None:
    with pytest.raises(ValueError, match="token_refresh_margin"):
        AsyncKeySecure(
            api_key="k-not-real",
            api_secret=API_SECRET,
            environment="sandbox",
            token_refresh_margin=-1,
        )


@pytest.mark.parametrize(
    "raw",
    [
        1716393600000,
        "1716393600000",
        Decimal("1716393600000"),
        "1716393600000.0",
        " 1716393600000 ",
    ],
)
def test_documented_millisecond_expiry_is_read_as_ms(raw: object) -> None:
    """§2.10: ``expired_time`` is documented as Unix milliseconds (the docs' example)."""
    fetched = 1716307200.0  # the docs' example request Timestamp: 24 h earlier
    assert interpret_expiry(raw, fetched) == pytest.approx(1716393600.0)


@pytest.mark.parametrize("raw", ["9" * 5000, "1e99999999", "NaN", "-1716393600000", [1], {}])
def test_absurd_expiry_is_unknown_not_infinite(raw: object) -> None:
    assert interpret_expiry(raw, 1716307200.0) is None
