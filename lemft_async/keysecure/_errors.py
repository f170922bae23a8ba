"""KeySecure error classes, mapped from the documented business codes.

Source: KeySecure "Error Codes" page (ranges 1xxx common/auth/PCI, 2xxx cardholder,
3xxx account/transfer, 4xxx card/transaction/privacy). Codes with their own meaning get a
class; any other code inside a documented range gets that range's class; a code outside
every documented range gets the base ``KeySecureError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from .._core._errors import APIError, OutcomeUnknownError

__all__ = [
    "AccountError",
    "CardError",
    "CardholderError",
    "KeySecureAuthError",
    "KeySecureError",
    "KeySecureOutcomeUnknownError",
    "KeySecurePCIError",
    "KeySecureParamError",
    "KeySecureRateLimitError",
    "KeySecureServerError",
    "KeySecureTimestampError",
    "KeySecureTokenError",
    "error_for_code",
]


class KeySecureError(APIError):
    """A KeySecure answer with ``code != 0``. ``message`` is the server's ``msg``."""

    default_code: ClassVar[int | None] = None


class KeySecureServerError(KeySecureError):
    """1001 system error. For a write the outcome is unknown (see ``OutcomeUnknownError``)."""

    default_code = 1001


class KeySecureAuthError(KeySecureError):
    """Credential or merchant problems: 1002, 1003 (IP not whitelisted), 1008, 1010, 1011,
    1012, 1021, 1022. Retrying does not help; fix the configuration."""


class KeySecureTokenError(KeySecureAuthError):
    """1006 / 1007: Access-Token missing, invalid or expired.

    The client refreshes the token and retries once on 1007; this reaches you only when
    the fresh token was rejected too.
    """

    default_code = 1007


class KeySecureTimestampError(KeySecureError):
    """1005: the ``Timestamp`` header was stale, in the future, or malformed.

    The client re-syncs its clock offset from the server's ``Date`` header and retries
    once; this reaches you when that did not help.
    """

    default_code = 1005


class KeySecureRateLimitError(KeySecureError):
    """1009 operation too frequent. Retried with backoff up to ``max_retries``."""

    default_code = 1009


class KeySecureParamError(KeySecureError):
    """Invalid parameter: 1004, 1019 (end before start), 1020 (range too large),
    2007-2010 and 4010. The message names the snake_case field."""

    default_code = 1004


class KeySecurePCIError(KeySecureError):
    """PCI display / hosted-iframe errors, 1013-1018."""


class CardholderError(KeySecureError):
    """2xxx cardholder errors (2001 exists, 2002 not found, 2003-2006 verification ...)."""


class AccountError(KeySecureError):
    """3xxx account and transfer errors (texts not captured in our copy of the docs)."""


class CardError(KeySecureError):
    """4xxx card, transaction and privacy errors (e.g. 4005 card not Activated,
    4016 PIN rule violated, 4017 PIN on a virtual card)."""


_BY_CODE: Mapping[int, type[KeySecureError]] = {
    1001: KeySecureServerError,
    1002: KeySecureAuthError,
    1003: KeySecureAuthError,
    1004: KeySecureParamError,
    1005: KeySecureTimestampError,
    1006: KeySecureTokenError,
    1007: KeySecureTokenError,
    1008: KeySecureAuthError,
    1009: KeySecureRateLimitError,
    1010: KeySecureAuthError,
    1011: KeySecureAuthError,
    1012: KeySecureAuthError,
    **dict.fromkeys(range(1013, 1019), KeySecurePCIError),
    1019: KeySecureParamError,
    1020: KeySecureParamError,
    1021: KeySecureAuthError,
    1022: KeySecureAuthError,
    **dict.fromkeys(range(2007, 2011), KeySecureParamError),
    4010: KeySecureParamError,
}

_BY_RANGE: Mapping[int, type[KeySecureError]] = {
    2: CardholderError,
    3: AccountError,
    4: CardError,
}


def error_for_code(
    code: int,
    message: str,
    *,
    path: str | None = None,
    status_code: int | None = None,
    traceid: str | None = None,
) -> KeySecureError:
    """The typed error for a KeySecure business code (unknown codes: ``KeySecureError``)."""
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = _BY_RANGE.get(code // 1000, KeySecureError) if 1000 <= code <= 9999 else None
    return (cls or KeySecureError)(code, message, traceid, path, status_code=status_code)


class KeySecureOutcomeUnknownError(OutcomeUnknownError):
    """A KeySecure write may or may not have happened and was NOT re-sent.

    ``references`` holds the identifiers sent with the call (``transfer_unique_no``,
    ``card_unique_no``, ``cardholder_unique_no``, ``card_no``, ``cardholder_no``) so you
    can look the operation up (e.g. ``accounts.list_transfers(transfer_unique_no=...)``)
    before deciding to try again.
    """

    primary_reference = "transfer_unique_no"
    shown_references = ("transfer_unique_no", "card_unique_no", "cardholder_unique_no")

    @property
    def transfer_unique_no(self) -> str | None:
        return self.references.get("transfer_unique_no")

    @property
    def card_unique_no(self) -> str | None:
        return self.references.get("card_unique_no")

    @property
    def cardholder_unique_no(self) -> str | None:
        return self.references.get("cardholder_unique_no")
