"""Served sandbox: per-request time over loopback HTTP vs the configured latency.

``lemft sandbox serve`` binds its own listening socket. Created without ``IPPROTO_TCP``,
asyncio never sets ``TCP_NODELAY`` on the accepted connections, and Nagle + the client's
delayed ACK add ~40 ms to every answer. This script serves a ``Sandbox(latency=L)``
exactly as ``lemft sandbox serve`` does (``lemft_async.sandbox.serve.bind``), makes
sequential SDK calls, and prints per-request time / L; ``--compare`` also serves it on
a socket made the old way (``proto=0``) to show what the fix removes.

    python bench/served_latency.py [--latency 0.02] [--calls 50] [--compare] [--check]

Target: ratio <= 1.25 at L = 20 ms (the rest is loopback HTTP + signing + decode);
``--check`` exits 1 when the fixed socket misses it.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import _server, base_url_of, bind

TARGET = 1.25


def legacy_bind(host: str, port: int) -> socket.socket:
    """The listening socket as it was before the fix: ``proto=0``, no ``TCP_NODELAY``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


@contextmanager
def served(sandbox: Sandbox, make_socket: Callable[[str, int], socket.socket]) -> Iterator[str]:
    sock = make_socket("127.0.0.1", 0)
    server = _server(sandbox.app, "error")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        yield base_url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


async def per_request(sandbox: Sandbox, url: str, calls: int) -> float:
    creds = sandbox.credentials
    client = AsyncLemft(
        customer_id=creds.customer_id,
        app_id=creds.app_id,
        key=creds.key,
        api_key=creds.api_key,
        base_url=url,
    )
    async with client:
        await client.wallets.list()  # connect and warm up
        started = time.perf_counter()
        for _ in range(calls):
            await client.wallets.list()
        return (time.perf_counter() - started) / calls


def measure(latency: float, calls: int, make_socket: Callable[[str, int], socket.socket]) -> float:
    sandbox = Sandbox(latency=latency)
    with served(sandbox, make_socket) as url:
        return anyio.run(per_request, sandbox, url, calls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--latency", type=float, default=0.02, help="sandbox seconds/request")
    parser.add_argument("--calls", type=int, default=50, help="sequential calls to time")
    parser.add_argument("--compare", action="store_true", help="also time the old socket")
    parser.add_argument("--check", action="store_true", help=f"exit 1 above {TARGET}x")
    args = parser.parse_args(argv)
    missed = False
    latency = args.latency
    print(f"served sandbox, {args.calls} sequential wallets.list calls, latency {latency:g} s")
    rows = [("fixed (IPPROTO_TCP + TCP_NODELAY)", bind)]
    if args.compare:
        rows.append(("old (proto=0, Nagle on)", legacy_bind))
    for label, make_socket in rows:
        seconds = measure(latency, args.calls, make_socket)
        ratio = seconds / latency if latency > 0 else float("nan")
        verdict = "ok" if ratio <= TARGET else "miss"
        missed = missed or (make_socket is bind and ratio > TARGET)
        print(
            f"  {label:34s}: {seconds * 1000:7.2f} ms/request "
            f"(+{(seconds - latency) * 1000:.2f} ms)  "
            f"ratio {ratio:.3f}x  (target <= {TARGET}) {verdict}"
        )
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
