"""The journal benchmark (``bench/journal.py``) runs end to end, tiny (no timed assertion:
the verdict of ``--check`` follows the numbers it printed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--cards", "4", "--latency", "0.005", "--rounds", "1"]


def load() -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_journal", ROOT / "bench" / "journal.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_journal_bench_prints_both_runs_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load()
    assert bench.main([*TINY, "--check", "--max-ratio", "0.01"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert sum(line.split()[:1] == ["memory"] for line in lines) == 1
    assert sum(line.split()[:1] == ["journal"] for line in lines) == 1
    assert "median journal / memory:" in out
    assert "CHECK FAILED" in out
    assert "NOT all issued" not in out
    assert bench.main([*TINY, "--check", "--max-ratio", "1000"]) == 0


def test_journal_bench_rejects_bad_arguments() -> None:
    bench = load()
    for bad in (["--cards", "0"], ["--latency", "0"], ["--rounds", "0"]):
        with pytest.raises(SystemExit):
            bench.main(bad)
