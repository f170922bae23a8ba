"""Absurd numbers are refused in milliseconds, in every place outside input is read.

A 10-byte literal such as ``1e99999999`` in an integer field, or a digit string of
thousands of characters, would block the event loop for seconds to minutes while Python
builds the integer. The one decoder bounds number size; each place turns a refusal into
its own typed error.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import (
    APIResponseValidationError,
    OutcomeUnknownError,
    WebhookPayloadError,
    webhooks,
)
from lemft_async._core._checks import check_money
from lemft_async._core._codec import MAX_EXPONENT, MAX_NUMBER_CHARS, loads
from lemft_async.payin import rupees_to_minor

from ..conftest import FAKE_API_KEY
from ._peers import IDS, PEERS, Peer

BOMBS = ["1e99999999", "1E+99999999", "-1e-99999999", "9" * 5000, "1" + "0" * 20000, "1.5e400"]
BODIES = {
    "lemft": '{{"code":0,"message":"ok","data":{{"order_info":{{"status":{n}}},"total":{n}}}}}',
    "payin": '{{"retCode":"SUCCESS","status":{n},"amount":{n}}}',
    "keysecure": '{{"code":0,"msg":"ok","data":{{"time":{n},"card_no":"C1"}}}}',
}
FAST = 0.5  # seconds: generous on a loaded CI machine, far below the seconds a bomb costs


def bomb(peer: Peer, number: str) -> httpx.Response:
    content = BODIES[peer.name].format(n=number).encode()
    return httpx.Response(200, content=content, headers={"content-type": "application/json"})


@pytest.mark.parametrize("number", BOMBS, ids=lambda n: n[:12])
def test_the_decoder_refuses_absurd_numbers_quickly(number: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"JSON number|limit"):
        loads(f'{{"total": {number}}}')
    with pytest.raises(ValueError, match="JSON number"):
        loads(f"[{number}]", keep_numbers=True)
    assert time.perf_counter() - started < FAST


@pytest.mark.parametrize(
    "number", ["0", "-12", "9865.29", "0.1000000000000000055511151231257827", "1e5", "2E-3"]
)
def test_ordinary_numbers_still_decode_exactly(number: str) -> None:
    value = loads(f"[{number}]")[0]
    assert value == (int(number) if number.lstrip("-").isdigit() else Decimal(number))
    assert loads(f"[{number}]", keep_numbers=True)[0].text == number


def test_the_bounds_are_at_the_edge() -> None:
    fraction = "0." + "1" * (MAX_NUMBER_CHARS - 2)
    assert loads(fraction) == Decimal(fraction)
    assert loads(f"1e{MAX_EXPONENT}") == Decimal(f"1e{MAX_EXPONENT}")
    with pytest.raises(ValueError, match="JSON number"):
        loads(fraction + "1")
    with pytest.raises(ValueError, match="JSON number"):
        loads(f"1e{MAX_EXPONENT + 1}")
    # Integers: the interpreter's digit limit (4300), and ours where it is switched off.
    assert loads("9" * 4000) == int("9" * 4000)
    with pytest.raises(ValueError, match=r"JSON number|limit"):
        loads("9" * 5000)


@pytest.mark.parametrize("number", BOMBS[:4], ids=lambda n: n[:12])
@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_read_with_an_absurd_number_is_a_validation_error(peer: Peer, number: str) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(return_value=bomb(peer, number))
        async with peer.client(max_retries=0) as client:
            started = time.perf_counter()
            with pytest.raises(APIResponseValidationError):
                await peer.read(client)
    assert time.perf_counter() - started < FAST


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_with_an_absurd_number_is_outcome_unknown(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(return_value=bomb(peer, "1e99999999"))
        async with peer.client() as client:
            with pytest.raises(OutcomeUnknownError):
                await peer.write(client)
    assert route.call_count == 1


@pytest.mark.parametrize("number", BOMBS[:4], ids=lambda n: n[:12])
def test_a_signed_lemft_webhook_with_an_absurd_number_is_a_payload_error(number: str) -> None:
    body = f'{{"eventTag":"card.status.active","card_id":"c1","status":{number}}}'.encode()
    headers = _signed(body)
    started = time.perf_counter()
    with pytest.raises(WebhookPayloadError):
        webhooks.construct_event(body, headers, api_key=FAKE_API_KEY)
    assert time.perf_counter() - started < FAST


def _signed(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    timestamp = str(int(time.time()))
    digest = hmac.new(FAKE_API_KEY.encode(), body + timestamp.encode(), hashlib.sha256)
    return {"timestamp": timestamp, "signature": digest.hexdigest()}


@pytest.mark.parametrize(
    "value", [Decimal("1E+999999999"), "1E+999999999", Decimal("-1E+999999999"), 10**400]
)
def test_money_with_a_huge_exponent_is_a_value_error(value: Any) -> None:
    with pytest.raises(ValueError, match="implausibly large"):
        check_money("amount", value)


@pytest.mark.parametrize("value", [Decimal("-0"), "-0", Decimal("-0.00"), Decimal("-1")])
def test_negative_and_minus_zero_amounts_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        check_money("amount", value, allow_zero=True)


def test_payin_rupee_conversion_refuses_huge_amounts_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError, match="implausibly large"):
        rupees_to_minor(Decimal("1E+999990"))
    assert time.perf_counter() - started < FAST
    assert rupees_to_minor(Decimal("9999999999999")) == 999999999999900
