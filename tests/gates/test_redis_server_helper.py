"""The reusable redis-server fixture helper (tests/redis_server.py): skip vs fail, start/stop."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.redis_server import (
    BINARY_ENV,
    REQUIRE_ENV,
    RedisServer,
    find_redis_server,
    free_port,
    ping,
    redis_server_binary_or_skip,
    run_redis_server,
)


@pytest.fixture
def no_binary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "no-such-redis-server"))


@pytest.mark.usefixtures("no_binary")
def test_a_missing_binary_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    assert find_redis_server() is None
    with pytest.raises(pytest.skip.Exception, match="redis-server binary not found"):
        redis_server_binary_or_skip()


@pytest.mark.usefixtures("no_binary")
def test_a_missing_binary_fails_when_redis_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV}=1 requires it"):
        redis_server_binary_or_skip()


def test_a_binary_that_is_not_redis_fails_to_start(tmp_path: Path) -> None:
    fake = tmp_path / "fake-redis-server"
    fake.write_text(f"#!{sys.executable}\nraise SystemExit(1)\n")
    fake.chmod(0o755)
    with (
        pytest.raises(RuntimeError, match="failed to start 2 times"),
        run_redis_server(str(fake), attempts=2),
    ):
        pytest.fail("a fake server was reported as running")


def test_nothing_answers_ping_on_a_free_port() -> None:
    assert not ping("127.0.0.1", free_port(), timeout=0.2)


@pytest.mark.redis
def test_the_session_server_answers_and_stops(redis_server: RedisServer) -> None:
    assert ping(redis_server.host, redis_server.port)
    assert redis_server.process.poll() is None
    assert redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"


@pytest.mark.redis
def test_a_server_is_stopped_on_exit() -> None:
    binary = redis_server_binary_or_skip()
    with run_redis_server(binary) as server:
        assert ping(server.host, server.port)
    assert server.process.poll() is not None
    assert not ping(server.host, server.port, timeout=0.2)


ORPHAN = """
import os, sys
sys.path.insert(0, {root!r})
from tests.redis_server import run_redis_server
with run_redis_server({binary!r}) as server:
    print(server.port, flush=True)
    os._exit(0)  # die without any teardown, like a SIGKILLed test run
"""


@pytest.mark.redis
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_a_server_dies_with_a_killed_test_process() -> None:
    binary = redis_server_binary_or_skip()
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", ORPHAN.format(root=root, binary=binary)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    port = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    while ping("127.0.0.1", port, timeout=0.2) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not ping("127.0.0.1", port, timeout=0.2)
