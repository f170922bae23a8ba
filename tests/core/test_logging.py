"""Logging as a second guard: card numbers masked in any record of the package's loggers,
and a receiver's handler failure logged with its (masked) message."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from lemft_async import APIConnectionError, OutcomeUnknownError
from lemft_async._core._logging import child_logger, logger
from lemft_async.payin import PayinNotification, PayoutNotification

from ._peers import IDS, PEERS, Peer

PAN = "4111111111111111"


@pytest.mark.parametrize("log", [logger, child_logger("payin"), child_logger("webhooks")])
def test_a_record_carrying_a_card_number_is_masked(
    log: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="lemft_async"):
        log.warning("card %s declined for %s", PAN, "reason")
    assert PAN not in caplog.text
    assert "411111******1111 declined for reason" in caplog.text


def test_ordinary_records_keep_their_arguments(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="lemft_async"):
        logger.info("retry %d/%d in %.3f s", 1, 5, 0.25)
    assert caplog.records[-1].args == (1, 5, 0.25)
    assert "retry 1/5 in 0.250 s" in caplog.text


def test_pay_in_and_payout_notifications_share_one_success_property() -> None:
    common = {"mchOrderNo": "M1", "amount": "10000"}
    paid = PayinNotification.model_validate({"payOrderId": "P1", "status": "2", **common})
    sent = PayoutNotification.model_validate({"agentpayOrderId": "A1", "status": "2", **common})
    failed = PayoutNotification.model_validate({"agentpayOrderId": "A2", "status": "3", **common})
    assert paid.succeeded is True
    assert sent.succeeded is True
    assert failed.succeeded is False


# -- what a call logs (all three clients) ------------------------------------------------------


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_an_unknown_outcome_is_a_warning_naming_what_to_reconcile_with(
    peer: Peer, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.post(peer.path).mock(side_effect=httpx.ReadTimeout("slow"))
        async with peer.client() as client:
            with (
                caplog.at_level(logging.WARNING, logger="lemft_async"),
                pytest.raises(OutcomeUnknownError) as info,
            ):
                await peer.write(client)
    warning = next(r for r in caplog.records if "outcome unknown" in r.getMessage())
    assert warning.levelno == logging.WARNING
    text = warning.getMessage()
    key, value = peer.reference
    assert f"{key}={value}" in text
    assert info.value.traceid is not None
    assert info.value.traceid in text
    assert peer.operation in text


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_info_logs_each_retry_and_the_final_failure(
    peer: Peer, caplog: pytest.LogCaptureFixture, no_sleep: list[float]
) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(side_effect=httpx.ConnectError("refused"))
        async with peer.client(max_retries=2) as client:
            with (
                caplog.at_level(logging.DEBUG, logger="lemft_async"),
                pytest.raises(APIConnectionError, match="connection error"),
            ):
                await peer.read(client)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("; retry " in m for m in messages) == 2
    assert sum(" failed: APIConnectionError after 3 attempt(s)" in m for m in messages) == 1
    assert sum(" attempt " in m and "ConnectError" in m for m in messages) == 3  # debug
