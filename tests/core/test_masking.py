"""Card data masked wherever it appears: by value (Luhn) and by key, in every repr and error.

The rule is one module (``lemft_async._core._redact``) used by the models, events and errors
of all three clients.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from lemft_async import APIError, webhooks
from lemft_async._core._redact import is_card_number, mask_card_no, mask_text
from lemft_async.keysecure import CardDetail
from lemft_async.payin import PayinOrder
from lemft_async.types import Card

from ..conftest import FAKE_API_KEY, FAKE_KEY
from ..keysecure.conftest import API_KEY
from ..payin.conftest import SECRET, json_response
from ._peers import IDS, PEERS, Peer

VISA = "4111111111111111"
PANS = [VISA, "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "378282246310005"]
HIDDEN = ["123", "12/29", "1234", "0429"]


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


@pytest.mark.parametrize("pan", PANS)
def test_card_numbers_are_recognised_by_value(pan: str) -> None:
    assert is_card_number(pan)
    masked = mask_text(f"card {pan} declined")
    digits = pan.replace(" ", "").replace("-", "")
    assert digits not in masked.replace(" ", "").replace("-", "")
    assert f"{digits[:6]}" in masked
    assert masked.endswith(f"{digits[-4:]} declined")


@pytest.mark.parametrize(
    "text", ["4111111111111112", "411111111111", "41111111111111111111", "1234"]
)
def test_other_digit_runs_are_left_alone(text: str) -> None:
    assert not is_card_number(text)
    assert mask_text(text) == text


@given(st.text(alphabet="0123456789", min_size=12, max_size=18), st.text(max_size=20))
def test_any_luhn_valid_number_in_text_is_masked(body: str, around: str) -> None:
    pan = luhn_complete(body)
    masked = mask_text(f"{around} {pan} {around}")
    assert pan not in masked
    alone = mask_text(pan)
    assert alone == mask_card_no(pan)


def _event_repr() -> str:
    data = {
        "eventTag": "mystery.tag",
        "cardNumber": VISA,
        "nested": {"card_pan": "5555555555554444", "list": [{"PAN": "378282246310005"}]},
        "note": "card 4111 1111 1111 1111 declined",
        "cvv2": "123",
        "Card_Expiry": "12/29",
        "PIN": "1234",
        "pin_code": "0429",
    }
    event = webhooks.UnknownEvent.model_validate({"event_tag": "mystery.tag", "data": data})
    return repr(event) + str(event)


def _model_reprs() -> list[str]:
    extra = {
        "cardNumber": VISA,
        "card_pan": "5555555555554444",
        "remark": "paid with 378282246310005",
        "cvv2": "123",
        "expiry": "12/29",
        "Pin": "1234",
    }
    models: list[Any] = [
        Card.model_validate({"card_id": "c1", "card_no": VISA, **extra}),
        CardDetail.model_validate({"card_no": VISA, **extra}),
        PayinOrder.model_validate({"mchOrderNo": "M1", "payOrderId": "P1", "status": 2, **extra}),
    ]
    return [text for m in models for text in (repr(m), str(m))]


@pytest.mark.parametrize("text", [_event_repr(), *_model_reprs()])
def test_reprs_of_events_and_models_show_no_card_data(text: str) -> None:
    for pan in ("4111111111111111", "5555555555554444", "378282246310005"):
        assert pan not in text.replace(" ", "").replace("-", "")
    for secret in HIDDEN:
        assert f"'{secret}'" not in text
    assert "411111" in text  # first six are shown: the value is masked, not dropped


def test_an_error_message_echoing_a_card_number_is_masked() -> None:
    error = APIError(10001, f"card {VISA} is frozen", "t", "/p")
    assert VISA not in str(error)
    assert "411111******1111" in str(error)


SERVER_ECHO = {
    "lemft": lambda: httpx.Response(
        200, json={"code": 10001, "message": f"key {FAKE_KEY} / {FAKE_API_KEY} invalid for {VISA}"}
    ),
    "payin": lambda: json_response(
        {"retCode": "FAIL", "retMsg": f"sign with {SECRET} wrong for {VISA}", "errDes": SECRET}
    ),
    "keysecure": lambda: httpx.Response(
        200, json={"code": 1004, "msg": f"Api-Key {API_KEY} and {VISA} rejected"}
    ),
}


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_server_message_echoing_credentials_is_masked(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(return_value=SERVER_ECHO[peer.name]())
        async with peer.client(max_retries=0) as client:
            with pytest.raises(APIError) as info:
                await peer.read(client)
    text = str(info.value) + repr(info.value) + info.value.message
    for secret in (FAKE_KEY, FAKE_API_KEY, SECRET, API_KEY, VISA):
        assert secret not in text
    assert "***" in text


def test_the_expiry_of_decrypted_card_data_is_hidden_in_its_repr() -> None:
    from lemft_async.keysecure import CardPrivateInfo

    info = CardPrivateInfo(pan="4111111111111111", cvv="123", exp_year="2031", exp_month="07")
    shown = repr(info) + str(info)
    for secret in ("2031", "07'", "123", "4111111111111111"):
        assert secret not in shown
    assert info.exp_year == "2031"  # only the repr hides it
