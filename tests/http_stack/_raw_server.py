"""A loopback HTTP/1.1 server whose misbehaviour is chosen per path, for the error paths.

uvicorn always answers something (a 500 for an app that fails), so a server that reads the
request and then closes, resets, stalls, truncates or floods is written here on asyncio
streams, in a thread of its own. It records what it received (method, path, headers) and
how many connections are open, so a test can tell "sent once" from "re-sent" and see a pool
close its sockets.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Behaviour", "RawServer", "Received", "raw_server"]

Mode = Literal["answer", "close", "reset", "hang", "truncate", "flood", "flood_chunked"]


@dataclass(frozen=True)
class Behaviour:
    """What the server does with a request to one path, once it has read it whole."""

    mode: Mode = "answer"
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    size: int = 0
    """``flood``/``flood_chunked``: how many bytes of answer to send."""
    headers: tuple[tuple[str, str], ...] = ()
    """``answer``: extra headers (``set-cookie`` ...)."""
    seconds: float = 5.0
    """``hang``: how long to hold the request (answering nothing) before closing."""


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class RawServer:
    url: str = ""
    routes: dict[str, Behaviour] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    open_connections: int = 0
    connections: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _listener: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    def refuse(self) -> None:
        """From now on refuse connections (the port is closed); open ones are closed too."""
        assert self._loop is not None
        assert self._listener is not None
        listener = self._listener

        async def shut() -> None:
            listener.close()
            for writer in list(self._writers):
                writer.close()
            await listener.wait_closed()

        asyncio.run_coroutine_threadsafe(shut(), self._loop).result(10)

    def count(self, path: str) -> int:
        return sum(r.path == path for r in self.received)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_connections += 1
        self._writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            self.open_connections -= 1
            with suppress(ConnectionError, OSError):
                writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection is to be closed."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = [
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in lines if line)
        ]
        length = int(dict(headers).get("content-length", "0"))
        body = await reader.readexactly(length) if length else b""
        path = target.split("?", 1)[0]
        self.received.append(Received(method, path, headers, body))
        behaviour = self.routes.get(path, Behaviour(status=404, body=b"{}"))
        return await _act(behaviour, reader, writer)


def _head(
    status: int, content_type: str, length: int | None, extra: tuple[tuple[str, str], ...] = ()
) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"content-type: {content_type}"]
    lines.extend(f"{name}: {value}" for name, value in extra)
    lines.append("transfer-encoding: chunked" if length is None else f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _act(b: Behaviour, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    if b.mode == "answer":
        writer.write(_head(b.status, b.content_type, len(b.body), b.headers) + b.body)
        await writer.drain()
        return True
    if b.mode == "reset":
        # SO_LINGER 0: close() sends RST instead of FIN.
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False
    if b.mode == "hang":
        # Until the client hangs up (or the time is over): a closed socket is seen at once.
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(1), b.seconds)
        return False
    if b.mode == "truncate":
        # Promises 1000 bytes more than it sends, then hangs up.
        writer.write(_head(b.status, b.content_type, len(b.body) + 1000) + b.body)
        await writer.drain()
        return False
    if b.mode in ("flood", "flood_chunked"):
        chunked = b.mode == "flood_chunked"
        writer.write(_head(b.status, b.content_type, None if chunked else b.size))
        chunk = b"x" * 65536
        for _ in range(b.size // len(chunk)):
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            await writer.drain()  # raises once the client hangs up mid-answer
        writer.write(b"0\r\n\r\n" if chunked else b"")
        await writer.drain()
        return False
    return False  # "close": read the request, answer nothing


@contextmanager
def raw_server(routes: dict[str, Behaviour] | None = None) -> Iterator[RawServer]:
    """Serve on a free loopback port in a background thread until the block ends."""
    server = RawServer(routes=dict(routes or {}))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()

    async def main() -> None:
        listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        server._loop, server._listener = asyncio.get_running_loop(), listener
        port = listener.sockets[0].getsockname()[1]
        server.url = f"http://127.0.0.1:{port}"
        ready.set()
        async with listener:
            await stop.wait()
        # Hanging handlers are cancelled with the loop.
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the raw server did not start")
    try:
        yield server
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
