"""The two HTTP stacks every test here runs over: httpx's own pool and ``DefaultAioHttpClient``.

respx intercepts httpx's transport only, so these tests use real loopback sockets: the
served sandboxes (``serve_in_thread``) for the success paths, ``_raw_server`` for the
misbehaving servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from lemft_async import DefaultAioHttpClient

STACKS = ("httpx", "aiohttp")


@dataclass
class Stack:
    """One HTTP stack: ``http_client()`` is what a client is given (``None``: the client
    makes its own httpx pool); pools made here are closed at the end of the test."""

    name: str
    made: list[httpx.AsyncClient] = field(default_factory=list)

    def http_client(self) -> httpx.AsyncClient | None:
        if self.name == "httpx":
            return None
        http = DefaultAioHttpClient()
        self.made.append(http)
        return http

    def pool(self) -> httpx.AsyncClient:
        """A pool of this stack that the test itself hands over (and that is closed here)."""
        http = httpx.AsyncClient() if self.name == "httpx" else DefaultAioHttpClient()
        self.made.append(http)
        return http


@pytest.fixture(params=STACKS)
async def stack(request: pytest.FixtureRequest) -> AsyncIterator[Stack]:
    made = Stack(request.param)
    try:
        yield made
    finally:
        for http in made.made:
            await http.aclose()
