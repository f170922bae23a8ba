"""``sign_notification``: a callback as the gateway sends it, for testing your receiver.

The exact inverse of ``parse_notification``: the fields are rendered as the text they
travel as (ints as digits, booleans ``true``/``false``, ``Decimal`` in plain notation,
nested objects as key-sorted compact JSON), empty ones dropped, and ``sign`` (uppercase
MD5, Lemon's rule) added. Send the result as the query string or form body.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._signing import SIGN, render_value, sign

__all__ = ["sign_notification"]


def sign_notification(fields: Mapping[str, object], secret: str) -> dict[str, str]:
    """``fields`` as text plus their ``sign``, ready to send to a notify URL.

    >>> params = sign_notification({"mchId": "M1", "mchOrderNo": "o1", "amount": 10000,
    ...                             "status": 2, "payOrderId": "P1"}, "test-secret")
    >>> client.parse_notification(params)   # verifies (with the same secret)
    """
    if not isinstance(fields, Mapping):
        raise TypeError(f"fields must be a mapping, got {type(fields).__name__}")
    params: dict[str, str] = {}
    for key, value in fields.items():
        if not isinstance(key, str) or not key:
            raise TypeError("field names must be non-empty strings")
        if key == SIGN:
            raise ValueError("'sign' is computed here; do not pass it")
        text = render_value(value, name=key)
        if text != "":
            params[key] = text
    params[SIGN] = sign(params, secret)
    return params
