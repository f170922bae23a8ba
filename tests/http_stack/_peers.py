"""The three clients aimed at a loopback server, with the write and read of `tests.core._peers`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lemft_async import AsyncLemft, RetryPolicy
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.payin import AsyncPayin

from ..conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ..core._peers import PEERS as CORE_PEERS
from ..core._peers import Peer
from ..keysecure.conftest import API_KEY, API_SECRET, TOKEN_PATH, token_response
from ..payin.conftest import MCH_ID, SECRET
from ._raw_server import Behaviour
from .conftest import Stack

__all__ = ["IDS", "NO_WAIT", "PEERS", "ServedPeer"]

NO_WAIT = RetryPolicy(initial_delay=0.0, max_delay=0.0)


@dataclass(frozen=True)
class ServedPeer:
    """One client: how to make it for a base URL, its write and read, and the routes the
    server must answer for them to be reached (KeySecure's token)."""

    core: Peer
    make: Callable[..., Any]
    routes: dict[str, Behaviour] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.core.name

    def client(self, url: str, stack: Stack, **options: Any) -> Any:
        options.setdefault("retry_policy", NO_WAIT)
        options.setdefault("http_client", stack.http_client())
        return self.make(base_url=url, **options)

    def read_answer(self) -> Behaviour:
        """A valid answer to the read (``core.read_ok``), as the raw server sends it."""
        return Behaviour(body=self.core.read_ok().content)


_MAKERS: dict[str, Callable[..., Any]] = {
    "lemft": lambda **o: AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID, app_id=FAKE_APP_ID, key=FAKE_KEY, api_key=FAKE_API_KEY, **o
    ),
    "payin": lambda **o: AsyncPayin(mch_id=MCH_ID, secret=SECRET, **o),
    "keysecure": lambda **o: AsyncKeySecure(api_key=API_KEY, api_secret=API_SECRET, **o),
}
_ROUTES = {"keysecure": {TOKEN_PATH: Behaviour(body=token_response().content)}}

PEERS = [ServedPeer(p, _MAKERS[p.name], _ROUTES.get(p.name, {})) for p in CORE_PEERS]
IDS = [p.name for p in PEERS]
