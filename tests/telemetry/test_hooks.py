"""Event hooks: what they are told, when, and that a failing hook changes nothing."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from lemft_async import AsyncLemft, OutcomeUnknownError
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox
from lemft_async.telemetry import CallView


async def test_sync_and_async_hooks_see_each_attempt(lemft_sandbox: Sandbox) -> None:
    seen: list[CallView] = []

    async def on_response(view: CallView) -> None:
        seen.append(view)

    hooks = {"request": [seen.append], "response": [on_response]}
    async with lemft_sandbox.client(event_hooks=hooks) as client:
        await client.wallets.list()
    request, response = seen
    assert (request.event, response.event) == ("request", "response")
    assert request.api == response.api == "lemft"
    assert request.operation == "wallets.list"
    assert request.path == "/v1/openApi/wallet/walletList"
    assert request.attempt == response.attempt == 1
    assert request.traceid == response.traceid
    assert len(request.traceid) == 32
    assert (request.status, request.duration, request.error) == (None, None, None)
    assert response.status == 200
    assert response.duration is not None
    assert response.duration > 0
    assert response.error is None


async def test_a_retried_attempt_is_reported_with_its_failure(
    lemft_sandbox: Sandbox, no_sleep: list[float]
) -> None:
    lemft_sandbox.inject("error", operation="wallets.list")  # 10005: a read is retried
    seen: list[CallView] = []
    async with lemft_sandbox.client(event_hooks={"response": [seen.append]}) as client:
        await client.wallets.list()
    assert [(v.attempt, v.error) for v in seen] == [(1, "code 10005"), (2, None)]


async def test_a_hook_that_raises_is_logged_and_the_call_goes_on(
    lemft_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(view: CallView) -> None:
        raise RuntimeError(f"boom {lemft_sandbox.credentials.api_key}")

    after: list[str] = []
    hooks = {"request": [broken, lambda v: after.append(v.event)], "response": [broken]}
    with caplog.at_level(logging.WARNING, logger="lemft_async"):
        async with lemft_sandbox.client(event_hooks=hooks) as client:
            page = await client.wallets.list()
    assert (page.total or 0) >= 1
    assert after == ["request"]  # the next hook still ran
    warnings = [r.getMessage() for r in caplog.records if "event hook" in r.getMessage()]
    assert len(warnings) == 2
    assert "RuntimeError" in warnings[0]
    assert "wallets.list" in warnings[0]
    assert lemft_sandbox.credentials.api_key not in caplog.text  # the type, not the message


async def test_a_raising_hook_never_makes_a_write_sent_twice(lemft_sandbox: Sandbox) -> None:
    def broken(view: Any) -> None:
        raise ValueError("hook bug")

    lemft_sandbox.inject("error", operation="orders.open_card", applied=True)
    hooks = {"request": [broken], "response": [broken]}
    async with lemft_sandbox.client(event_hooks=hooks) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.orders.open_card(
                bin_id="cpi_6530de6a2f1c7", amount=Decimal("10"), out_order_id="o-hooks"
            )
    path = lemft_sandbox.routes["orders.open_card"].path
    assert lemft_sandbox.stats.requests[path] == 1


async def test_with_options_gives_a_copy_its_own_hooks(lemft_sandbox: Sandbox) -> None:
    original: list[str] = []
    copied: list[str] = []
    async with lemft_sandbox.client(event_hooks={"request": [lambda v: original.append("o")]}) as c:
        copy = c.with_options(event_hooks={"request": [lambda v: copied.append("c")]})
        silent = c.with_options(event_hooks={})
        await c.wallets.list()
        await copy.wallets.list()
        await silent.wallets.list()
        untouched = c.with_options(timeout=5.0)
        await untouched.wallets.list()
    assert original == ["o", "o"]
    assert copied == ["c"]
    assert silent._transport.telemetry is None


async def test_payin_and_keysecure_hooks(
    payin_sandbox: PayinSandbox, keysecure_sandbox: KeySecureSandbox
) -> None:
    seen: list[tuple[str, str, str]] = []

    def hook(view: CallView) -> None:
        seen.append((view.api, view.operation, view.event))

    hooks = {"request": [hook], "response": [hook]}
    async with payin_sandbox.client(event_hooks=hooks) as payin:
        await payin.create_order(amount=10000, notify_url="https://merchant.example/n")
    async with keysecure_sandbox.client(event_hooks=hooks) as ks:
        await ks.cards.retrieve("C0001")
    assert seen[:2] == [("payin", "create_order", "request"), ("payin", "create_order", "response")]
    assert ("keysecure", "token.get", "response") in seen
    assert seen[-1] == ("keysecure", "cards.retrieve", "response")


@pytest.mark.parametrize(
    ("hooks", "error"),
    [
        ({"requests": []}, ValueError),
        ({"request": print}, TypeError),
        ({"request": "print"}, TypeError),
        ({"response": [1]}, TypeError),
        ([("request", [])], TypeError),
    ],
)
def test_malformed_hooks_are_refused_before_any_request(hooks: Any, error: type) -> None:
    with pytest.raises(error):
        AsyncLemft(
            customer_id=1, app_id=1, key="k", api_key="a", environment="sandbox", event_hooks=hooks
        )


def test_a_view_carries_no_body_or_header() -> None:
    fields = set(CallView.__dataclass_fields__)
    assert fields == {
        "event",
        "api",
        "operation",
        "path",
        "attempt",
        "traceid",
        "status",
        "duration",
        "error",
    }
