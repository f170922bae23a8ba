"""Typed Payin responses and notifications.

Lenient like the core models (``lemft_async._models.LemftModel``): unknown fields are kept,
unknown status values stay plain ``int``. Amounts stay ``int`` minor units as on the wire;
``amount_rupees`` gives the exact ``Decimal``. ``accountNo`` is masked in reprs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from .._core._identity import Identifier
from .._core._models import LemftModel, enum_value, lenient_time
from ._money import minor_to_rupees
from ._status import (
    PayinStatus,
    PayoutStatus,
    payin_is_failed,
    payin_is_paid,
    payin_is_pending,
    payout_is_failed,
    payout_is_pending,
    payout_is_success,
)

__all__ = [
    "PayParams",
    "PayinCreated",
    "PayinModel",
    "PayinNotification",
    "PayinOrder",
    "PayoutNotification",
    "PayoutOrder",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _from_millis(millis: int) -> datetime | None:
    # paySuccTime is epoch milliseconds (seed: 1730111845123), as a number or text; None
    # beyond datetime's range (year 9999), so the value is kept rather than failing.
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        return None


_MAX_MILLIS_DIGITS = 20


def _from_text(text: str) -> datetime | None:
    # Digits, few enough for a date (int() refuses over 4300, and "²" is a digit it refuses).
    if not text.isdigit() or len(text) > _MAX_MILLIS_DIGITS:
        return None
    try:
        return _from_millis(int(text))
    except ValueError:
        return None


_parse_millis = lenient_time(
    _from_text, from_int=lambda millis: _from_millis(millis) or str(millis)
)


MillisTime = Annotated[datetime | str | None, BeforeValidator(_parse_millis)]
"""Epoch milliseconds as an aware UTC ``datetime``; unparseable text is kept as is."""

PayinStatusField = Annotated[PayinStatus | int, enum_value(PayinStatus)]
PayoutStatusField = Annotated[PayoutStatus | int, enum_value(PayoutStatus)]


def _rupees(amount: int | None) -> Decimal | None:
    return None if amount is None else minor_to_rupees(amount)


class PayinModel(LemftModel):
    """Base of the Payin models: camelCase wire names, ``accountNo`` masked in reprs."""

    _masked_fields: ClassVar[frozenset[str]] = frozenset({"card_no", "cvv", "pin", "account_no"})
    _masked_wire_names: ClassVar[frozenset[str]] = frozenset({"accountNo", "sign"})

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # Unknown fields keep their wire names; mask those too.
        for name, value in super().__repr_args__():
            yield name, ("***" if name in self._masked_wire_names and value else value)


class PayParams(PayinModel):
    """How the payer pays: a cashier URL, a QR string, a deep link and/or a UPI id."""

    pay_method: str | None = Field(default=None, alias="payMethod")
    pay_url: str | None = Field(default=None, alias="payUrl")
    qr_string: str | None = Field(default=None, alias="qrString")
    url: str | None = None
    upi: str | None = None


class PayinCreated(PayinModel):
    """``create_order`` result. SUCCESS means the order exists, *not* that it is paid."""

    ret_code: str | None = Field(default=None, alias="retCode")
    ret_msg: str | None = Field(default=None, alias="retMsg")
    pay_order_id: Identifier = Field(alias="payOrderId")
    """The gateway's order id (documented in the answer): an answer without it is an
    unknown outcome."""
    pay_params: PayParams | None = Field(default=None, alias="payParams")
    mch_order_no: Identifier = Field(alias="mchOrderNo")
    """Not in the response: the client fills in the number it sent (or generated)."""
    amount: int
    """Not in the response: the client fills in the amount it sent (minor units)."""


class _PayinStatusMixin:
    status: Any
    amount: int | None

    @property
    def is_paid(self) -> bool:
        """True for status 2 (paid) and 3 (paid, acknowledged)."""
        return payin_is_paid(self.status)

    @property
    def succeeded(self) -> bool:
        """The money arrived (``is_paid``): one name for pay-ins and payouts."""
        return self.is_paid

    @property
    def is_pending(self) -> bool:
        """True for status 0 (created) and 1 (paying)."""
        return payin_is_pending(self.status)

    @property
    def is_failed(self) -> bool:
        """True for status -2 (expired), -1 (failed) and 5 (closed)."""
        return payin_is_failed(self.status)

    @property
    def amount_rupees(self) -> Decimal | None:
        """``amount`` as exact rupees (``10000`` -> ``Decimal("100.00")``)."""
        return _rupees(self.amount)


class PayinOrder(_PayinStatusMixin, PayinModel):
    """``query_order`` result."""

    ret_code: str | None = Field(default=None, alias="retCode")
    ret_msg: str | None = Field(default=None, alias="retMsg")
    status: PayinStatusField
    """Documented in the answer; one without it does not fit (``APIResponseValidationError``)
    rather than reading as "not paid"."""
    product_id: str | None = Field(default=None, alias="productId")
    amount: int | None = None
    channel_pay_no: str | None = Field(default=None, alias="channelPayNo")
    """The UTR."""
    currency: str | None = None
    mch_order_no: Identifier = Field(alias="mchOrderNo")
    pay_order_id: Identifier = Field(alias="payOrderId")
    error_message: str | None = Field(default=None, alias="errorMessage")
    pay_succ_time: MillisTime = Field(default=None, alias="paySuccTime")


class _PayoutStatusMixin:
    status: Any
    amount: int | None

    @property
    def is_success(self) -> bool:
        """True only for status 2."""
        return payout_is_success(self.status)

    @property
    def succeeded(self) -> bool:
        """The money left (``is_success``): one name for pay-ins and payouts."""
        return self.is_success

    @property
    def is_pending(self) -> bool:
        """True for status 0 (pending) and 1 (processing)."""
        return payout_is_pending(self.status)

    @property
    def is_failed(self) -> bool:
        """True for status 3 (failed) and 6 (reversed; unconfirmed meaning)."""
        return payout_is_failed(self.status)

    @property
    def amount_rupees(self) -> Decimal | None:
        """``amount`` as exact rupees."""
        return _rupees(self.amount)


class PayoutOrder(_PayoutStatusMixin, PayinModel):
    """``apply_payout`` and ``query_payout`` result."""

    ret_code: str | None = Field(default=None, alias="retCode")
    ret_msg: str | None = Field(default=None, alias="retMsg")
    agentpay_order_id: str | None = Field(default=None, alias="agentpayOrderId")
    """The gateway's payout id. Shown in the apply answer only (the query answer was not
    seen), so not required."""
    mch_order_no: str | None = Field(default=None, alias="mchOrderNo")
    """Filled in by ``apply_payout`` (the number it sent); a query answer may omit it."""
    status: PayoutStatusField | None = None
    amount: int | None = None
    fee: int | None = None
    """Minor units (the docs' example: 1200)."""
    account_no: str | None = Field(default=None, alias="accountNo")
    trans_msg: str | None = Field(default=None, alias="transMsg")
    extra: Any = None


class PayinNotification(_PayinStatusMixin, PayinModel):
    """A verified pay-in callback (``backType`` 2 = server notification, 1 = browser)."""

    kind: ClassVar[str] = "payin"

    pay_order_id: Identifier = Field(alias="payOrderId")
    mch_order_no: Identifier = Field(alias="mchOrderNo")
    status: PayinStatusField
    amount: int
    mch_id: str | None = Field(default=None, alias="mchId")
    pay_succ_time: MillisTime = Field(default=None, alias="paySuccTime")
    channel_pay_no: str | None = Field(default=None, alias="channelPayNo")
    back_type: int | None = Field(default=None, alias="backType")
    channel_code: str | None = Field(default=None, alias="channelCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    currency: str | None = None

    @property
    def dedup_key(self) -> str:
        """Same order and same outcome = same event (a redelivery).

        2 and 3 count as one outcome ("paid"): once acknowledged the gateway moves the
        order to 3, and a later redelivery (``executeNotify``) carries 3.
        """
        outcome = "paid" if self.is_paid else str(int(self.status))
        return f"payin:{self.pay_order_id}:{outcome}"


class PayoutNotification(_PayoutStatusMixin, PayinModel):
    """A verified payout callback. LemonPay's carries no ``mchId``, so it is optional."""

    kind: ClassVar[str] = "payout"

    agentpay_order_id: Identifier = Field(alias="agentpayOrderId")
    status: PayoutStatusField
    mch_order_no: str | None = Field(default=None, alias="mchOrderNo")
    mch_id: str | None = Field(default=None, alias="mchId")
    amount: int | None = None
    fee: int | None = None
    trans_msg: str | None = Field(default=None, alias="transMsg")
    extra: Any = None

    @property
    def dedup_key(self) -> str:
        """Same payout and same status = same event (a redelivery)."""
        return f"payout:{self.agentpay_order_id}:{int(self.status)}"
