"""Helpers shared by the benchmarks: a free port and a uvicorn server in a subprocess.

The child binds with ``--host/--port``, so uvicorn makes the socket itself through
``loop.create_server`` (``proto=IPPROTO_TCP``) and asyncio sets ``TCP_NODELAY`` on every
connection. (A socket bound by hand must do the same: see ``lemft_async.sandbox.serve.bind``.)
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def uvicorn_server(app: str, *extra_args: str, cwd: Path = HERE) -> Iterator[str]:
    """Serve ``module:app`` on a free loopback port in a child process; yield its base URL."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            # Contenders take turns for seconds: uvicorn's 5 s default would close an idle
            # pooled connection just as a client reuses it (a reset, not a measurement).
            "--timeout-keep-alive",
            "600",
            *extra_args,
        ],
        cwd=cwd,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"server {app} exited with {proc.returncode}")
            time.sleep(0.05)
        else:
            raise RuntimeError(f"server {app} did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
