"""LEMFT's transport: encode once -> (gate -> sign -> send -> decode) x attempts.

The body is encoded once; every attempt signs those same bytes with a fresh timestamp
taken *after* the gate is acquired (a call may wait its turn for a long time), and keeps
the same ``traceid``. The attempt loop is the core one (``_core._transport``); this module
adds LEMFT's own steps:

| failure                                        | read       | write                    |
|------------------------------------------------|------------|--------------------------|
| 10004 too many requests (server did not act)   | retry      | retry                    |
| 10003 timestamp (after clock re-sync)          | retry once | retry once               |
| 10005 system error                             | retry      | OutcomeUnknownError      |
| 10001, 10002, other codes                      | raise      | raise                    |

followed by the rows every API shares (``_core._retry.classify_http``).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar

import httpx
from typing_extensions import Unpack

from ._config import Credentials
from ._core._codec import dumps, encode_members
from ._core._http_errors import decode_code_envelope
from ._core._onepass import try_one_pass
from ._core._options import FRAMING_HEADERS
from ._core._retry import Disposition, classify_http
from ._core._transport import BaseTransport, Call, Recovery, TransportOptions
from ._errors import ServerError, TimestampError, TooManyRequestsError, error_for_code
from ._gate import Gate, GateKey
from ._signing import SignatureEncoding, compute_signature

__all__ = ["COMMON_PARAMS", "LemftTransport", "classify", "encode_body"]

COMMON_PARAMS = ("customer_id", "app_id", "key")


def encode_body(credentials: Credentials, params: Mapping[str, Any]) -> bytes:
    """Common params first (as in the docs' examples), then the operation's, compact JSON."""
    _refuse_common(params)
    body: dict[str, Any] = {
        "customer_id": credentials.customer_id,
        "app_id": credentials.app_id,
        "key": credentials.key,
    }
    body.update(params)
    return dumps(body)


def _refuse_common(params: Mapping[str, Any]) -> None:
    clash = [k for k in COMMON_PARAMS if k in params]
    if clash:
        raise ValueError(f"{', '.join(clash)} are set by the client; do not pass them as params")


def classify(error: BaseException) -> Disposition:
    """LEMFT's rows of the table above, then the rows every API shares."""
    if isinstance(error, TooManyRequestsError):
        return Disposition.RETRY
    if isinstance(error, TimestampError):
        return Disposition.RESYNC_CLOCK
    if isinstance(error, ServerError):
        return Disposition.RETRY_IF_READ
    return classify_http(error)


class LemftTransport(BaseTransport):
    """Everything one set of credentials needs to send calls; shared by ``with_options`` copies."""

    protected_headers: ClassVar[frozenset[str]] = FRAMING_HEADERS | {
        "timestamp",
        "signature",
        "traceid",
    }

    def __init__(
        self,
        *,
        credentials: Credentials,
        gate: Gate,
        signature_encoding: SignatureEncoding = "hex",
        **options: Unpack[TransportOptions],
    ) -> None:
        super().__init__(**options)
        self.credentials = credentials
        self.gate = gate
        self.signature_encoding = signature_encoding
        # Per call only the operation's params are encoded: the common ones are the same
        # bytes every time (``encode_body`` without its closing brace).
        self._body_head = encode_body(credentials, {})[:-1]
        self._signing_key = credentials.api_key.encode("utf-8")
        # Gate keys by (base_url, path), built once each; copies share it (and may point
        # at another base_url, hence the key).
        self._gate_keys: dict[tuple[str, str], GateKey] = {}

    def __repr__(self) -> str:
        return f"LemftTransport(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def secrets(self) -> tuple[str, ...]:
        return (self.credentials.key, self.credentials.api_key)

    def gate_key(self, path: str) -> GateKey:
        at = (self.base_url, path)
        key = self._gate_keys.get(at)
        if key is None:
            credentials = self.credentials
            key = self._gate_keys[at] = GateKey(
                self.base_url, credentials.customer_id, credentials.app_id, path
            )
        return key

    def encode_body(self, params: Mapping[str, Any]) -> bytes:
        """``encode_body(self.credentials, params)``, byte for byte, encoding only ``params``."""
        _refuse_common(params)
        members = encode_members(params)
        if not members:
            return self._body_head + b"}"
        return b"%b,%b}" % (self._body_head, members.encode("utf-8"))

    def classify(self, error: BaseException) -> Disposition:
        return classify(error)

    def hold(self, call: Call[Any]) -> AbstractAsyncContextManager[object]:
        """The endpoint's gate: each attempt is sent holding it (the core loop enters it)."""
        return self.gate.hold(self.gate_key(call.path))

    async def send(self, call: Call[Any]) -> httpx.Response:
        # Runs with the gate held; signed after the wait: a call may queue for long, and
        # a timestamp taken before would be stale (10003).
        timestamp = str(self.clock.timestamp())
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": self.user_agent,
            "timestamp": timestamp,
            "signature": compute_signature(
                self._signing_key, call.content, timestamp, self.signature_encoding
            ),
            "traceid": call.traceid,
        }
        return await self.request(call, call.endpoint.method, content=call.content, headers=headers)

    def decode(self, response: httpx.Response, call: Call[Any]) -> Any:
        if response.status_code < 400:
            done = try_one_pass(call.parse, response.content)
            if done is not None:
                return done
        return decode_code_envelope(
            response,
            message_keys=("message",),
            error_for_code=error_for_code,
            server_text=self.server_text,
            expected="a LEMFT envelope",
            path=call.endpoint.path,
            traceid=call.traceid,
        )

    async def recover(
        self, error: BaseException, disposition: Disposition, call: Call[Any]
    ) -> str | None:
        # 10003: adopt the server's clock from its Date header, once, as one of the
        # retries. Otherwise the 10003 is raised as is.
        if (
            disposition is Disposition.RESYNC_CLOCK
            and call.retries < call.max_retries
            and self.resync_clock_once(call, 10003)
        ):
            return Recovery.RETRY_COUNTED
        return None
