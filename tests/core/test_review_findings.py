"""What an adversarial review of the core found, each pinned by a test that failed before.

Money first: accepted writes with shapeless answers, answers about another order, Payin
error codes spelled differently, HTTP errors that say "code 0"; then callbacks replayed by
swapping an unsigned header, card data kept on exception contexts, and the smaller holes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import (
    APIResponseValidationError,
    APIStatusError,
    AsyncLemft,
    OutcomeUnknownError,
    WebhookVerificationError,
)
from lemft_async._core._exchange import deadline_of
from lemft_async._core._redact import is_secret_key, mask_text
from lemft_async.keysecure import CallbackVerifier, KeySecureOutcomeUnknownError
from lemft_async.payin import PayinError, PayinOutcomeUnknownError, sign
from lemft_async.types import Order

from ..conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ..payin.conftest import SECRET, json_response
from ._peers import PEERS, lemft_envelope

LEMFT, PAYIN, KEYSECURE = PEERS
RECHARGE = "/v1/openApi/card/order/recharge"


@pytest.mark.parametrize("data", [[1, 2], "ok", 1, {"order_info": "x"}, {"order_info": [1]}])
async def test_an_accepted_write_with_a_shapeless_answer_is_outcome_unknown(data: Any) -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        route = router.post(RECHARGE).mock(return_value=lemft_envelope(data))
        async with LEMFT.client() as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.orders.recharge(card_id="c1", amount=Decimal("5"), out_order_id="o9")
    assert route.call_count == 1
    assert info.value.out_order_id == "o9"


@pytest.mark.parametrize("data", [[1], "oops", 7])
async def test_keysecure_accepted_write_with_a_shapeless_answer_is_outcome_unknown(
    data: Any,
) -> None:
    with respx.mock(base_url=KEYSECURE.base, assert_all_called=False) as router:
        KEYSECURE.setup(router)
        router.post(KEYSECURE.path).mock(
            return_value=httpx.Response(200, json={"code": 0, "msg": "ok", "data": data})
        )
        async with KEYSECURE.client() as client:
            with pytest.raises(KeySecureOutcomeUnknownError):
                await KEYSECURE.write(client)


async def test_a_read_with_a_shapeless_answer_is_a_validation_error() -> None:
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(LEMFT.read_path).mock(return_value=lemft_envelope([1, 2]))
        async with LEMFT.client(max_retries=0) as client:
            with pytest.raises(APIResponseValidationError):
                await LEMFT.read(client)


async def test_an_empty_success_answer_to_an_edit_is_accepted_with_the_id_sent() -> None:
    # code 0 with no data: accepted without details (the shape is inferred); the card the
    # request named is the card the answer is about.
    with respx.mock(base_url=LEMFT.base) as router:
        router.post("/v1/openApi/card/card/freeze").mock(return_value=lemft_envelope(None))
        async with LEMFT.client() as client:
            card = await client.cards.freeze("c1")
    assert card.card_id == "c1"


async def test_an_empty_success_answer_to_a_new_order_is_an_unknown_outcome() -> None:
    # The server assigns order_id: without it the order cannot be read back, so the
    # outcome is reconciled by out_order_id instead of being reported as done.
    with respx.mock(base_url=LEMFT.base) as router:
        route = router.post(RECHARGE).mock(return_value=lemft_envelope(None))
        async with LEMFT.client() as client:
            with pytest.raises(OutcomeUnknownError, match="order_id") as info:
                await client.orders.recharge(card_id="c1", amount=5, out_order_id="o9")
    assert info.value.out_order_id == "o9"
    assert route.call_count == 1


@pytest.mark.parametrize("err_code", [110, "110", " 0110", "0110", 10])
async def test_payin_ambiguous_error_codes_are_recognised_however_spelled(err_code: Any) -> None:
    answer = json_response({"retCode": "FAIL", "retMsg": "third party", "errCode": err_code})
    with respx.mock(base_url=PAYIN.base) as router:
        route = router.post(PAYIN.path).mock(return_value=answer)
        async with PAYIN.client() as client:
            with pytest.raises(PayinOutcomeUnknownError) as info:
                await PAYIN.write(client)
    assert route.call_count == 1
    assert isinstance(info.value.cause, PayinError)


async def test_a_definite_payin_failure_stays_definite() -> None:
    answer = json_response({"retCode": "FAIL", "retMsg": "param", "errCode": 14})
    with respx.mock(base_url=PAYIN.base) as router:
        router.post(PAYIN.path).mock(return_value=answer)
        async with PAYIN.client() as client:
            with pytest.raises(PayinError) as info:
                await PAYIN.write(client)
    assert not isinstance(info.value, PayinOutcomeUnknownError)
    assert info.value.err_code == "0014"


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_code_0_inside_an_http_5xx_is_no_success(status: int, no_sleep: list[float]) -> None:
    answer = httpx.Response(status, json={"code": 0, "message": "ok", "data": {}})
    with respx.mock(base_url=LEMFT.base) as router:
        write = router.post(LEMFT.path).mock(return_value=answer)
        read = router.post(LEMFT.read_path).mock(side_effect=[answer, LEMFT.read_ok()])
        async with LEMFT.client() as client:
            with pytest.raises(OutcomeUnknownError):
                await LEMFT.write(client)
            await LEMFT.read(client)  # retried, then the real answer
    assert write.call_count == 1
    assert read.call_count == 2


async def test_code_0_inside_an_http_4xx_is_an_error() -> None:
    answer = httpx.Response(400, json={"code": 0, "message": "ok", "data": {}})
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(LEMFT.read_path).mock(return_value=answer)
        async with LEMFT.client() as client:
            with pytest.raises(APIStatusError):
                await LEMFT.read(client)


@pytest.mark.parametrize("code", ["０", "٠", "۰"])
async def test_non_ascii_digits_are_no_code(code: str) -> None:
    answer = httpx.Response(200, json={"code": code, "message": "ok", "data": {}})
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(LEMFT.read_path).mock(return_value=answer)
        async with LEMFT.client(max_retries=0) as client:
            with pytest.raises(APIResponseValidationError):
                await LEMFT.read(client)


# -- callbacks -------------------------------------------------------------------------------

APP_ID, KS_SECRET, NOW_MS = "test-app-not-real", "test-ks-secret-not-real", 1716307200000


def _ks_headers(base: str, ts: int) -> dict[str, str]:
    digest = hmac.new(KS_SECRET.encode(), base.encode(), hashlib.sha256).hexdigest()
    return {"Timestamp": str(ts), "Signature": digest}


@pytest.mark.parametrize(
    ("name", "value"), [("timestamp", str(NOW_MS - 7 * 86_400_000)), ("appId", "other-app")]
)
def test_a_data_field_cannot_replace_the_signed_header_values(name: str, value: str) -> None:
    data = {"consume_no": "T1", "card_no": "C1", name: value}
    body = json.dumps({"id": "e1", "action": "Consumption", "data": data}).encode()
    # Signed (a week ago) over the data's own value: the Java's putAll lets it win.
    params = {"appId": APP_ID, "timestamp": str(NOW_MS), **data}
    base = "&".join(f"{k}={params[k]}" for k in sorted(params))
    verifier = CallbackVerifier(app_id=APP_ID, secret=KS_SECRET, clock=lambda: NOW_MS / 1000)
    with pytest.raises(WebhookVerificationError, match=name):
        verifier.construct_event(body, _ks_headers(base, NOW_MS))


def test_a_data_field_equal_to_the_header_is_accepted() -> None:
    data = {"consume_no": "T1", "card_no": "C1", "timestamp": str(NOW_MS)}
    body = json.dumps({"id": "e1", "action": "Consumption", "data": data}).encode()
    params = {"appId": APP_ID, **data}
    base = "&".join(f"{k}={params[k]}" for k in sorted(params))
    verifier = CallbackVerifier(app_id=APP_ID, secret=KS_SECRET, clock=lambda: NOW_MS / 1000)
    assert verifier.construct_event(body, _ks_headers(base, NOW_MS)).action == "Consumption"


# -- no card data on exception contexts ------------------------------------------------------


async def test_an_unfit_answer_leaves_no_input_on_the_exception_context() -> None:
    pan = "4111111111111111"
    bad = lemft_envelope({"order_info": {"order_id": {"card_no": pan}}})
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(LEMFT.read_path).mock(return_value=bad)
        async with LEMFT.client() as client:
            with pytest.raises(APIResponseValidationError) as info:
                await LEMFT.read(client)
    chain: list[BaseException] = []
    error: BaseException | None = info.value
    while error is not None and len(chain) < 10:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert chain == [info.value]


async def test_an_undecodable_answer_leaves_no_body_on_the_exception_context() -> None:
    bad = httpx.Response(200, content=b'{"card_no": "4111111111111111", oops')
    with respx.mock(base_url=LEMFT.base) as router:
        router.post(LEMFT.read_path).mock(return_value=bad)
        async with LEMFT.client(max_retries=0) as client:
            with pytest.raises(APIResponseValidationError) as info:
                await LEMFT.read(client)
    assert info.value.__context__ is None
    assert info.value.__cause__ is None


# -- smaller holes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", ["/c/{card_no:.2}/detail", "/c/{card_no!r}/x", "/c/{card_no.x}"]
)
def test_override_templates_take_plain_placeholders_only(template: str) -> None:
    with pytest.raises(ValueError, match="plain"):
        KEYSECURE.client(path_overrides={"cards.retrieve": "/open-api/v1" + template})


@pytest.mark.parametrize(
    "spelling",
    ["HTTP://127.0.0.1:80", "http://127.0.0.1/", "http://127.0.0.1:80/", "Http://127.0.0.1"],
)
def test_one_host_has_one_spelling_and_so_one_gate(spelling: str) -> None:
    client = AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        base_url=spelling,
    )
    assert client.base_url == "http://127.0.0.1"


def test_no_whole_attempt_deadline_when_reading_is_unbounded() -> None:
    assert deadline_of(httpx.Timeout(None, connect=5.0)) is None
    assert deadline_of(httpx.Timeout(10.0, read=None)) is None
    assert deadline_of(httpx.Timeout(10.0, connect=2.0)) == 10.0


@pytest.mark.parametrize("amount", ["1e999999999", "1E+101", "-1e-101", "9" * 101])
def test_money_as_text_is_bounded_like_the_decoder(amount: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        Order.model_validate({"order_id": "o", "out_order_id": "x", "amount": amount})
    ok = Order.model_validate({"order_id": "o", "out_order_id": "x", "amount": "12.50"})
    assert ok.amount == Decimal("12.50")


@pytest.mark.parametrize("name", ["x&mchId", "a=b", ""])
def test_payin_parameter_names_cannot_fold_parameters(name: str) -> None:
    with pytest.raises(ValueError, match="parameter names"):
        sign({"mchId": "M1", name: "v"}, SECRET)


@pytest.mark.parametrize(
    "key", ["cvv_code", "security_code", "cvcValue", "pinBlock", "card_expiry"]
)
def test_more_secret_field_names_are_hidden(key: str) -> None:
    assert is_secret_key(key)


def test_dotted_card_numbers_are_masked() -> None:
    assert "4111.1111.1111.1111" not in mask_text("paid with 4111.1111.1111.1111")
    assert mask_text("total 12.50") == "total 12.50"
