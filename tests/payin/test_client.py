"""AsyncPayin: what goes on the wire, how answers are checked and typed, configuration."""

from __future__ import annotations

import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from lemft_async import APIError
from lemft_async.payin import (
    AsyncPayin,
    PayinError,
    PayinOutcomeUnknownError,
    PayinStatus,
    PayoutStatus,
    ResponseSignatureError,
    sign,
    signature_matches,
)

from .conftest import BASE_URL, MCH_ID, NOTIFY_URL, SECRET, FakeGateway, json_response, signed

CREATED = {
    "retCode": "SUCCESS",
    "retMsg": "OK",
    "payOrderId": "Le20250311182001",
    "payParams": {
        "payMethod": "urlJump",
        "payUrl": "https://checkout.example/#/checkout/100010",
        "qrString": "00020101021226820014",
        "url": None,
        "upi": "test123@test123",
    },
}

QUERIED = {
    "retCode": "SUCCESS",
    "retMsg": "OK",
    "status": 2,
    "productId": "8001",
    "amount": 10000,
    "channelPayNo": "testutr13",
    "currency": "INR",
    "mchOrderNo": "20160427210604000490",
    "payOrderId": "Le20250311182001",
    "paySuccTime": 1730111845123,
}


async def test_create_order_sends_a_signed_form(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed(CREATED)))
    created = await payin.create_order(
        mch_order_no="202503110001",
        amount=10000,
        notify_url=NOTIFY_URL,
        phone_number="6888889999",
        payer_email="123@test.com",
        account_name="12312312",
        remark="123123",
        return_url="http://www.baidu.com/return.htm",
    )
    request = gateway.requests[0]
    assert request.method == "POST"
    assert request.url == f"{BASE_URL}/api/pay/neworder"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = gateway.form()
    assert form == {
        "accountName": "12312312",
        "amount": "10000",
        "currency": "INR",
        "mchId": MCH_ID,
        "mchOrderNo": "202503110001",
        "notifyUrl": NOTIFY_URL,
        "payerEmail": "123@test.com",
        "phoneNumber": "6888889999",
        "remark": "123123",
        "returnUrl": "http://www.baidu.com/return.htm",
        "sign": form["sign"],
    }
    assert form["sign"] == sign(form, SECRET)
    assert created.pay_order_id == "Le20250311182001"
    assert created.mch_order_no == "202503110001"
    assert created.amount == 10000
    assert created.pay_params is not None
    assert created.pay_params.pay_url == "https://checkout.example/#/checkout/100010"
    assert created.pay_params.url is None
    assert "sign" not in (created.model_extra or {})


async def test_optional_fields_are_not_sent_and_order_number_is_generated(
    payin: AsyncPayin, gateway: FakeGateway
) -> None:
    gateway.replies.append(json_response(signed(CREATED)))
    created = await payin.create_order(amount=500, notify_url=NOTIFY_URL, remark="")
    form = gateway.form()
    assert set(form) == {"amount", "currency", "mchId", "mchOrderNo", "notifyUrl", "sign"}
    assert created.mch_order_no == form["mchOrderNo"]
    assert len(form["mchOrderNo"]) == 30


_BAD_CREATE: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"amount": 150}, ValueError, "amount"),
    ({"amount": 100.0}, TypeError, "amount"),
    ({"phone_number": "1234567890"}, ValueError, "phone_number"),
    ({"payer_email": "x@y"}, ValueError, "payer_email"),
    ({"account_name": "A"}, ValueError, "account_name"),
    ({"mch_order_no": "x" * 31}, ValueError, "mch_order_no"),
    ({"notify_url": "not a url"}, ValueError, "notify_url"),
    ({"return_url": "/relative"}, ValueError, "return_url"),
    ({"currency": "inr"}, ValueError, "currency"),
    ({"remark": 5}, TypeError, "remark"),
    ({"extra_params": {"sign": "x"}}, ValueError, "extra_params"),
    ({"extra_params": {"amount": 1}}, ValueError, "extra_params"),
    ({"extra_params": ["x"]}, TypeError, "extra_params"),
]


@pytest.mark.parametrize(("override", "error", "field"), _BAD_CREATE)
async def test_create_order_validates_before_sending(
    payin: AsyncPayin,
    gateway: FakeGateway,
    override: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    kwargs: dict[str, Any] = {"amount": 10000, "notify_url": NOTIFY_URL, **override}
    with pytest.raises(error, match=field):
        await payin.create_order(**kwargs)
    assert gateway.requests == []


async def test_extra_params_are_sent_and_signed(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed(CREATED)))
    await payin.create_order(
        amount=10000, notify_url=NOTIFY_URL, extra_params={"reqTime": "20250311182001"}
    )
    form = gateway.form()
    assert form["reqTime"] == "20250311182001"
    assert signature_matches(form, SECRET)


async def test_fail_answer_raises_payin_error_without_retry(
    payin: AsyncPayin, gateway: FakeGateway
) -> None:
    fail = {"retCode": "FAIL", "retMsg": "签名失败", "errCode": "0013", "errDes": "sign error"}
    gateway.replies.append(json_response(fail))
    with pytest.raises(PayinError) as info:
        await payin.query_order(mch_order_no="X1")
    err = info.value
    assert isinstance(err, APIError)
    assert (err.ret_code, err.ret_msg, err.err_code, err.err_des) == (
        "FAIL",
        "签名失败",
        "0013",
        "sign error",
    )
    assert err.path == "/api/pay/orderquery"
    assert "0013" in str(err)
    assert len(gateway.requests) == 1
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 (our own bytes)
    assert type(again) is PayinError
    assert (again.err_code, again.ret_msg, again.path) == ("0013", "签名失败", err.path)


async def test_query_order_by_either_id(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed(QUERIED)))
    order = await payin.query_order(pay_order_id="Le20250311182001", execute_notify=True)
    form = gateway.form()
    assert gateway.requests[0].url.path == "/api/pay/orderquery"
    assert form["payOrderId"] == "Le20250311182001"
    assert "mchOrderNo" not in form
    assert form["executeNotify"] == "true"
    assert order.status is PayinStatus.PAID
    assert order.is_paid
    assert order.amount_rupees is not None
    assert str(order.amount_rupees) == "100.00"
    assert order.pay_succ_time is not None
    assert not isinstance(order.pay_succ_time, str)
    assert order.pay_succ_time.isoformat() == "2024-10-28T10:37:25.123000+00:00"


async def test_query_order_sends_false_by_default(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed({**QUERIED, "status": 9})))
    order = await payin.query_order(mch_order_no="20160427210604000490")
    assert gateway.form()["executeNotify"] == "false"
    assert order.status == 9
    assert not isinstance(order.status, PayinStatus)
    assert not order.is_paid


async def test_query_order_argument_errors(payin: AsyncPayin, gateway: FakeGateway) -> None:
    with pytest.raises(ValueError, match="pay_order_id or mch_order_no"):
        await payin.query_order()
    with pytest.raises(TypeError, match="execute_notify"):
        await payin.query_order(mch_order_no="X", execute_notify="true")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pay_order_id"):
        await payin.query_order(pay_order_id="")
    assert gateway.requests == []


async def test_apply_payout(payin: AsyncPayin, gateway: FakeGateway) -> None:
    applied = {
        "retCode": "SUCCESS",
        "retMsg": "Payout application successful",
        "agentpayOrderId": "Le198311136382210",
        "fee": 1200,
        "extra": None,
        "status": 1,
    }
    gateway.replies.append(json_response(signed(applied)))
    payout = await payin.apply_payout(
        mch_order_no="PO1",
        amount=100000,
        account_no="123456789012",
        extra={"value": "AIRP0000001"},
        notify_url=NOTIFY_URL,
        account_name="Asha Verma",
    )
    form = gateway.form()
    assert gateway.requests[0].url.path == "/api/agentpay/apply"
    assert form["extra"] == '{"value":"AIRP0000001"}'
    assert form["accountBankCode"] == "BANK"
    assert form["accountNo"] == "123456789012"
    assert signature_matches(form, SECRET)
    assert payout.status is PayoutStatus.PROCESSING
    assert payout.is_pending
    assert payout.fee == 1200
    assert payout.mch_order_no == "PO1"
    assert payout.agentpay_order_id == "Le198311136382210"


@pytest.mark.parametrize(
    ("override", "error", "field"),
    [
        ({"extra": {}}, TypeError, "extra"),
        ({"account_no": ""}, ValueError, "account_no"),
        ({"amount": 99}, ValueError, "amount"),
        ({"phone_number": "123"}, ValueError, "phone_number"),
    ],
)
async def test_apply_payout_validates_before_sending(
    payin: AsyncPayin,
    gateway: FakeGateway,
    override: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    kwargs: dict[str, Any] = {
        "amount": 10000,
        "account_no": "123",
        "extra": {"value": "AIRP0000001"},
        "notify_url": NOTIFY_URL,
        **override,
    }
    with pytest.raises(error, match=field):
        await payin.apply_payout(**kwargs)
    assert gateway.requests == []


async def test_query_payout(payin: AsyncPayin, gateway: FakeGateway) -> None:
    answer = {"retCode": "SUCCESS", "agentpayOrderId": "A1", "status": 6, "accountNo": "99887766"}
    gateway.replies.append(json_response(signed(answer)))
    payout = await payin.query_payout(agentpay_order_id="A1")
    assert gateway.requests[0].url.path == "/api/agentpay/query_order"
    assert gateway.form()["agentpayOrderId"] == "A1"
    assert payout.status is PayoutStatus.REVERSED
    assert payout.is_failed
    assert not payout.is_success
    assert "99887766" not in repr(payout)
    with pytest.raises(ValueError, match="mch_order_no or agentpay_order_id"):
        await payin.query_payout()


# -- response signatures ---------------------------------------------------------------------


def _client(gateway: FakeGateway, mode: Any = "strict") -> AsyncPayin:
    return AsyncPayin(
        mch_id=MCH_ID,
        secret=SECRET,
        base_url=BASE_URL,
        transport=httpx.MockTransport(gateway.handler),
        verify_response_signatures=mode,
    )


def _flat_signed(payload: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in payload.items() if not isinstance(v, dict)}
    return {**payload, "sign": sign(flat, SECRET)}


def _drop_null_signed(payload: dict[str, Any]) -> dict[str, Any]:
    params = {**payload, "payParams": {k: v for k, v in payload["payParams"].items() if v}}
    return {**payload, "sign": sign(params, SECRET)}


_FORGED = {**CREATED, "sign": "0" * 32}
_UNSIGNED = dict(CREATED)

# (mode, body, accepted?)
_RESPONSE_TABLE: list[tuple[str, dict[str, Any], bool]] = [
    ("strict", signed(CREATED), True),
    ("strict", {**signed(CREATED), "sign": signed(CREATED)["sign"].lower()}, True),
    ("strict", _drop_null_signed(CREATED), True),
    ("strict", _flat_signed(CREATED), False),
    ("strict", _FORGED, False),
    ("strict", _UNSIGNED, False),
    ("flat", _flat_signed(CREATED), True),
    ("flat", _FORGED, False),
    ("flat", _UNSIGNED, False),
    ("if_present", _UNSIGNED, True),
    ("if_present", _FORGED, False),
    ("off", _FORGED, True),
]


@pytest.mark.parametrize(("mode", "body", "accepted"), _RESPONSE_TABLE)
async def test_response_signature_modes(
    gateway: FakeGateway, mode: str, body: dict[str, Any], accepted: bool
) -> None:
    gateway.replies.append(json_response(body))
    async with _client(gateway, mode) as client:
        if accepted:
            created = await client.create_order(
                mch_order_no="M1", amount=10000, notify_url=NOTIFY_URL
            )
            assert created.pay_order_id == "Le20250311182001"
        else:
            # A write: an untrusted SUCCESS means the order may exist, so it is an unknown
            # outcome (never re-sent) whose cause is the signature error.
            with pytest.raises(PayinOutcomeUnknownError) as info:
                await client.create_order(mch_order_no="M1", amount=10000, notify_url=NOTIFY_URL)
            assert info.value.mch_order_no == "M1"
            cause = info.value.cause
            assert isinstance(cause, ResponseSignatureError)
            assert cause.mch_order_no == "M1"
            assert cause.payload is not None
            assert cause.payload["payOrderId"] == "Le20250311182001"
            assert "forged" in str(cause)
    assert len(gateway.requests) == 1


async def test_tampered_nested_pay_url_is_caught(gateway: FakeGateway) -> None:
    body = signed(CREATED)
    body["payParams"] = {**CREATED["payParams"], "payUrl": "https://evil.example"}  # type: ignore[dict-item]
    gateway.replies.append(json_response(body))
    async with _client(gateway) as client:
        with pytest.raises(PayinOutcomeUnknownError) as info:
            await client.create_order(amount=10000, notify_url=NOTIFY_URL)
    assert isinstance(info.value.cause, ResponseSignatureError)
    assert len(gateway.requests) == 1


async def test_a_read_with_a_bad_signature_raises_the_signature_error_at_once(
    gateway: FakeGateway,
) -> None:
    gateway.replies.append(json_response({**QUERIED, "sign": "0" * 32}))
    async with _client(gateway) as client:
        with pytest.raises(ResponseSignatureError):
            await client.query_order(mch_order_no="M1")
    assert len(gateway.requests) == 1


@pytest.mark.parametrize("err_code", ["0010", "0110", "0111", "0118", "0120"])
async def test_ambiguous_fail_codes_make_a_write_outcome_unknown(
    gateway: FakeGateway, err_code: str
) -> None:
    fail = {"retCode": "FAIL", "retMsg": "system error", "errCode": err_code}
    gateway.replies.append(json_response(fail))
    async with _client(gateway) as client:
        with pytest.raises(PayinOutcomeUnknownError) as info:
            await client.create_order(mch_order_no="M9", amount=10000, notify_url=NOTIFY_URL)
    assert info.value.mch_order_no == "M9"
    assert isinstance(info.value.cause, PayinError)
    assert len(gateway.requests) == 1


async def test_a_definite_fail_code_stays_a_payin_error(gateway: FakeGateway) -> None:
    gateway.replies.append(json_response({"retCode": "FAIL", "retMsg": "bad", "errCode": "0014"}))
    async with _client(gateway) as client:
        with pytest.raises(PayinError) as info:
            await client.create_order(mch_order_no="M9", amount=10000, notify_url=NOTIFY_URL)
    assert not isinstance(info.value, PayinOutcomeUnknownError)
    assert info.value.err_code == "0014"


async def test_response_signature_error_pickles() -> None:
    err = ResponseSignatureError("bad", path="/p", status_code=200, mch_order_no="M1", payload={})
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 (our own bytes)
    assert (type(again), again.mch_order_no, again.path) == (ResponseSignatureError, "M1", "/p")


# -- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"base_url": "http://gateway.example"}, ValueError, "plain http"),
        ({"base_url": "gateway.example"}, ValueError, "http"),
        ({"base_url": None}, ValueError, "base_url"),
        ({"secret": ""}, ValueError, "secret"),
        ({"mch_id": ""}, ValueError, "mch_id"),
        ({"verify_response_signatures": "sometimes"}, ValueError, "verify_response_signatures"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"path_overrides": {"nope": "/x"}}, ValueError, "unknown operation"),
        ({"path_overrides": {"query_order": "x"}}, ValueError, "absolute path"),
    ],
)
def test_constructor_refuses(kwargs: dict[str, Any], error: type[Exception], words: str) -> None:
    base: dict[str, Any] = {"mch_id": MCH_ID, "secret": SECRET, "base_url": BASE_URL}
    with pytest.raises(error, match=words):
        AsyncPayin(**{**base, **kwargs})


async def test_http_client_and_transport_are_exclusive() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="not both"):
            AsyncPayin(
                mch_id=MCH_ID,
                secret=SECRET,
                base_url=BASE_URL,
                http_client=http,
                transport=httpx.MockTransport(lambda r: httpx.Response(200)),
            )


def test_base_url_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    # No host is chosen for you: base_url=, or PAYIN_BASE_URL.
    monkeypatch.delenv("PAYIN_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="PAYIN_BASE_URL"):
        AsyncPayin(mch_id=MCH_ID, secret=SECRET)


async def test_base_url_forms() -> None:
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="http://127.0.0.1:8081/") as c:
        assert c.base_url == "http://127.0.0.1:8081"
    async with AsyncPayin(
        mch_id=MCH_ID, secret=SECRET, base_url="http://gw.internal", allow_insecure=True
    ) as c:
        assert c.base_url == "http://gw.internal"


async def test_repr_and_errors_never_show_the_secret(gateway: FakeGateway) -> None:
    gateway.replies.append(json_response({**CREATED, "sign": "0" * 32}))
    async with _client(gateway) as client:
        assert SECRET not in repr(client)
        assert "secret=***" in repr(client)
        with pytest.raises(PayinOutcomeUnknownError) as info:
            await client.create_order(amount=10000, notify_url=NOTIFY_URL)
        assert isinstance(info.value.cause, ResponseSignatureError)
        assert SECRET not in str(info.value)
        assert SECRET not in str(info.value.cause)


async def test_path_overrides_are_used(gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed({"retCode": "SUCCESS", "status": 2})))
    async with AsyncPayin(
        mch_id=MCH_ID,
        secret=SECRET,
        base_url=BASE_URL,
        transport=httpx.MockTransport(gateway.handler),
        path_overrides={"query_payout": "/api/agentpay/orderquery"},
    ) as client:
        assert client.endpoints["query_payout"].path == "/api/agentpay/orderquery"
        assert not client.endpoints["query_payout"].documented
        await client.query_payout(mch_order_no="P1")
    assert gateway.requests[0].url.path == "/api/agentpay/orderquery"


async def test_with_options_shares_the_pool(gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed(QUERIED)))
    client = _client(gateway)
    copy = client.with_options(timeout=5.0, max_retries=0)
    assert (copy.timeout.read, copy.max_retries) == (5.0, 0)
    assert client.max_retries != 0
    await copy.aclose()
    order = await client.query_order(mch_order_no="X")  # the pool is still open
    assert order.is_paid
    with pytest.raises(RuntimeError, match="closed"):
        await copy.query_order(mch_order_no="X")
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await client.query_order(mch_order_no="X")


async def test_own_http_client_is_not_closed(gateway: FakeGateway) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url=BASE_URL, http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()


async def test_request_escape_hatch(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed({"retCode": "SUCCESS", "balance": 5})))
    body = await payin.request("/api/agentpay/query_balance", {"reqTime": "20250101000000"})
    assert body["balance"] == 5
    form = gateway.form()
    assert form["mchId"] == MCH_ID
    assert signature_matches(form, SECRET)
    bad_calls: list[tuple[Callable[[], Awaitable[object]], str]] = [
        (lambda: payin.request("no-slash"), "path"),
        (lambda: payin.request("/x", kind="maybe"), "kind"),  # type: ignore[arg-type]
        (lambda: payin.request("/x", {"mchId": "other"}), "params"),
    ]
    for call, words in bad_calls:
        with pytest.raises(ValueError, match=words):
            await call()
    assert len(gateway.requests) == 1


async def test_the_queries_take_extra_params_too(payin: AsyncPayin, gateway: FakeGateway) -> None:
    gateway.replies.append(json_response(signed(QUERIED)))
    await payin.query_order(mch_order_no="X1", extra_params={"reqTime": "20250311182001"})
    form = gateway.form()
    assert form["reqTime"] == "20250311182001"
    assert signature_matches(form, SECRET)
    answer = {"retCode": "SUCCESS", "agentpayOrderId": "A1", "status": 6}
    gateway.replies.append(json_response(signed(answer)))
    await payin.query_payout(agentpay_order_id="A1", extra_params={"reqTime": "1"})
    assert gateway.form()["reqTime"] == "1"
    sent = len(gateway.requests)
    with pytest.raises(ValueError, match="extra_params"):
        await payin.query_order(mch_order_no="X1", extra_params={"mchOrderNo": "X2"})
    with pytest.raises(ValueError, match="extra_params"):
        await payin.query_payout(mch_order_no="X1", extra_params={"sign": "x"})
    assert len(gateway.requests) == sent  # refused before sending
