"""``KeySecureSandbox``: an in-memory KeySecure open platform for examples and tests.

>>> sandbox = KeySecureSandbox(token_lifetime=3600)
>>> async with sandbox.client() as ks:            # AsyncKeySecure over httpx.ASGITransport
...     card = await ks.cards.retrieve("C0001")

It issues Access-Tokens with a configurable lifetime, answers 1005 for stale or future
timestamps, 1007 for expired or unknown tokens, injects any code on demand
(``fail_next(1009)``), holds a few cardholders, cards, consumptions and accounts, and
sends V1-signed callbacks to a registered ASGI app or URL. ``stats`` counts requests,
rejections and token fetches. Needs the ``sandbox`` extra (Starlette).
"""

from __future__ import annotations

from lemft_async._core._extras import require_extra

require_extra("the KeySecure sandbox", "sandbox", "starlette")

# The imports follow the extra check, so a missing Starlette is named, not a traceback.
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

from lemft_async._core._codec import dumps  # noqa: E402
from lemft_async.keysecure import AsyncKeySecure, sign_v1  # noqa: E402

from ._app import Fault, SandboxServer, SandboxStats  # noqa: E402
from ._cipher import SandboxCipher  # noqa: E402
from ._ops import SandboxOps  # noqa: E402
from ._state import ConsumptionRecord, SandboxState  # noqa: E402

__all__ = ["Fault", "KeySecureSandbox", "SandboxClock", "SandboxStats"]

SANDBOX_URL = "http://keysecure-sandbox.localhost"
MERCHANT_URL = "http://merchant.localhost/keysecure/callback"

ASGIApp = Callable[..., Any]


class SandboxClock:
    """Real time plus an offset you can move: ``advance(3600)`` ages every token by an hour."""

    __slots__ = ("offset",)

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class KeySecureSandbox:
    """The simulator. Credentials are fake by default and never printed."""

    def __init__(
        self,
        *,
        api_key: str = "ks-sandbox-api-key-not-real",
        api_secret: str = "ks-sandbox-api-secret-not-real",  # noqa: S107 (fake, sandbox only)
        token_lifetime: float = 86_400.0,
        timestamp_window: float = 60.0,
        future_leeway: float = 1.0,
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
        callback_app_id: str | None = None,
        callback_secret: str | None = None,
    ) -> None:
        self.clock: Callable[[], float] = clock if clock is not None else SandboxClock()
        self._api_key = api_key
        self._api_secret = api_secret
        self._callback_app_id = callback_app_id or api_key
        self._callback_secret = callback_secret or api_secret
        self.cipher = SandboxCipher(api_secret)
        self.state = SandboxState(int(self.clock() * 1000))
        self._server = SandboxServer(
            api_key=api_key,
            ops=SandboxOps(self.state, self.cipher),
            clock=self.clock,
            token_lifetime=token_lifetime,
            timestamp_window=timestamp_window,
            future_leeway=future_leeway,
            latency=latency,
        )
        self._callback_target: ASGIApp | str | None = None
        self._callback_url = MERCHANT_URL

    def __repr__(self) -> str:
        return "KeySecureSandbox(api_key=***, api_secret=***)"

    # -- wiring ----------------------------------------------------------------------------

    @property
    def app(self) -> ASGIApp:
        """The ASGI app (serve it with uvicorn for out-of-process use)."""
        return self._server.app

    @property
    def credentials(self) -> Mapping[str, str]:
        """``{"api_key": ..., "api_secret": ...}`` for building your own client."""
        return {"api_key": self._api_key, "api_secret": self._api_secret}

    @property
    def stats(self) -> SandboxStats:
        return self._server.stats

    @property
    def token_lifetime(self) -> float:
        return self._server.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._server.token_lifetime = seconds

    def client(self, **options: Any) -> AsyncKeySecure:
        """An ``AsyncKeySecure`` wired in-process (``httpx.ASGITransport``), sharing the
        sandbox clock; ``options`` override any constructor argument."""
        settings: dict[str, Any] = {
            **self.credentials,
            "base_url": SANDBOX_URL,
            "clock": self.clock,
        }
        settings.update(options)
        if "http_client" not in options:
            transport = httpx.ASGITransport(app=self.app)
            settings["http_client"] = httpx.AsyncClient(transport=transport)
        client = AsyncKeySecure(**settings)
        # The in-process pool is ours to close with the client (unless the caller gave one).
        client._owns_http = "http_client" not in options
        return client

    # -- knobs -----------------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        *,
        times: int = 1,
        operation: str | None = None,
        message: str = "injected by the sandbox",
        after_effect: bool = False,
    ) -> Fault:
        """Answer ``code`` to the next ``times`` requests (of ``operation``, if given), after
        the header checks. ``after_effect=True`` performs the operation first."""
        fault = Fault(code, times, operation, message, after_effect)
        self._server.faults.append(fault)
        return fault

    def expire_tokens(self) -> None:
        """Make every issued token invalid now (the next call with one gets 1007)."""
        now_ms = int(self.clock() * 1000)
        for token in self._server.tokens:
            self._server.tokens[token] = now_ms

    def encrypt(self, plaintext: str) -> str:
        """The sandbox's toy cipher (not KeySecure's AES): use as ``encrypt=`` in tests."""
        return self.cipher.encrypt(plaintext)

    def decrypt(self, ciphertext: str) -> str:
        """The sandbox's toy cipher (not KeySecure's AES): use as ``decrypt=`` in tests."""
        return self.cipher.decrypt(ciphertext)

    # -- callbacks -------------------------------------------------------------------------

    def register_callback(self, target: ASGIApp | str, *, url: str | None = None) -> None:
        """Where callbacks go: an ASGI app (in-process, at ``url``) or an http(s) URL."""
        self._callback_target = target
        if isinstance(target, str):
            self._callback_url = target
        elif url is not None:
            self._callback_url = url

    def build_callback(
        self,
        action: str,
        data: Mapping[str, Any],
        *,
        timestamp_ms: int | None = None,
        event_id: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers KeySecure would send (V1-signed)."""
        stamp = str(timestamp_ms if timestamp_ms is not None else int(self.clock() * 1000))
        body = dumps({"id": event_id or uuid.uuid4().hex, "action": action, "data": dict(data)})
        headers = {
            "Content-Type": "application/json",
            "Timestamp": stamp,
            "Signature": sign_v1(self._callback_secret, self._callback_app_id, stamp, data),
            "Sign-Version": "V1",
            "Timezone": "UTC+8",
        }
        return body, headers

    async def deliver_callback(self, action: str, data: Mapping[str, Any]) -> httpx.Response:
        """Build, sign and POST a callback to the registered target; returns its answer."""
        if self._callback_target is None:
            raise RuntimeError("no callback target: call register_callback(app_or_url) first")
        body, headers = self.build_callback(action, data)
        return await _post(self._callback_target, self._callback_url, body, headers)

    async def deliver(
        self, event: Mapping[str, Any], *, to: ASGIApp | str, path: str = "/"
    ) -> httpx.Response:
        """Send one V1-signed callback to ``to`` now, exactly as the sandbox sends them,
        and return the receiver's answer: test your receiver end to end.

        ``event`` is ``{"action": "Card_update", "data": {...}}`` (``id`` optional). ``to``
        is a URL or an ASGI app (posted to at ``path``, in-process). Nothing is recorded;
        an exception the app raises propagates.
        """
        if not isinstance(event, Mapping):
            raise TypeError(f"event must be a mapping, got {type(event).__name__}")
        action, data = event.get("action"), event.get("data", {})
        if not isinstance(action, str) or not action:
            raise ValueError("event needs its 'action' (e.g. 'Card_update')")
        if not isinstance(data, Mapping):
            raise TypeError("event['data'] must be a mapping")
        event_id = event.get("id")
        body, headers = self.build_callback(
            action, data, event_id=None if event_id is None else str(event_id)
        )
        url = to if isinstance(to, str) else "http://merchant.localhost" + path
        return await _post(to, url, body, headers)

    async def emit_card_update(
        self, card_no: str, after_status: str, *, reason: str = ""
    ) -> httpx.Response:
        """Change a card's status and send the ``Card_update`` callback."""
        card = self.state.card(card_no)
        before, card.status = card.status, after_status
        data = {
            "card_no": card_no,
            "before_status": before,
            "after_status": after_status,
            "reason": reason,
            "time": int(self.clock() * 1000),
        }
        return await self.deliver_callback("Card_update", data)

    async def emit_auth(
        self,
        card_no: str,
        amount: Decimal,
        *,
        currency: str = "USD",
        merchant_name: str = "SANDBOX COFFEE",
    ) -> httpx.Response:
        """Send an ``Auth`` callback for a purchase and record the consumption as
        ``Success`` when the merchant answered code 0, ``Fail`` otherwise.

        ``data`` has the documented fields, ``time`` (Unix ms) and ``merchant_info``
        (``merchant_name``, ``merchant_mcc``, ``city``, ``country``) included; its
        ``fee_detail`` is an array like ``Consumption``'s (Auth's shape is undocumented)."""
        card = self.state.card(card_no)
        consume_no = self.state.next_no("T")
        data: dict[str, Any] = {
            "consume_no": consume_no,
            "card_no": card_no,
            "cardholder_no": card.cardholder_no,
            "type": "Consumption",
            "amount": amount,
            "local_amount": amount,
            "local_currency": currency,
            "merchant_info": {
                "merchant_name": merchant_name,
                "merchant_mcc": "5814",
                "city": "NEW YORK",
                "country": "US",
            },
            "fee_detail": [{"fee_type": "Auth_fee", "amount": Decimal("0.00")}],
            "status": "Pending",
            "time": int(self.clock() * 1000),
        }
        response = await self.deliver_callback("Auth", data)
        try:
            approved = response.status_code == 200 and response.json().get("code") == 0
        except ValueError:
            approved = False
        self.state.consumptions[consume_no] = ConsumptionRecord(
            consume_no,
            card_no,
            card.cardholder_no,
            "Consumption",
            amount,
            "Success" if approved else "Fail",
            int(self.clock() * 1000),
            local_currency=currency,
        )
        return response


async def _post(
    target: ASGIApp | str, url: str, body: bytes, headers: Mapping[str, str]
) -> httpx.Response:
    """One POST of a callback, over the network (a URL) or in-process (an ASGI app)."""
    if isinstance(target, str):
        async with httpx.AsyncClient() as http:
            return await http.post(url, content=body, headers=dict(headers))
    transport = httpx.ASGITransport(app=target)
    async with httpx.AsyncClient(transport=transport) as http:
        return await http.post(url, content=body, headers=dict(headers))
