"""Headers, clock re-sync (1005), backoff (1009), unknown outcomes and error mapping."""

from __future__ import annotations

import email.utils
import json
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lemft_async import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    OutcomeUnknownError,
)
from lemft_async.keysecure import (
    AccountError,
    AsyncKeySecure,
    CardError,
    CardholderError,
    KeySecureAuthError,
    KeySecureError,
    KeySecureOutcomeUnknownError,
    KeySecureParamError,
    KeySecurePCIError,
    KeySecureRateLimitError,
    KeySecureServerError,
    KeySecureTimestampError,
    KeySecureTokenError,
    error_for_code,
)
from lemft_async.keysecure.sandbox import KeySecureSandbox
from tests.keysecure.conftest import (
    API_KEY,
    API_SECRET,
    TOKEN_PATH,
    assert_no_secret,
    envelope,
    make_client,
    token_response,
)

CARD_PATH = "/open-api/v1/card/C0001/detail"
TRANSFER_PATH = "/open-api/v1/account/transfer"
FIXED = 1_716_307_200.0


# -- headers --------------------------------------------------------------------------------


async def test_headers_on_token_fetch_and_calls(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(return_value=token_response())
    card = api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C0001"}))
    async with make_client(clock=lambda: FIXED, timezone="UTC-5", language="zh_CN") as ks:
        await ks.cards.retrieve("C0001")
    for route in (token, card):
        sent = route.calls[0].request.headers
        assert sent["Api-Key"] == API_KEY
        assert sent["Timestamp"] == "1716307200000"  # 13-digit ms
        assert sent["Timezone"] == "UTC-5"
        assert sent["Language"] == "zh_CN"
        assert sent["Content-Type"] == "application/json"
        assert API_SECRET not in str(sent.raw)  # outgoing requests are not signed
    assert "Access-Token" not in token.calls[0].request.headers
    assert card.calls[0].request.headers["Access-Token"] == "tok-1"


async def test_post_body_is_exact_json(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.post(TRANSFER_PATH).mock(
        return_value=envelope({"transfer_no": "TR1", "before_balance": "1.00"})
    )
    async with make_client() as ks:
        await ks.accounts.transfer(
            cardholder_no="U1", type="In", balance=Decimal("100.50"), transfer_unique_no="T-1"
        )
    sent = route.calls[0].request.content
    assert sent == (
        b'{"cardholder_no":"U1","transfer_unique_no":"T-1","type":"In","balance":"100.50"}'
    )


async def test_path_params_are_escaped(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.get("/open-api/v1/card/a%2Bb%3Ac/detail").mock(
        return_value=envelope({"card_no": "a+b:c"})
    )
    async with make_client() as ks:
        await ks.cards.retrieve("a+b:c")
    assert route.call_count == 1


# -- 1005: clock re-sync --------------------------------------------------------------------


async def test_1005_resyncs_the_clock_and_retries_once() -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET)
    behind = sandbox.client(clock=lambda: sandbox.clock() - 120)  # 2 minutes slow
    async with behind as ks:
        card = await ks.cards.retrieve("C0001")
        assert card.card_no == "C0001"
        assert ks._transport.clock.offset == pytest.approx(120, abs=1.5)
        await ks.cards.retrieve("C0002")
    assert sandbox.stats.rejections[1005] == 1  # once, on the token fetch; then in sync


async def test_future_clock_is_refused_then_fixed() -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET)
    async with sandbox.client(clock=lambda: sandbox.clock() + 30) as ks:
        assert (await ks.cards.retrieve("C0001")).card_no == "C0001"
    assert sandbox.stats.rejections[1005] == 1


async def test_1005_without_date_header_is_raised(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(return_value=envelope(code=1005, msg="Timestamp invalid"))
    async with make_client() as ks:
        with pytest.raises(KeySecureTimestampError):
            await ks.cards.retrieve("C0001")
    assert token.call_count == 1


async def test_second_1005_is_raised(api: Any) -> None:
    date = {"Date": email.utils.formatdate(FIXED, usegmt=True)}
    token = api.get(TOKEN_PATH).mock(
        return_value=envelope(code=1005, msg="Timestamp invalid", headers=date)
    )
    async with make_client() as ks:
        with pytest.raises(KeySecureTimestampError):
            await ks.get_token()
    assert token.call_count == 2


# -- 1009 and other retries -----------------------------------------------------------------


async def test_1009_is_retried_with_backoff(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, delays: list[float]
) -> None:
    sandbox.fail_next(1009, times=2, operation="cards.retrieve")
    assert (await ks.cards.retrieve("C0001")).card_no == "C0001"
    assert len(delays) == 2
    policy = ks._transport.retry_policy
    assert all(0 <= d <= policy.ceiling(i) for i, d in enumerate(delays))


async def test_1009_on_a_write_is_retried_too(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, delays: list[float]
) -> None:
    sandbox.fail_next(1009, operation="accounts.transfer")
    result = await ks.accounts.transfer(cardholder_no="U0001", type="In", balance="5")
    assert result.after_balance == Decimal("1005.00")
    assert len(delays) == 1


async def test_1009_exhausting_retries_raises(
    sandbox: KeySecureSandbox, delays: list[float]
) -> None:
    sandbox.fail_next(1009, times=10, operation="cards.retrieve")
    async with sandbox.client(max_retries=2) as ks:
        with pytest.raises(KeySecureRateLimitError):
            await ks.cards.retrieve("C0001")
    assert len(delays) == 2
    assert sandbox.stats.requests["cards.retrieve"] == 3


async def test_retry_after_header_is_honoured(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(
        side_effect=[
            envelope(code=1009, msg="too frequent", headers={"Retry-After": "2"}),
            envelope({"card_no": "C0001"}),
        ]
    )
    async with make_client() as ks:
        await ks.cards.retrieve("C0001")
    assert delays == [2.0]


async def test_1001_on_a_read_is_retried(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, delays: list[float]
) -> None:
    sandbox.fail_next(1001, operation="cards.retrieve")
    assert (await ks.cards.retrieve("C0001")).card_no == "C0001"
    assert len(delays) == 1


async def test_1001_on_a_write_is_outcome_unknown_and_not_resent(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, delays: list[float]
) -> None:
    # The server moved the money, then failed to answer.
    sandbox.fail_next(1001, operation="accounts.transfer", after_effect=True)
    with pytest.raises(KeySecureOutcomeUnknownError) as info:
        await ks.accounts.transfer(
            cardholder_no="U0001", type="In", balance="25.00", transfer_unique_no="TX-42"
        )
    err = info.value
    assert isinstance(err, OutcomeUnknownError)
    assert err.transfer_unique_no == "TX-42"
    assert err.out_order_id == "TX-42"
    assert err.references["cardholder_no"] == "U0001"
    assert "TX-42" in str(err)
    assert "accounts.transfer" in str(err)
    assert isinstance(err.cause, KeySecureServerError)
    assert sandbox.stats.requests["accounts.transfer"] == 1  # not re-sent
    assert delays == []
    # Reconcile by the reference: the transfer did happen, exactly once.
    today = datetime.fromtimestamp(sandbox.clock(), timezone(timedelta(hours=8))).date()
    page = await ks.accounts.list_transfers(
        start_time=today - timedelta(days=1),
        end_time=today + timedelta(days=1),
        transfer_unique_no="TX-42",
    )
    assert [t.balance for t in page.items] == [Decimal("25.00")]
    assert sandbox.state.balances["U0001"] == Decimal("1025.00")


async def test_timeout_on_a_write_is_outcome_unknown(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.post("/open-api/v1/card/apply").mock(side_effect=httpx.ReadTimeout("slow"))
    async with make_client() as ks:
        with pytest.raises(KeySecureOutcomeUnknownError) as info:
            await ks.cards.apply(
                cardholder_no="U1", card_type="Virtual", package_no="P1", card_unique_no="CU-7"
            )
    assert info.value.card_unique_no == "CU-7"
    assert route.call_count == 1
    assert delays == []


async def test_timeout_on_a_read_is_retried_then_raised(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.get(CARD_PATH).mock(side_effect=httpx.ReadTimeout("slow"))
    async with make_client(max_retries=2) as ks:
        with pytest.raises(APIConnectionError, match="timed out"):
            await ks.cards.retrieve("C0001")
    assert route.call_count == 3
    assert len(delays) == 2


async def test_connect_error_on_a_write_is_retried(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.post("/open-api/v1/card/status/update").mock(
        side_effect=[httpx.ConnectError("refused"), envelope({"result": True})]
    )
    async with make_client() as ks:
        assert (await ks.cards.freeze("C0001")).result is True
    assert route.call_count == 2
    assert len(delays) == 1


async def test_html_5xx_is_a_status_error_for_reads(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(return_value=httpx.Response(502, content=b"<html>bad</html>"))
    async with make_client(max_retries=1) as ks:
        with pytest.raises(APIStatusError) as info:
            await ks.cards.retrieve("C0001")
    assert info.value.status_code == 502
    assert "not a KeySecure envelope" in str(info.value)


async def test_http_4xx_without_envelope_is_not_retried(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.get(CARD_PATH).mock(return_value=httpx.Response(404, content=b"nope"))
    async with make_client() as ks:
        with pytest.raises(APIStatusError):
            await ks.cards.retrieve("C0001")
    assert route.call_count == 1
    assert delays == []


async def test_undecodable_200_is_a_validation_error(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(return_value=httpx.Response(200, content=b"{}"))
    async with make_client(max_retries=0) as ks:
        with pytest.raises(APIResponseValidationError):
            await ks.cards.retrieve("C0001")


async def test_business_error_is_raised_without_retry(api: Any, delays: list[float]) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.get(CARD_PATH).mock(return_value=envelope(code=4001, msg="Card does not exist"))
    async with make_client() as ks:
        with pytest.raises(CardError) as info:
            await ks.cards.retrieve("C0001")
    assert info.value.code == 4001
    assert info.value.message == "Card does not exist"
    assert route.call_count == 1
    assert delays == []


async def test_errors_and_logs_carry_no_secret(
    api: Any, caplog: pytest.LogCaptureFixture, delays: list[float]
) -> None:
    caplog.set_level(logging.DEBUG, logger="lemft_async")
    api.get(TOKEN_PATH).mock(return_value=token_response("tok-secret-value"))
    api.get(CARD_PATH).mock(
        side_effect=[envelope(code=1009, msg="x"), envelope(code=1002, msg="Api-Key required")]
    )
    async with make_client() as ks:
        with pytest.raises(KeySecureAuthError) as info:
            await ks.cards.retrieve("C0001")
        assert_no_secret(repr(ks))
    assert_no_secret(str(info.value))
    assert_no_secret(caplog.text)
    assert "tok-secret-value" not in caplog.text


# -- code mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1001, KeySecureServerError),
        (1002, KeySecureAuthError),
        (1003, KeySecureAuthError),
        (1004, KeySecureParamError),
        (1005, KeySecureTimestampError),
        (1006, KeySecureTokenError),
        (1007, KeySecureTokenError),
        (1008, KeySecureAuthError),
        (1009, KeySecureRateLimitError),
        (1013, KeySecurePCIError),
        (1018, KeySecurePCIError),
        (1019, KeySecureParamError),
        (1020, KeySecureParamError),
        (1022, KeySecureAuthError),
        (2001, CardholderError),
        (2008, KeySecureParamError),
        (3005, AccountError),
        (4010, KeySecureParamError),
        (4016, CardError),
    ],
)
def test_error_mapping(code: int, cls: type[KeySecureError]) -> None:
    error = error_for_code(code, "text", path="/p")
    assert type(error) is cls
    assert error.code == code
    assert error.path == "/p"


@pytest.mark.parametrize("code", [1099, 5001, 42, 99999])
def test_unknown_codes_map_to_the_base(code: int) -> None:
    assert type(error_for_code(code, "x")) is KeySecureError


def test_outcome_unknown_error_exposes_its_references() -> None:
    error = KeySecureOutcomeUnknownError(
        "lost", operation="accounts.transfer", path="/p", references={"transfer_unique_no": "T"}
    )
    assert json.dumps(error.references) == '{"transfer_unique_no": "T"}'
    assert error.card_unique_no is None
    assert error.cardholder_unique_no is None
