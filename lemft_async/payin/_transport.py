"""One Payin call: render + sign the form once -> (POST -> decode -> verify) x attempts.

Retry decisions reuse the core table (``lemft_async._retry.classify``) and attempt loop
(``lemft_async._retry_loop``); Payin has no recovery of its own. A connection that
was never established is retried for every call; a timeout after sending, a dropped
connection, HTTP 5xx or an undecodable body is retried only for reads, and for
``create_order`` / ``apply_payout`` raises ``PayinOutcomeUnknownError`` (never re-sent).
A ``FAIL`` answer and a bad response signature are never retried.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
import httpx

from .._endpoints import OperationKind
from .._http_errors import load_payload, not_an_envelope
from .._logging import logger
from .._retry import Disposition, RetryPolicy
from .._retry import classify as classify_lemft
from .._retry_loop import run_attempts, warn_cancelled_write
from ._errors import PayinError, PayinOutcomeUnknownError, ResponseSignatureError
from ._signing import SIGN, ResponseVerification, render_value, response_signature_matches, sign

__all__ = ["PayinTransport", "encode_form"]

# Module-level so tests can patch the backoff sleep.
_sleep = anyio.sleep

_log = logger.getChild("payin")


def encode_form(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The exact form fields sent: non-empty rendered values, sorted, then ``sign``.

    Rendering once and signing those strings is what keeps the wire and the signature equal.
    """
    form: dict[str, str] = {}
    for key in sorted(params):
        if key == SIGN:
            raise ValueError("'sign' is computed by the client; do not pass it")
        text = render_value(params[key], name=key)
        if text != "":
            form[key] = text
    form[SIGN] = sign(form, secret)
    return form


# XxPay error codes after which the order may exist (system, third-party, database and
# status-update failures): for create_order / apply_payout the outcome is unknown.
AMBIGUOUS_ERR_CODES = frozenset({"0010", "0110", "0111", "0118", "0120"})


def classify(error: BaseException) -> Disposition:
    """Payin's own rows, then the core table (HTTP and transport rows)."""
    if isinstance(error, PayinError) and error.err_code in AMBIGUOUS_ERR_CODES:
        return Disposition.RETRY_IF_READ
    if isinstance(error, ResponseSignatureError):
        # A SUCCESS we cannot trust: the order may have been accepted, or it is a forgery.
        # A write must be reconciled, never re-sent; a read is raised (retrying would not
        # change the signature).
        return Disposition.UNKNOWN_IF_WRITE
    return classify_lemft(error)


@dataclass
class PayinTransport:
    """What every call of one ``AsyncPayin`` (and its ``with_options`` copies) shares."""

    http: httpx.AsyncClient
    base_url: str
    mch_id: str
    secret: str = field(repr=False)
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    verify_responses: ResponseVerification = "strict"
    user_agent: str = "lemft-async"

    def _verify(
        self, payload: dict[str, Any], *, path: str, status: int, mch_order_no: str | None
    ) -> None:
        mode = self.verify_responses
        if mode == "off":
            return
        if not payload.get(SIGN):
            if mode == "if_present":
                return
            problem = "carries no sign"
        elif response_signature_matches(payload, self.secret, allow_flat=mode != "strict"):
            return
        else:
            problem = "has a sign that does not match"
        raise ResponseSignatureError(
            f"SUCCESS response {problem}: it may be forged; do not act on it. If your gateway "
            "signs responses differently, see AsyncPayin(verify_response_signatures=...)",
            path=path,
            status_code=status,
            mch_order_no=mch_order_no,
            payload=payload,
        )

    def _decode(
        self, response: httpx.Response, *, path: str, mch_order_no: str | None
    ) -> dict[str, Any]:
        status = response.status_code
        payload = load_payload(response)
        if isinstance(payload, dict) and "retCode" in payload:
            ret_code = payload["retCode"]
            if ret_code == "SUCCESS":
                self._verify(payload, path=path, status=status, mch_order_no=mch_order_no)
                return payload
            ret_msg, err_code, err_des = (payload.get(k) for k in ("retMsg", "errCode", "errDes"))
            raise PayinError(
                ret_msg if isinstance(ret_msg, str) else "",
                ret_code=str(ret_code),
                err_code=None if err_code is None else str(err_code),
                err_des=err_des if isinstance(err_des, str) else None,
                path=path,
                status_code=status,
            )
        raise not_an_envelope(response, expected="a Payin response", path=path)

    async def call(
        self,
        path: str,
        params: Mapping[str, object],
        *,
        kind: OperationKind,
        operation: str,
        max_retries: int,
        timeout: httpx.Timeout | None = None,
    ) -> dict[str, Any]:
        """Send one logical call; return the verified ``SUCCESS`` body or raise a typed error."""
        form = encode_form({"mchId": self.mch_id, **params}, self.secret)
        mch_order_no = form.get("mchOrderNo")
        # Not sent (the gateway has no such header): it correlates our log lines and errors.
        traceid = uuid.uuid4().hex
        url = self.base_url + path
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}

        async def send() -> httpx.Response:
            try:
                return await self.http.post(url, data=form, headers=headers, timeout=timeout)
            except anyio.get_cancelled_exc_class():
                if kind == "write":
                    reference = f"mchOrderNo={mch_order_no}" if mch_order_no else None
                    warn_cancelled_write(_log, f"payin {operation}", path, reference, traceid)
                raise

        def decode(response: httpx.Response) -> dict[str, Any]:
            return self._decode(response, path=path, mch_order_no=mch_order_no)

        return await run_attempts(
            send,
            decode,
            kind=kind,
            max_retries=max_retries,
            policy=self.retry_policy,
            classify=classify,
            outcome_unknown=partial(
                PayinOutcomeUnknownError,
                operation=operation,
                path=path,
                traceid=traceid,
                out_order_id=mch_order_no,
            ),
            sleep=_sleep,
            path=path,
            label=f"payin {operation}",
            traceid=traceid,
            log=_log,
        )
