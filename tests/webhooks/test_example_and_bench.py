"""The FastAPI example and the benchmark script run end to end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(relative: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_fastapi_example_self_test(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("examples/fastapi_receiver.py", "fastapi_receiver_example")
    assert example.main() == 0
    kinds = [type(event).__name__ for event in example.received]
    assert kinds == ["OrderEvent", "CardEvent"]  # the redelivery and the forgery ran nothing
    card = example.received[1]
    assert card.data.card_no == "4000000000000002"
    out = capsys.readouterr().out
    assert "HTTP 401 bad_signature" in out
    assert out.count("HTTP 200 success") == 3
    assert "4000000000000002" not in out  # the example never prints card numbers
    assert "amount=10.00 USD" in out  # exact Decimal, not float


def test_bench_prints_the_ratio_and_checks_it(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load("bench/webhooks.py", "webhooks_bench")
    assert bench.main(["--n", "200", "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "floor (hmac + compare_digest + json.loads)" in out
    assert "ratio construct/floor:" in out
    assert "target <= 1.5x" in out  # the target is the default bar
    assert "info: typed decode alone:" in out
    assert "info: verify alone:" in out
    # --check compares with the threshold: an impossible one fails, a loose one passes.
    assert bench.main(["--n", "200", "--rounds", "2", "--check", "--max-ratio", "0.01"]) == 1
    assert bench.main(["--n", "200", "--rounds", "2", "--check", "--max-ratio", "1000"]) == 0


def test_bench_rejects_bad_arguments() -> None:
    bench = load("bench/webhooks.py", "webhooks_bench_args")
    with pytest.raises(SystemExit):
        bench.main(["--n", "0"])
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])


def test_bench_run_gives_the_floor_and_construct_event_times() -> None:
    # bench/decode.py prints the same row through run().
    bench = load("bench/webhooks.py", "webhooks_bench_run")
    floor, ours = bench.run(40, 2)
    assert floor > 0
    assert ours > 0
