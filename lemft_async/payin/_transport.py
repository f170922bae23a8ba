"""One Payin call: render + sign the form once -> (POST -> decode -> verify) x attempts.

Retry decisions reuse the core table (``lemft_async._retry.classify``): a connection that
was never established is retried for every call; a timeout after sending, a dropped
connection, HTTP 5xx or an undecodable body is retried only for reads, and for
``create_order`` / ``apply_payout`` raises ``PayinOutcomeUnknownError`` (never re-sent).
A ``FAIL`` answer and a bad response signature are never retried.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from .._endpoints import OperationKind
from .._errors import APIError, APIResponseValidationError, APIStatusError
from .._json import loads
from .._logging import logger
from .._retry import Disposition, RetryPolicy, classify
from .._transport import _as_sdk_error, _cause, _retry_after, _short
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
        try:
            payload = loads(response.content)
        except (ValueError, UnicodeDecodeError):
            payload = None
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
        kind = response.headers.get("content-type", "unknown content type").split(";")[0]
        detail = (
            f"HTTP {status} with a body that is not a Payin response "
            f"({kind}, {len(response.content)} bytes)"
        )
        if status >= 400:
            raise APIStatusError(None, detail, None, path, status_code=status)
        raise APIResponseValidationError(None, detail, None, path, status_code=status)

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
        retries = 0
        while True:
            response: httpx.Response | None = None
            started = time.perf_counter()
            try:
                response = await self.http.post(url, data=form, headers=headers, timeout=timeout)
                payload = self._decode(response, path=path, mch_order_no=mch_order_no)
            except (APIError, httpx.TransportError) as exc:
                error: BaseException = exc
            else:
                _log.info(
                    "payin %s %s ok in %.1f ms (attempt %d, traceid=%s)",
                    operation,
                    path,
                    (time.perf_counter() - started) * 1000,
                    retries + 1,
                    traceid,
                )
                return payload

            disposition = classify(error)
            if disposition is Disposition.RETRY_IF_READ and kind == "write":
                sdk_error = _as_sdk_error(error, path=path, traceid=traceid)
                raise PayinOutcomeUnknownError(
                    f"outcome unknown after {type(sdk_error).__name__}: {sdk_error}; not re-sent",
                    operation=operation,
                    path=path,
                    traceid=traceid,
                    out_order_id=mch_order_no,
                    cause=sdk_error,
                ) from sdk_error
            if disposition not in (Disposition.RETRY, Disposition.RETRY_IF_READ) or (
                retries >= max_retries
            ):
                raise _as_sdk_error(error, path=path, traceid=traceid) from _cause(error)
            delay = _retry_after(error, response, self.retry_policy)
            if delay is None:
                delay = self.retry_policy.delay(retries)
            _log.info(
                "payin %s %s: %s; retry %d/%d in %.3f s (traceid=%s)",
                operation,
                path,
                _short(error),
                retries + 1,
                max_retries,
                delay,
                traceid,
            )
            retries += 1
            await _sleep(delay)
