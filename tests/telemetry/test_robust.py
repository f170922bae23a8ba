"""A broken exporter or SDK never changes a call's result (a lost success could be re-sent)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from lemft_async import webhooks
from lemft_async.sandbox import Sandbox
from lemft_async.telemetry import Instrumentation


class _Broken:
    """A tracer/meter provider whose every span and instrument raises when used."""

    def get_tracer(self, *args: Any, **kwargs: Any) -> _Broken:
        return self

    def get_meter(self, *args: Any, **kwargs: Any) -> _Broken:
        return self

    def start_span(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("tracer down")

    def create_counter(self, *args: Any, **kwargs: Any) -> _Broken:
        return self

    def create_histogram(self, *args: Any, **kwargs: Any) -> _Broken:
        return self

    def add(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("meter down")

    def record(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("meter down")


BROKEN = Instrumentation(tracer_provider=_Broken(), meter_provider=_Broken())


async def test_a_write_succeeds_whatever_telemetry_does(
    lemft_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="lemft_async"):
        async with lemft_sandbox.client(instrument=BROKEN) as client:
            order = await client.orders.open_card(
                bin_id="cpi_6530de6a2f1c7", amount=Decimal("10"), out_order_id="o-robust"
            )
    assert order.out_order_id == "o-robust"
    assert "telemetry" in caplog.text
    assert "RuntimeError" in caplog.text


async def test_a_meter_failing_after_the_answer_loses_nothing(
    lemft_sandbox: Sandbox, otel: Any
) -> None:
    # Spans work, metrics fail: the failure happens after the answer came back.
    providers = Instrumentation(
        tracer_provider=otel.instrumentation.tracer_provider, meter_provider=_Broken()
    )
    async with lemft_sandbox.client(instrument=providers) as client:
        page = await client.wallets.list()
    assert page.total
    assert otel.attrs("lemft wallets.list")["lemft.outcome"] == "ok"


async def test_a_receiver_answers_whatever_telemetry_does(lemft_sandbox: Sandbox) -> None:
    receiver = webhooks.WebhookReceiver(
        webhooks.Router(), api_key=lemft_sandbox.credentials.api_key
    ).instrument(BROKEN)
    answer = await lemft_sandbox.deliver({"eventTag": "card.trade", "card_id": "c"}, to=receiver)
    assert answer.status_code == 200
