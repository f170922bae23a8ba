"""Typed errors of the Payin client, built on the core hierarchy in ``lemft_async._errors``."""

from __future__ import annotations

from typing import Any

from .._core._errors import APIError, OutcomeUnknownError

__all__ = ["PayinError", "PayinOutcomeUnknownError", "ResponseSignatureError"]


class PayinError(APIError):
    """The gateway answered ``retCode`` other than ``SUCCESS`` (normally ``FAIL``).

    ``ret_msg`` is the gateway's reason (e.g. "签名失败"), ``err_code`` / ``err_des`` the
    XxPay error code and text when present (``0013`` signature error, ``0014`` parameter
    error, ``0112`` order not found ...). A FAIL is a definitive answer, except the codes
    after which an order may exist (``0010`` system, ``0110``/``0111`` third party, ``0118``
    database, ``0120`` status update): for ``create_order``/``apply_payout`` those arrive as
    the ``cause`` of a ``PayinOutcomeUnknownError``.
    """

    def __init__(
        self,
        message: str,
        *,
        ret_code: str | None,
        err_code: str | None = None,
        err_des: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.ret_code = ret_code
        self.ret_msg = message
        self.err_code = err_code
        self.err_des = err_des
        super().__init__(None, message, None, path, status_code=status_code)

    def _render(self) -> str:
        head = f"retCode={self.ret_code}"
        if self.err_code:
            head += f" errCode={self.err_code}"
        text = f"{head}: {self.message}" if self.message else head
        if self.err_des and self.err_des != self.message:
            text += f" ({self.err_des})"
        if self.path:
            text += f" (path={self.path})"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                type(self),
                self.message,
                {
                    "ret_code": self.ret_code,
                    "err_code": self.err_code,
                    "err_des": self.err_des,
                    "path": self.path,
                    "status_code": self.status_code,
                },
            ),
        )


class ResponseSignatureError(APIError):
    """A ``SUCCESS`` response whose ``sign`` is missing or wrong: it may be forged.

    Do not act on ``payload`` (the unverified body). For ``create_order``/``apply_payout``
    the request may have been carried out: reconcile with ``query_order``/``query_payout``
    using ``mch_order_no``. If your gateway does not sign some responses, see the client's
    ``verify_response_signatures`` option.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        status_code: int | None = None,
        mch_order_no: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        self.mch_order_no = mch_order_no
        self.payload = payload
        super().__init__(None, message, None, path, status_code=status_code)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                type(self),
                self.message,
                {
                    "path": self.path,
                    "status_code": self.status_code,
                    "mch_order_no": self.mch_order_no,
                    "payload": self.payload,
                },
            ),
        )


def _rebuild(cls: type[APIError], message: str, kwargs: dict[str, Any]) -> APIError:
    return cls(message, **kwargs)  # type: ignore[arg-type]


class PayinOutcomeUnknownError(OutcomeUnknownError):
    """``create_order`` / ``apply_payout`` may or may not have been carried out; NOT re-sent.

    Reconcile with ``query_order(mch_order_no=err.mch_order_no)`` (or ``query_payout``)
    before trying again.
    """

    primary_reference = "mch_order_no"
    shown_references = ("mch_order_no",)

    @property
    def mch_order_no(self) -> str | None:
        """The merchant order number of the call (also ``out_order_id``, the core name)."""
        return self.references.get("mch_order_no")
