"""The pytest plugin: fixtures from the entry point, under every runner, knobs by marker."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lemft_async import AsyncLemft
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import AsyncPayin
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox

# -- in this suite (pytest-asyncio, auto mode) ---------------------------------------------


@pytest.mark.lemft_sandbox(latency=0.001, drop_rate=0.1, seed=7)
@pytest.mark.lemft_client(max_retries=0)
async def test_markers_set_the_sandbox_knobs_and_client_options(
    lemft_sandbox: Sandbox, lemft_client: AsyncLemft
) -> None:
    assert lemft_sandbox.faults.config.latency == 0.001
    assert lemft_sandbox.faults.config.drop_rate == 0.1
    assert lemft_client.max_retries == 0
    assert lemft_client.customer_id == lemft_sandbox.credentials.customer_id


async def test_the_client_is_wired_to_the_sandbox(
    lemft_sandbox: Sandbox, lemft_client: AsyncLemft
) -> None:
    page = await lemft_client.wallets.list()
    assert page.total == len(lemft_sandbox.state.wallets)
    assert sum(lemft_sandbox.stats.requests.values()) == 1


async def test_each_test_gets_a_fresh_sandbox(lemft_sandbox: Sandbox) -> None:
    assert lemft_sandbox.stats.requests == {}  # the previous test's call is not here


@pytest.mark.payin_sandbox(pay_delay=0.0)
async def test_the_payin_sandbox_runs(
    payin_sandbox: PayinSandbox, payin_client: AsyncPayin
) -> None:
    order = await payin_client.create_order(amount=10000, notify_url="https://m.example/n")
    await payin_sandbox.wait_idle()  # settled by the sandbox's own task
    assert payin_sandbox.payins[order.mch_order_no].settled


@pytest.mark.keysecure_client(language="zh_CN")
async def test_the_keysecure_fixtures(
    keysecure_sandbox: KeySecureSandbox, keysecure_client: AsyncKeySecure
) -> None:
    assert keysecure_client.language == "zh_CN"
    card = await keysecure_client.cards.retrieve("C0001")
    assert card.card_no
    assert keysecure_sandbox.stats.token_fetches == 1


# -- a project of its own, in a subprocess --------------------------------------------------

USER_TESTS = """
import pytest
from lemft_async import webhooks

pytestmark = MARK


@pytest.mark.lemft_sandbox(latency=0.001)
async def test_lemft(lemft_sandbox, lemft_client):
    assert lemft_sandbox.faults.config.latency == 0.001
    assert (await lemft_client.wallets.list()).total >= 1
    router = webhooks.Router()
    seen = []
    router.add(webhooks.CardEvent, seen.append)
    receiver = webhooks.WebhookReceiver(router, api_key=lemft_sandbox.credentials.api_key)
    event = {"eventTag": "card.status.active", "card_id": "c"}
    answer = await lemft_sandbox.deliver(event, to=receiver)
    assert answer.status_code == 200 and len(seen) == 1


async def test_payin(payin_sandbox, payin_client):
    order = await payin_client.create_order(amount=10000, notify_url="https://m.example/n")
    await payin_sandbox.wait_idle()
    assert payin_sandbox.payins[order.mch_order_no].settled


async def test_keysecure(keysecure_client):
    assert (await keysecure_client.get_token()).access_token
"""


def _run(tmp_path: Path, ini: str, mark: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n" + textwrap.dedent(ini), encoding="utf-8")
    (tmp_path / "test_user.py").write_text(USER_TESTS.replace("MARK", mark), encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


RUNNERS = {
    "pytest-asyncio strict": (
        "asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n",
        "pytest.mark.asyncio",
        (),
        3,
    ),
    "pytest-asyncio auto": (
        "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        "[]",
        (),
        3,
    ),
    # anyio's plugin alone (pytest-asyncio switched off); every test runs on asyncio and trio.
    "anyio": ("", "pytest.mark.anyio", ("-p", "no:asyncio"), 6),
}


@pytest.mark.slow
@pytest.mark.parametrize("runner", list(RUNNERS))
def test_a_project_without_conftest_gets_the_fixtures(tmp_path: Path, runner: str) -> None:
    ini, mark, args, count = RUNNERS[runner]
    result = _run(tmp_path, "addopts = --strict-markers\n" + ini, mark, *args)
    assert not (tmp_path / "conftest.py").exists()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{count} passed" in result.stdout


@pytest.mark.slow
def test_the_fixtures_come_from_the_entry_point(tmp_path: Path) -> None:
    result = _run(tmp_path, "asyncio_mode = auto\n", "[]", "-p", "no:lemft_async")
    assert result.returncode != 0
    assert "fixture 'lemft_sandbox' not found" in result.stdout


@pytest.mark.slow
def test_without_an_async_runner_the_error_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_sync.py").write_text(
        "def test_sync(lemft_sandbox):\n    pass\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "lemft_sandbox is an async fixture" in result.stdout + result.stderr
