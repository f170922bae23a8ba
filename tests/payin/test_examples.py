"""The Payin examples run against the sandbox, in-process and as standalone scripts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lemft_async.payin import PayinNotification, PayinStatus
from lemft_async.payin.sandbox import PayinSandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


async def test_payin_flow_gets_paid(capsys: pytest.CaptureFixture[str]) -> None:
    flow = _load("payin_flow")
    async with PayinSandbox(time_scale=0) as sandbox:
        order = await flow.run(sandbox)
    assert order.is_paid
    assert order.status is PayinStatus.PAID
    assert order.mch_order_no in sandbox.payins
    assert "status=PAID paid=True ₹100.00" in capsys.readouterr().out


async def test_payin_receiver_handles_each_event_once() -> None:
    receiver = _load("payin_receiver")
    ledger = await receiver.run()
    notes = [n for n in ledger.events if isinstance(n, PayinNotification)]
    assert sorted((n.amount, n.is_paid) for n in notes) == [(10100, False), (20000, True)]
    assert len(ledger.events) == 2  # the redelivery was acknowledged, not handled again


@pytest.mark.parametrize(
    ("script", "last_line"),
    [("payin_flow.py", "paid"), ("payin_receiver.py", "2 event(s) handled")],
)
def test_examples_run_standalone(script: str, last_line: str) -> None:
    done = subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=EXAMPLES.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == last_line
