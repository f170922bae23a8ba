"""Logging as a second guard: card numbers masked in any record of the package's loggers,
and a receiver's handler failure logged with its (masked) message."""

from __future__ import annotations

import logging

import pytest

from lemft_async._core._logging import child_logger, logger
from lemft_async.payin import PayinNotification, PayoutNotification

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
