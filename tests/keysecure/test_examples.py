"""Each KeySecure example runs standalone against the sandbox."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_cards_example_main(capsys: pytest.CaptureFixture[str]) -> None:
    load("keysecure_cards").main()
    out = capsys.readouterr().out
    assert "access token expires at" in out
    assert "CARD_001   Virtual Activated ****4242" in out
    assert "package 'Sandbox Virtual', open cost 5.00" in out


async def test_cards_example_flow() -> None:
    result = await load("keysecure_cards").run()
    assert result["cards"] == 3
    assert result["detail"].card_unique_no == "CARD_001"
    assert result["token_fetches"] == 1


async def test_receiver_example_flow(capsys: pytest.CaptureFixture[str]) -> None:
    # The slow "risk check" sleeps 5 s; a short deadline keeps the test fast.
    result = await load("keysecure_receiver").run(deadline=0.05)
    assert result["small"] == {"code": 0, "message": ""}
    assert result["large"] == {"code": 1, "message": "risk check timed out"}
    assert result["update"] == {"code": 0, "message": ""}
    assert "card status Activated -> Frozen" in capsys.readouterr().out


def test_receiver_example_main_uses_the_default_deadline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load("keysecure_receiver")
    used: list[float] = []
    original = module.build_app

    def spy(ks: object, *, deadline: float = 0.8) -> object:
        used.append(deadline)
        return original(ks, deadline=0.05)  # keep the test fast; main() passed the default

    monkeypatch.setattr(module, "build_app", spy)
    module.main()
    assert used == [0.8]
    assert "fallback at the deadline" in capsys.readouterr().out
