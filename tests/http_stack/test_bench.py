"""``bench/overhead.py`` and ``bench/http_stack.py`` run end to end, tiny, and ``--check``
follows the numbers (an impossible target fails, a loose one passes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(BENCH / script), *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.slow
def test_overhead_prints_every_row_and_checks() -> None:
    failed = _run("overhead.py", "--calls", "10", "--rounds", "2", "--check", "--target", "0.01")
    assert failed.returncode == 1, failed.stderr
    for row in (
        "sdk / hand-written httpx + hmac",
        "sdk / hand-written, both over aiohttp",
        "lithic / hand-written httpx GET",
        "lithic / hand-written, both over aiohttp",
    ):
        assert row in failed.stdout
    assert "CHECK FAILED" in failed.stdout
    passed = _run("overhead.py", "--calls", "10", "--rounds", "1", "--check", "--target", "1000")
    assert passed.returncode == 0, passed.stderr
    assert "CHECK FAILED" not in passed.stdout


@pytest.mark.slow
def test_http_stack_prints_every_row_and_checks() -> None:
    tiny = ("--calls", "10", "--rounds", "2", "--cards", "4", "--callers", "2")
    failed = _run("http_stack.py", *tiny, "--check", "--cpu-target", "0.001")
    assert failed.returncode == 1, failed.stderr
    for row in (
        "DefaultAioHttpClient, 1 caller(s)",
        "aiohttp.ClientSession, 2 caller(s)",
        "serial httpx",
        "serial aiohttp",
        "sdk aiohttp",
        "aiohttp floor / httpx floor",
    ):
        assert row in failed.stdout
    assert "CHECK FAILED" in failed.stdout
    loose = ("--cpu-target", "1000", "--floor-target", "1000")
    passed = _run("http_stack.py", *tiny, "--check", *loose)
    assert passed.returncode == 0, passed.stderr
    assert "CHECK FAILED" not in passed.stdout
