"""Serving the sandbox over HTTP with uvicorn (``lemft sandbox serve``), and in a thread
for tests.

The socket is bound before uvicorn starts, so the banner shows the real port even for
``--port 0``. It is created with ``IPPROTO_TCP`` and ``TCP_NODELAY``: asyncio turns Nagle
off on accepted connections only when the listening socket says it is TCP (``sock.proto``),
and without that every small answer waits for the client's delayed ACK (~40 ms).
uvicorn's own ``Date`` and ``Server`` headers are turned off: the sandbox
writes ``Date`` from its (possibly skewed) clock.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .._core._extras import missing_extra
from ._sandbox import Sandbox

__all__ = ["banner", "bind", "is_loopback", "running_server", "serve", "serve_in_thread"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0``: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def base_url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(sandbox: Sandbox, base_url: str) -> str:
    """The lines printed on start: where, and the (fake) credentials as ``export`` lines."""
    lines = [
        f"LEMFT sandbox listening on {base_url}",
        "These are fake sandbox credentials (printing them is intended):",
    ]
    env = sandbox.credentials.as_env(base_url)
    lines.extend(f"export {name}={value}" for name, value in env.items())
    return "\n".join(lines)


def _server(app: Any, log_level: str) -> Any:
    try:
        import uvicorn
    except ImportError as exc:
        raise missing_extra("serving a sandbox over HTTP", "sandbox", "uvicorn") from exc

    config = uvicorn.Config(
        app,
        lifespan="auto",
        log_level=log_level,
        access_log=False,
        date_header=False,
        server_header=False,
    )
    return uvicorn.Server(config)


def serve(
    sandbox: Sandbox,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "warning",
    out: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    sock = bind(host, port)
    out(banner(sandbox, base_url_of(sock)))
    _server(sandbox.app, log_level).run(sockets=[sock])


def _asgi_app(target: Any) -> Any:
    """A sandbox's ``.app`` (LEMFT, Payin or KeySecure), or ``target`` itself (any ASGI app)."""
    if isinstance(target, Sandbox):
        return target.app
    module = type(target).__module__
    if module.startswith("lemft_async.") and ".sandbox" in module and hasattr(target, "app"):
        return target.app
    return target


@contextmanager
def serve_in_thread(
    target: Sandbox | Any, *, host: str = "127.0.0.1", log_level: str = "error"
) -> Iterator[str]:
    """Serve a sandbox (or any ASGI app) on a free loopback port in a background thread;
    yields the base URL. For tests and scripts."""
    with running_server(target, host=host, log_level=log_level) as (_, url):
        yield url


@contextmanager
def running_server(
    target: Sandbox | Any, *, host: str = "127.0.0.1", log_level: str = "error"
) -> Iterator[tuple[Any, str]]:
    """Like ``serve_in_thread``, yielding ``(uvicorn.Server, base_url)`` (tests look at
    ``server.server_state.connections``)."""
    sock = bind(host, 0)
    server = _server(_asgi_app(target), log_level)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        yield server, base_url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
