"""The KeySecure sandbox enforces the documented header rules and signs its callbacks."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from lemft_async.keysecure.sandbox import KeySecureSandbox, SandboxClock
from tests.keysecure.conftest import API_KEY, API_SECRET

CARD = "/open-api/v1/card/C0001/detail"
TOKEN = "/open-api/v1/merchant/token"


@pytest.fixture
async def raw(sandbox: KeySecureSandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sb.localhost") as http:
        yield http


def now_ms(sandbox: KeySecureSandbox) -> str:
    return str(int(sandbox.clock() * 1000))


async def get_token(raw: httpx.AsyncClient, sandbox: KeySecureSandbox) -> str:
    answer = await raw.get(TOKEN, headers={"Api-Key": API_KEY, "Timestamp": now_ms(sandbox)})
    value = answer.json()["data"]["access_token"]
    assert isinstance(value, str)
    return value


async def code_of(raw: httpx.AsyncClient, path: str, headers: dict[str, str]) -> int:
    answer = await raw.get(path, headers=headers)
    assert answer.status_code == 200  # errors are business codes, not HTTP errors
    code = answer.json()["code"]
    assert isinstance(code, int)
    return code


async def test_header_rules(raw: httpx.AsyncClient, sandbox: KeySecureSandbox) -> None:
    token = await get_token(raw, sandbox)
    good = {"Api-Key": API_KEY, "Timestamp": now_ms(sandbox), "Access-Token": token}
    assert await code_of(raw, CARD, good) == 0
    assert await code_of(raw, CARD, {**good, "Api-Key": ""}) == 1002
    assert await code_of(raw, CARD, {**good, "Api-Key": "other-key-not-real"}) == 1008
    assert await code_of(raw, CARD, {**good, "Timestamp": "1716307200"}) == 1005  # 10 digits
    stale = str(int(sandbox.clock() * 1000) - 61_000)
    future = str(int(sandbox.clock() * 1000) + 5_000)
    assert await code_of(raw, CARD, {**good, "Timestamp": stale}) == 1005
    assert await code_of(raw, CARD, {**good, "Timestamp": future}) == 1005
    assert await code_of(raw, CARD, {k: v for k, v in good.items() if k != "Access-Token"}) == 1006
    assert await code_of(raw, CARD, {**good, "Access-Token": "forged"}) == 1007
    assert sandbox.stats.rejections == {1002: 1, 1008: 1, 1005: 3, 1006: 1, 1007: 1}


async def test_token_lifetime_and_expiry(raw: httpx.AsyncClient, sandbox: KeySecureSandbox) -> None:
    sandbox.token_lifetime = 120
    answer = await raw.get(TOKEN, headers={"Api-Key": API_KEY, "Timestamp": now_ms(sandbox)})
    data = answer.json()["data"]
    assert data["expired_time"] - int(now_ms(sandbox)) == pytest.approx(120_000, abs=1_000)
    assert isinstance(sandbox.clock, SandboxClock)
    sandbox.clock.advance(121)
    headers = {
        "Api-Key": API_KEY,
        "Timestamp": now_ms(sandbox),
        "Access-Token": data["access_token"],
    }
    assert await code_of(raw, CARD, headers) == 1007
    assert sandbox.stats.token_fetches == 1


async def test_answers_carry_the_sandbox_date(
    raw: httpx.AsyncClient, sandbox: KeySecureSandbox
) -> None:
    assert isinstance(sandbox.clock, SandboxClock)
    sandbox.clock.advance(3600)
    answer = await raw.get(TOKEN, headers={"Api-Key": API_KEY})
    served = email.utils.parsedate_to_datetime(answer.headers["Date"]).timestamp()
    assert served == pytest.approx(sandbox.clock(), abs=1.5)
    assert answer.json() == {"code": 1005, "msg": "Timestamp invalid or expired"}


async def test_fault_injection_scope(raw: httpx.AsyncClient, sandbox: KeySecureSandbox) -> None:
    token = await get_token(raw, sandbox)
    headers = {"Api-Key": API_KEY, "Timestamp": now_ms(sandbox), "Access-Token": token}
    fault = sandbox.fail_next(1009, times=2, operation="cards.retrieve", message="slow down")
    assert (await raw.get("/open-api/v1/card/C0001/private/info", headers=headers)).json()[
        "code"
    ] == 0
    first = (await raw.get(CARD, headers=headers)).json()
    assert first == {"code": 1009, "msg": "slow down"}
    assert await code_of(raw, CARD, headers) == 1009
    assert await code_of(raw, CARD, headers) == 0
    assert fault.times == 0


async def test_bad_post_body_is_1004(raw: httpx.AsyncClient, sandbox: KeySecureSandbox) -> None:
    token = await get_token(raw, sandbox)
    headers = {"Api-Key": API_KEY, "Timestamp": now_ms(sandbox), "Access-Token": token}
    answer = await raw.post("/open-api/v1/card/list", content=b"[1]", headers=headers)
    assert answer.json()["code"] == 1004
    answer = await raw.post("/open-api/v1/card/list", content=b"{}", headers=headers)
    assert answer.json() == {"code": 1004, "msg": "start_time is required"}


async def test_callbacks_are_signed_per_the_documented_rule(sandbox: KeySecureSandbox) -> None:
    data = {
        "card_no": "C0001",
        "before_status": "Activated",
        "after_status": "Frozen",
        "reason": "",
    }
    body, headers = sandbox.build_callback("Card_update", data, timestamp_ms=1716307200000)
    assert json.loads(body)["data"] == data
    assert headers["Sign-Version"] == "V1"
    base = (
        f"after_status=Frozen&appId={API_KEY}&before_status=Activated&card_no=C0001&reason="
        "&timestamp=1716307200000"
    )
    expected = hmac.new(API_SECRET.encode(), base.encode(), hashlib.sha256).hexdigest()
    assert headers["Signature"] == expected


async def test_deliver_needs_a_target_and_can_post_to_a_url(sandbox: KeySecureSandbox) -> None:
    with pytest.raises(RuntimeError, match="register_callback"):
        await sandbox.deliver_callback("Card_update", {"card_no": "C0001"})
    sandbox.register_callback("https://merchant.example.test/ks")
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://merchant.example.test/ks").mock(
            return_value=httpx.Response(200, json={"code": 0, "message": ""})
        )
        answer = await sandbox.emit_card_update("C0003", "Activated", reason="unfrozen")
    assert answer.json()["code"] == 0
    sent: Any = json.loads(route.calls[0].request.content)
    assert sent["action"] == "Card_update"
    assert sent["data"]["before_status"] == "Frozen"
    assert sandbox.state.cards["C0003"].status == "Activated"


def test_sandbox_repr_hides_credentials(sandbox: KeySecureSandbox) -> None:
    text = repr(sandbox) + repr(sandbox.cipher)
    assert API_KEY not in text
    assert API_SECRET not in text


def test_sandbox_cipher_round_trip_and_refusal(sandbox: KeySecureSandbox) -> None:
    assert sandbox.decrypt(sandbox.encrypt("123")) == "123"
    with pytest.raises(ValueError, match="not sandbox ciphertext"):
        sandbox.decrypt("bm90IGl0")
    other = KeySecureSandbox(api_secret="another-secret-not-real")
    ciphertext = sandbox.encrypt("4242424242424242")
    with contextlib.suppress(ValueError):  # refusing is as good as garbling
        assert other.decrypt(ciphertext) != "4242424242424242"
