"""A throwaway ``redis-server`` for tests, reusable from any test folder.

In a ``conftest.py``::

    from tests.redis_server import redis_server as redis_server  # session fixture -> RedisServer

The server listens on a free loopback port, persists nothing (``--save '' --appendonly no``)
and is terminated at the end of the session (on Linux, also when the test process is killed).
When the ``redis-server`` binary is missing the tests that need it are skipped — unless
``LEMFT_REQUIRE_REDIS=1`` (CI), where they fail. ``LEMFT_REDIS_SERVER`` may point at a
binary outside ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = [
    "REQUIRE_ENV",
    "RedisServer",
    "find_redis_server",
    "free_port",
    "ping",
    "redis_required",
    "redis_server",
    "redis_server_binary_or_skip",
    "require_redis_py",
    "run_redis_server",
]

REQUIRE_ENV = "LEMFT_REQUIRE_REDIS"
BINARY_ENV = "LEMFT_REDIS_SERVER"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class RedisServer:
    """A running server: connect with ``redis.asyncio.Redis.from_url(server.url)``."""

    host: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


def redis_required() -> bool:
    """True when a missing Redis must fail the run instead of skipping (CI)."""
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"


def find_redis_server() -> str | None:
    """The ``redis-server`` binary: ``$LEMFT_REDIS_SERVER`` or the one on ``PATH``."""
    explicit = os.environ.get(BINARY_ENV, "").strip()
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("redis-server")


def redis_server_binary_or_skip() -> str:
    """The binary, or skip the test (fail it when ``LEMFT_REQUIRE_REDIS=1``)."""
    binary = find_redis_server()
    if binary is not None:
        return binary
    reason = (
        "redis-server binary not found (install it, e.g. `apt-get install redis-server`, "
        f"or set {BINARY_ENV})"
    )
    if redis_required():
        pytest.fail(f"{reason}; {REQUIRE_ENV}=1 requires it", pytrace=False)
    pytest.skip(reason)


def require_redis_py() -> None:
    """Skip the calling test module when redis-py is missing (fail when Redis is required)."""
    try:
        import redis.asyncio  # noqa: F401
    except ImportError:
        reason = "redis-py not installed (pip install 'lemft-async[redis]')"
        if redis_required():
            pytest.fail(f"{reason}; {REQUIRE_ENV}=1 requires it", pytrace=False)
        pytest.skip(reason, allow_module_level=True)


def free_port() -> int:
    """A loopback port that was free a moment ago (the caller retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def ping(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """True when a Redis server answers ``PING`` (raw RESP, no client library needed)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when the test process dies, so a
    killed test run (SIGKILL, no teardown) leaves no redis-server behind."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _start(binary: str, workdir: Path, log: Path, timeout: float) -> RedisServer | None:
    """One attempt on one free port; None if the server died (e.g. the port was taken)."""
    port = free_port()
    command = [
        binary,
        "--port", str(port),
        "--bind", HOST,
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--dir", str(workdir),
        "--logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - fixed argv, binary from PATH or env
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if ping(HOST, port):
            return RedisServer(HOST, port, process)
        time.sleep(0.02)
    _stop(process)
    raise RuntimeError(f"redis-server did not answer PING on port {port} within {timeout:g} s")


@contextmanager
def run_redis_server(
    binary: str, *, startup_timeout: float = 10.0, attempts: int = 3
) -> Iterator[RedisServer]:
    """Start ``binary`` on a free loopback port, yield it once it answers PING, stop it."""
    with tempfile.TemporaryDirectory(prefix="lemft-redis-") as tmp:
        workdir = Path(tmp)
        log = workdir / "redis.log"
        server = None
        for _ in range(attempts):
            server = _start(binary, workdir, log, startup_timeout)
            if server is not None:
                break
        if server is None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
            raise RuntimeError(f"redis-server failed to start {attempts} times:\n{tail}")
        try:
            yield server
        finally:
            _stop(server.process)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real ``redis-server`` for the test session (skipped/failed when missing)."""
    binary = redis_server_binary_or_skip()
    with run_redis_server(binary) as server:
        yield server
