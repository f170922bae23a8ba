"""One Payin call: render + sign the form once -> (POST -> decode -> verify) x attempts.

The attempt loop is the core one (``lemft_async._core._transport``); Payin adds its
envelope, its response-signature check and its rows of the table, then the shared rows
(``classify_http``). A connection that was never established is retried for every call; a
timeout after sending, a dropped connection, HTTP 5xx or an undecodable body is retried
only for reads, and for ``create_order`` / ``apply_payout`` raises
``PayinOutcomeUnknownError`` (never re-sent). A ``FAIL`` answer and a bad response
signature are never retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from typing_extensions import Unpack

from .._core._http_errors import load_payload, not_an_envelope
from .._core._logging import child_logger
from .._core._retry import Disposition, classify_http
from .._core._transport import BaseTransport, Call, TransportOptions
from ._errors import PayinError, PayinOutcomeUnknownError, ResponseSignatureError
from ._signing import SIGN, ResponseVerification, render_value, response_signature_matches, sign

__all__ = ["PayinTransport", "classify", "encode_form"]


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


def _err_code(value: object) -> str | None:
    """XxPay's errCode as its 4-digit text: ``110``, ``"110"`` and ``" 0110"`` are all
    ``"0110"`` (an ambiguous code must not pass for a definite one by its spelling)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.isdigit() and text.isascii() and len(text) < 4:
        text = text.zfill(4)
    return text


def classify(error: BaseException) -> Disposition:
    """Payin's own rows, then the rows every API shares (HTTP and transport)."""
    if isinstance(error, PayinError) and error.err_code in AMBIGUOUS_ERR_CODES:
        return Disposition.RETRY_IF_READ
    if isinstance(error, ResponseSignatureError):
        # A SUCCESS we cannot trust: the order may have been accepted, or it is a forgery.
        # A write must be reconciled, never re-sent; a read is raised (retrying would not
        # change the signature).
        return Disposition.UNKNOWN_IF_WRITE
    return classify_http(error)


class PayinTransport(BaseTransport):
    """What every call of one ``AsyncPayin`` (and its ``with_options`` copies) shares."""

    label = "payin "
    outcome_unknown_error = PayinOutcomeUnknownError
    log = child_logger("payin")

    def __init__(
        self,
        *,
        mch_id: str,
        secret: str,
        verify_responses: ResponseVerification = "strict",
        **options: Unpack[TransportOptions],
    ) -> None:
        super().__init__(**options)
        self.mch_id = mch_id
        self.secret = secret
        self.verify_responses = verify_responses
        # Not sent (the gateway has no such header): traceids correlate logs and errors.
        self._headers = {"Accept": "application/json", "User-Agent": self.user_agent}

    def __repr__(self) -> str:
        return f"PayinTransport(base_url={self.base_url!r}, mch_id={self.mch_id!r}, secret=***)"

    def classify(self, error: BaseException) -> Disposition:
        return classify(error)

    def secrets(self) -> tuple[str, ...]:
        return (self.secret,)

    async def send(self, call: Call[Any]) -> httpx.Response:
        return await self.request(call, "POST", data=call.content, headers=self._headers)

    def decode(self, response: httpx.Response, call: Call[Any]) -> dict[str, Any]:
        path = call.endpoint.path
        mch_order_no = call.references.get("mch_order_no")
        status = response.status_code
        payload = load_payload(response)
        if isinstance(payload, dict) and "retCode" in payload:
            ret_code = payload["retCode"]
            if ret_code == "SUCCESS":
                self._verify(payload, path=path, status=status, mch_order_no=mch_order_no)
                return payload
            ret_msg, err_code, err_des = (payload.get(k) for k in ("retMsg", "errCode", "errDes"))
            raise PayinError(
                self.server_text(ret_msg),
                ret_code=str(ret_code),
                err_code=_err_code(err_code),
                err_des=self.server_text(err_des) if isinstance(err_des, str) else None,
                path=path,
                status_code=status,
            )
        raise not_an_envelope(response, expected="a Payin response", path=path)

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
