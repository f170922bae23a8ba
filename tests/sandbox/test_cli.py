"""The ``lemft`` command: demo, sandbox serve, and the read commands against a served sandbox."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import pytest

import lemft_async.sandbox.serve as serve_module
from lemft_async import AsyncLemft
from lemft_async.cli import main
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import serve_in_thread

from .conftest import USD_VIRTUAL


def test_demo_issues_every_card_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--cards", "20", "--latency", "0.001"]) == 0
    out = capsys.readouterr().out
    assert "20 / 20" in out
    assert "demo ok" in out
    assert "server-side 10004" in out
    assert "elapsed / ideal" in out


def test_demo_json_parses_with_money_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--cards", "5", "--latency", "0", "--json", "--amount", "2.50"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["issued"], data["failed"], data["server_10004"]) == (5, 0, 0)
    assert data["amounts"] == "12.50"
    assert data["fees"] == "7.50"  # 5 x (1.00 opening + 0.50 minimum handling)
    assert Decimal(data["wallet_before"]) - Decimal(data["wallet_after"]) == Decimal("20.00")
    assert data["ratio"] is None  # latency 0: no ideal to compare with
    assert data["ok"] is True


def test_demo_exits_1_when_cards_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--cards", "3", "--latency", "0", "--amount", "999999", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["issued"], data["failed"], data["ok"]) == (0, 3, False)
    assert "amount" in data["errors"][0]


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--cards", "0"])
    assert info.value.code == 2
    assert "must be >= 1" in capsys.readouterr().err


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, str]]:
    """A sandbox on a loopback port, with the LEMFT_* variables pointing at it."""
    sandbox = Sandbox()
    with serve_in_thread(sandbox) as url:
        for name, value in sandbox.credentials.as_env(url).items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("LEMFT_ENVIRONMENT", raising=False)
        yield sandbox, url


def test_wallets_list_table(served: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wallets", "list"]) == 0
    out = capsys.readouterr().out
    assert "100000.00" in out
    assert "HKD" in out


def test_wallets_list_json(served: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wallets", "list", "--currency", "USD", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1
    [wallet] = data["wallets"]
    assert wallet["available_balance"] == "100000"  # exact text, never a float
    assert wallet["currency"] == "USD"


def _open_order(url: str, sandbox: Sandbox) -> str:
    async def run() -> str:
        async with AsyncLemft.from_env() as client:
            order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("12.34"))
            return order.order_id or ""

    return anyio.run(run)


def test_orders_get_table_and_json(served: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox, url = served
    order_id = _open_order(url, sandbox)
    assert main(["orders", "get", order_id]) == 0
    table = capsys.readouterr().out
    assert order_id in table
    assert "USD 12.34" in table
    assert main(["orders", "get", order_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["order_info"]["order_id"] == order_id
    assert data["order_info"]["amount"] == "12.34"
    assert [line["bill_category"] for line in data["order_bill_list"][0]["bill_list"]] == [1, 2, 4]


def test_orders_get_unknown_order_exits_1(served: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["orders", "get", "ord_nope"]) == 1
    err = capsys.readouterr().err
    assert "order_id 'ord_nope' not found" in err
    assert "sandbox-api-key-not-secret" not in err


def test_read_commands_without_credentials_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["wallets", "list"]) == 2
    assert "LEMFT_CUSTOMER_ID" in capsys.readouterr().err
    assert main(["orders", "get", "ord_x"]) == 2


class _FakeServer:
    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []

    def run(self, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        for sock in sockets:
            sock.close()


def test_sandbox_serve_prints_base_url_and_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _FakeServer()
    seen: list[Any] = []

    def fake_server(app: Any, log_level: str) -> _FakeServer:
        seen.append((app, log_level))
        return fake

    monkeypatch.setattr(serve_module, "_server", fake_server)
    assert main(["sandbox", "serve", "--port", "0", "--latency", "0.02"]) == 0
    out = capsys.readouterr().out
    assert "LEMFT sandbox listening on http://127.0.0.1:" in out
    assert "export LEMFT_API_KEY=sandbox-api-key-not-secret" in out
    assert "export LEMFT_BASE_URL=http://127.0.0.1:" in out
    assert len(fake.sockets) == 1
    assert seen[0][1] == "warning"


def test_sandbox_serve_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", "--host", "0.0.0.0"]) == 2  # noqa: S104
    assert "non-loopback" in capsys.readouterr().err


def test_importing_the_sdk_the_cli_and_the_sandbox_loads_no_starlette_or_uvicorn() -> None:
    # (rich is not checked: httpx imports it by itself whenever it is installed.)
    code = (
        "import sys, lemft_async, lemft_async.cli, lemft_async.sandbox; "
        "loaded = {'starlette', 'uvicorn'} & set(sys.modules); "
        "sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)  # noqa: S603
    assert done.returncode == 0


def test_wallets_list_page_and_all(served: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wallets", "list", "--page-size", "1", "--page", "2", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["page_no"], len(second["wallets"]), second["total"]) == (2, 1, 2)
    assert main(["wallets", "list", "--page-size", "1", "--all", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert len(every["wallets"]) == 2
    assert second["wallets"][0] in every["wallets"]
    assert main(["wallets", "list", "--page-size", "1", "--all"]) == 0
    assert "all pages" in capsys.readouterr().out


def test_demo_marks_the_ratio_and_counts_repeated_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--cards", "4", "--latency", "0.001", "--amount", "999999"]) == 1
    out = capsys.readouterr().out
    assert "target <= 1.05" in out
    assert ("ok (target" in out) or ("miss (target" in out)
    assert out.count("ParamError") == 1
    assert "(x4)" in out
    assert main(["demo", "--cards", "3", "--latency", "0", "--amount", "999999", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (len(data["errors"]), data["error_counts"]) == (1, [3])
    assert (data["ratio_target"], data["ratio_ok"]) == (1.05, None)


def test_sandbox_serve_delivers_notifications_to_a_webhook_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received: list[bytes] = []

    async def receiver(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"success"})

    sandboxes: list[Sandbox] = []

    def fake_serve(sandbox: Sandbox, **_: Any) -> None:
        sandboxes.append(sandbox)

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    with serve_in_thread(receiver) as hook_url:
        assert main(["sandbox", "serve", "--port", "0", "--webhook", hook_url + "/hook"]) == 0
        [sandbox] = sandboxes
        sandbox.deposit("USD", Decimal("3"))
        assert anyio.run(sandbox.run_due) == 1
    assert sandbox.outbox[0].status == "delivered"
    assert len(received) == 1
    assert b"wallet" in received[0]


def test_sandbox_serve_refuses_a_bad_webhook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", "--webhook", "ftp://example.com"]) == 2
    assert "--webhook" in capsys.readouterr().err
