"""Verify and type a Payin callback (pay-in or payout notification).

The gateway sends its parameters in the query string (XxPay POSTs ``notifyUrl?<params>``)
or as form fields; pass them here as one mapping of decoded values. Verification covers
every field that arrived, known or not; empty values are left out, as when signing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import ValidationError

from .._core._errors import WebhookPayloadError, WebhookVerificationError
from ._models import PayinNotification, PayoutNotification
from ._signing import SIGN, signature_matches

__all__ = ["ACK", "Notification", "NotificationKind", "parse_notification"]

ACK = "success"
"""The plain-text body that acknowledges a callback; anything else makes the gateway retry
(after 60/120/180/240/300 s)."""

Notification = PayinNotification | PayoutNotification
NotificationKind = Literal["payin", "payout"]

_MODELS: dict[str, type[Notification]] = {
    "payin": PayinNotification,
    "payout": PayoutNotification,
}


def _kind_of(fields: Mapping[str, object]) -> NotificationKind:
    if "agentpayOrderId" in fields:
        return "payout"
    if "payOrderId" in fields:
        return "payin"
    raise WebhookPayloadError(
        "cannot tell a pay-in from a payout notification: neither payOrderId nor "
        "agentpayOrderId is present"
    )


def parse_notification(
    params: Mapping[str, object],
    *,
    secret: str,
    mch_id: str | None = None,
    kind: NotificationKind | None = None,
) -> Notification:
    """Verify ``params`` with ``secret`` and return the typed notification.

    Raises ``WebhookVerificationError`` when ``sign`` is missing or wrong, or when a
    ``mchId`` is present and is not ``mch_id``; ``WebhookPayloadError`` when authentic but
    not decodable. ``kind`` pins the type; by default it follows from the order id field.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, got {type(params).__name__}")
    if kind is not None and kind not in _MODELS:
        raise ValueError(f"kind must be 'payin' or 'payout', got {kind!r}")
    given = params.get(SIGN)
    if not isinstance(given, str) or not given:
        raise WebhookVerificationError("notification has no sign")
    try:
        authentic = signature_matches(params, secret)
    except (TypeError, ValueError):
        # A value no gateway can send (e.g. a float); never echo it.
        raise WebhookVerificationError("notification holds a value that cannot be signed") from None
    if not authentic:
        raise WebhookVerificationError(
            "notification sign does not match (forged, tampered, or signed with another secret)"
        )
    # Empty values were not signed; they carry no information either.
    fields = {k: v for k, v in params.items() if k != SIGN and v is not None and v != ""}
    resolved = kind or _kind_of(fields)
    if mch_id is not None:
        if "mchId" in fields and fields["mchId"] != mch_id:
            raise WebhookVerificationError("notification is for another merchant (mchId differs)")
        # Pay-in callbacks carry mchId (documented): its absence cannot skip the check.
        # Payout callbacks are reported to carry none (LemonPay integrator), so there it is
        # checked when present.
        if "mchId" not in fields and resolved == "payin":
            raise WebhookVerificationError("pay-in notification carries no mchId")
    model = _MODELS[resolved]
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        # Field names only: the values stay out of messages and logs.
        where = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        raise WebhookPayloadError(
            f"authentic {model.__name__} could not be decoded; bad or missing field(s): "
            + ", ".join(where)
        ) from None
