"""``bench/pipeline.py`` runs end to end, tiny; ``bench/bulk.py``'s SDK / serial check
follows the numbers (synthetic runs, no server)."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--cards", "3", "--latency", "0.005", "--rounds", "1"]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_pipeline_bench_prints_every_flow_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load("pipeline")
    assert bench.main([*TINY, "--in-process", "--check", "--max-ratio", "0.01"]) == 1
    out = capsys.readouterr().out
    assert "CHECK FAILED" in out
    for where in ("served", "in-process"):
        for flow in ("per card", "pipeline", "open only"):
            assert any(line.startswith(f"{where:<11}{flow:<10}") for line in out.splitlines())
    assert "pipeline / per card" in out
    assert bench.main([*TINY, "--check", "--max-ratio", "1000"]) == 0


def test_pipeline_bench_rejects_bad_arguments() -> None:
    bench = load("pipeline")
    for bad in (["--cards", "0"], ["--latency", "0"], ["--rounds", "0"]):
        with pytest.raises(SystemExit):
            bench.main(bad)


def test_bulk_check_is_sdk_over_serial_per_cell_with_no_10004() -> None:
    bulk = load("bulk")

    def run(client: str, wall: float, rejections: int = 0, cards: int = 200) -> object:
        return bulk.Result(client, "served", cards, 0.005, wall, cards, rejections, 1, True)

    even = [run("sdk", 1.01), run("serial", 1.0), run("serial", 1.0), run("sdk", 1.0)]
    assert bulk.pair_ratios(even, "served", 200, 0.005) == pytest.approx([1.01, 1.0])
    assert bulk.missed(even, 1.02) == []
    slow = [run("sdk", 1.05), run("serial", 1.0)]
    assert bulk.missed(slow, 1.02) == ["served 200 cards 5 ms: sdk / serial 1.050, 0 10004s"]
    rejected = [run("sdk", 1.0, rejections=1), run("serial", 1.0)]
    assert len(bulk.missed(rejected, 1.02)) == 1
    other_cell = [run("sdk", 1.0), run("serial", 1.0), run("sdk", 1.5, cards=1000)]
    other_cell.append(run("serial", 1.0, cards=1000))
    assert [p.split(":")[0] for p in bulk.missed(other_cell, 1.02)] == ["served 1000 cards 5 ms"]


def test_pipeline_check_is_pipeline_over_opening_alone_per_round() -> None:
    bench = load("pipeline")

    def run(flow: str, wall: float, rejections: int = 0, flight: int = 1) -> object:
        return bench.Run(flow, "served", 200, 0.02, wall, 200, rejections, {"x": flight})

    # wall / (N x L) is 1.2 here: information only; the pipeline is 1.05x opening alone.
    ok = [run("open only", 4.6), run("pipeline", 4.83), run("pipeline", 4.83)]
    ok.append(run("open only", 4.6))
    assert bench.per_round(ok, "served", "pipeline", "open only") == pytest.approx([1.05, 1.05])
    assert bench.missed(ok, 1.1) == []
    slow = [run("open only", 4.0), run("pipeline", 4.6)]
    assert bench.missed(slow, 1.1) == ["served: pipeline 1.150 x opening alone > 1.1"]
    assert len(bench.missed([run("open only", 4.0), run("pipeline", 4.0, rejections=1)], 1.1)) == 1
    assert len(bench.missed([run("open only", 4.0), run("pipeline", 4.0, flight=2)], 1.1)) == 1


def test_bulk_matrix_gives_short_cells_more_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    bulk = load("bulk")
    count = bulk.matrix_rounds(5)
    assert count(200, 0.005) == 10  # N x L = 1 s: ten rounds make 10 s per client
    assert count(200, 0.02) == 5
    assert count(1000, 0.02) == 5
    assert bulk.matrix_rounds(1)(1000, 0.005) == 2

    @contextlib.asynccontextmanager
    async def place(latency: float) -> AsyncIterator[None]:
        yield None

    ran: list[tuple[str, int]] = []

    def client(name: str) -> Any:
        async def run(target: object, cards: int, latency: float, where: str) -> object:
            ran.append((name, cards))
            return bulk.Result(name, where, cards, latency, 1.0, cards, 0, 1, True)

        return run

    monkeypatch.setattr(bulk, "PLACES", {"served": place})
    cells = [(200, 0.005), (1000, 0.02)]
    results = anyio.run(
        bulk._rounds, ["served"], cells, (client("sdk"), client("serial")), 2, count
    )
    assert len(results) == 2 * (10 + 5)
    # Odd rounds run the clients in reverse order; the long cell stops after its rounds.
    assert ran[:4] == [("sdk", 200), ("serial", 200), ("sdk", 1000), ("serial", 1000)]
    assert ran[4:8] == [("serial", 200), ("sdk", 200), ("serial", 1000), ("sdk", 1000)]
    assert ran[-2:] == [("serial", 200), ("sdk", 200)]
    assert len(bulk.pair_ratios(results, "served", 200, 0.005)) == 10
