"""The bulk-issuance benchmark (``bench/bulk.py``) runs end to end, tiny."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--cards", "4", "--latency", "0.005"]


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_bulk", ROOT / "bench" / "bulk.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_bulk_bench_prints_both_ratios_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load()
    # --check against an impossible and a loose threshold: the verdict follows the numbers.
    assert bench.main([*TINY, "--in-process", "--check", "--max-ratio", "0.01"]) == 1
    out = capsys.readouterr().out
    assert bench.main([*TINY, "--check", "--max-ratio", "1000"]) == 0
    for where in ("served", "in-process"):
        for client in ("sdk", "naive", "serial"):
            assert any(line.split()[:2] == [where, client] for line in out.splitlines())
    assert "median ratio wall / (N x L)" in out
    assert "CHECK FAILED" in out


def test_bulk_bench_rejects_bad_arguments() -> None:
    bench = load()
    for bad in (["--cards", "0"], ["--latency", "0"], ["--rounds", "0"]):
        with pytest.raises(SystemExit):
            bench.main(bad)
