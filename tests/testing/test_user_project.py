"""Done-when of issue 15: a user's own project, in a fresh venv, tested with the fixtures.

The project depends on this checkout with the ``testing`` extra (a direct reference, as a
user would pin a fork), holds a receiver module and a test file that uses only the
plugin's fixtures and the public signers, and runs ``pytest`` under pytest-asyncio
(strict mode) and anyio's plugin at once. pip resolves from the configured indexes (the
network in CI; the machine's wheel mirrors offline) into a venv made without pip, driven
by this interpreter's pip (``pip --python``), which keeps it to a few seconds of set-up.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

PYPROJECT = f"""
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "acme-receiver"
version = "0.0.1"
requires-python = ">=3.10"
dependencies = ["lemft-async[testing] @ {CHECKOUT.as_uri()}", "pytest-asyncio>=0.24"]

[tool.hatch.metadata]
allow-direct-references = true

[tool.hatch.build.targets.wheel]
packages = ["acme_receiver"]

[tool.pytest.ini_options]
asyncio_mode = "strict"
asyncio_default_fixture_loop_scope = "function"
addopts = "--strict-markers"
"""

RECEIVER = '''
"""ACME's LEMFT webhook receiver: remembers which cards became active."""

from lemft_async import webhooks

router = webhooks.Router()
activated: list[str] = []


@router.on(webhooks.CardEvent)
async def on_card(event: webhooks.CardEvent) -> None:
    if event.event_tag == "card.status.active" and event.data.card_id:
        activated.append(event.data.card_id)


def build_receiver(api_key: str) -> webhooks.WebhookReceiver:
    return webhooks.WebhookReceiver(router, api_key=api_key)
'''

TESTS = """
import httpx
import pytest

from lemft_async import webhooks

from acme_receiver import activated, build_receiver


@pytest.mark.asyncio
async def test_a_sandbox_delivery_is_handled(lemft_sandbox):
    receiver = build_receiver(lemft_sandbox.credentials.api_key)
    event = {"eventTag": "card.status.active", "card_id": "cid_42", "status": 2}
    answer = await lemft_sandbox.deliver(event, to=receiver)
    assert answer.status_code == 200
    assert "cid_42" in activated


@pytest.mark.anyio
async def test_a_hand_signed_delivery_and_a_forgery(lemft_sandbox):
    key = lemft_sandbox.credentials.api_key
    body = b'{"eventTag":"card.status.active","notify_id":"ntf_hand","card_id":"cid_7"}'
    transport = httpx.ASGITransport(app=build_receiver(key))
    async with httpx.AsyncClient(transport=transport, base_url="http://acme.test") as http:
        ok = await http.post("/", content=body, headers=webhooks.sign(body, key))
        forged = await http.post("/", content=body, headers=webhooks.sign(body, "not-the-key"))
    assert (ok.status_code, forged.status_code) == (200, 401)
    assert "cid_7" in activated


@pytest.mark.asyncio
@pytest.mark.lemft_sandbox(latency=0.001)
@pytest.mark.lemft_client(max_retries=0)
async def test_the_client_fixture(lemft_sandbox, lemft_client):
    assert lemft_client.max_retries == 0
    assert (await lemft_client.wallets.list()).total >= 1
"""


def _write(project: Path) -> None:
    (project / "acme_receiver").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT), encoding="utf-8")
    (project / "acme_receiver" / "__init__.py").write_text(RECEIVER, encoding="utf-8")
    (project / "tests" / "test_receiver.py").write_text(TESTS, encoding="utf-8")


@pytest.mark.slow
def test_a_user_project_passes_pytest_in_a_fresh_venv(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    _write(project)
    venv = tmp_path / "venv"
    subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    install = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(project)],
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    result = subprocess.run(  # noqa: S603 - the venv just made, fixed arguments
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert not (project / "conftest.py").exists()
    assert not (project / "tests" / "conftest.py").exists()
