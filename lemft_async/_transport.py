"""One logical call: encode -> (gate -> sign -> send -> decode) x attempts -> data.

The body is encoded once; every attempt signs those same bytes with a fresh timestamp
taken *after* the gate is acquired (a call may wait its turn for a long time), and keeps
the same ``traceid``. Failures are classified by ``_retry.classify``; the attempt loop
(backoff, ``OutcomeUnknownError``) is the one every client shares, ``_retry_loop``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
import httpx

from ._clock import Clock
from ._config import Credentials
from ._endpoints import OperationKind
from ._errors import OutcomeUnknownError, error_for_code
from ._gate import Gate, GateKey
from ._http_errors import envelope_code, load_payload, not_an_envelope
from ._json import dumps
from ._logging import logger
from ._retry import Disposition, RetryPolicy, classify
from ._retry_loop import Recovery, run_attempts, warn_cancelled_write
from ._signing import SignatureEncoding, compute_signature

__all__ = ["Clock", "Transport", "encode_body"]

COMMON_PARAMS = ("customer_id", "app_id", "key")

# Module-level so tests can patch the sleep without touching anyio.
_sleep = anyio.sleep


def _lemft_clock() -> Clock:
    # Reads this module's ``time`` at call time, so tests can pin the wall clock here.
    return Clock(source=lambda: time.time())


def encode_body(credentials: Credentials, params: Mapping[str, Any]) -> bytes:
    """Common params first (as in the docs' examples), then the operation's, compact JSON."""
    clash = [k for k in COMMON_PARAMS if k in params]
    if clash:
        raise ValueError(f"{', '.join(clash)} are set by the client; do not pass them as params")
    body: dict[str, Any] = {
        "customer_id": credentials.customer_id,
        "app_id": credentials.app_id,
        "key": credentials.key,
    }
    body.update(params)
    return dumps(body)


def _decode(response: httpx.Response, *, path: str, traceid: str) -> Any:
    payload = load_payload(response)
    if isinstance(payload, dict) and "code" in payload:
        code = envelope_code(payload["code"])
        if code == 0:
            return payload.get("data")
        if code is not None:
            message = payload.get("message")
            raise error_for_code(
                code,
                message if isinstance(message, str) else "",
                traceid=traceid,
                path=path,
                status_code=response.status_code,
            )
    raise not_an_envelope(response, expected="a LEMFT envelope", path=path, traceid=traceid)


@dataclass
class Transport:
    """Everything one set of credentials needs to send calls; shared by ``with_options`` copies."""

    http: httpx.AsyncClient
    base_url: str
    credentials: Credentials
    gate: Gate
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = field(default_factory=_lemft_clock)
    signature_encoding: SignatureEncoding = "hex"
    user_agent: str = "lemft-async"

    def gate_key(self, path: str) -> GateKey:
        return GateKey(self.base_url, self.credentials.customer_id, self.credentials.app_id, path)

    async def call(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        kind: OperationKind,
        operation: str | None = None,
        max_retries: int,
        timeout: httpx.Timeout | None = None,
        traceid: str | None = None,
    ) -> Any:
        """Send one logical call and return the envelope's ``data``; raise a typed error."""
        body = encode_body(self.credentials, params)
        traceid = traceid or uuid.uuid4().hex
        out_order_id = params.get("out_order_id")
        url = self.base_url + path
        key = self.gate_key(path)
        label = operation or path
        reference = None if out_order_id is None else f"out_order_id={out_order_id}"
        resynced = False

        async def send() -> httpx.Response:
            async with self.gate.hold(key):
                # Signed after the wait at the gate: a call may queue for long, and a
                # timestamp taken before would be stale (10003).
                timestamp = str(self.clock.timestamp())
                headers = {
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "User-Agent": self.user_agent,
                    "timestamp": timestamp,
                    "signature": compute_signature(
                        self.credentials.api_key, body, timestamp, self.signature_encoding
                    ),
                    "traceid": traceid,
                }
                try:
                    return await self.http.post(url, content=body, headers=headers, timeout=timeout)
                except anyio.get_cancelled_exc_class():
                    if kind == "write":
                        warn_cancelled_write(logger, label, path, reference, traceid)
                    raise

        def decode(response: httpx.Response) -> Any:
            return _decode(response, path=path, traceid=traceid)

        async def resync_clock(
            error: BaseException,
            disposition: Disposition,
            response: httpx.Response | None,
            retries: int,
        ) -> Recovery | None:
            # 10003: adopt the server's clock from its Date header, once, as one of the
            # retries. Otherwise the 10003 is raised as is.
            nonlocal resynced
            if (
                disposition is not Disposition.RESYNC_CLOCK
                or resynced
                or response is None
                or retries >= max_retries
            ):
                return None
            resynced = True
            if not self.clock.resync(response.headers.get("date")):
                return None
            logger.info(
                "%s %s: 10003, clock offset now %+.1f s; retrying (traceid=%s)",
                label,
                path,
                self.clock.offset,
                traceid,
            )
            return Recovery.RETRY_COUNTED

        return await run_attempts(
            send,
            decode,
            kind=kind,
            max_retries=max_retries,
            policy=self.retry_policy,
            classify=classify,
            outcome_unknown=partial(
                OutcomeUnknownError,
                operation=operation,
                path=path,
                traceid=traceid,
                out_order_id=str(out_order_id) if out_order_id is not None else None,
            ),
            sleep=_sleep,
            path=path,
            label=label,
            traceid=traceid,
            recover=resync_clock,
        )
