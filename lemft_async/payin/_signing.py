"""The Lemon / XxPay MD5 signing rule, shared by the client, the verifier and the sandbox.

Documented (XxPay merchant docs, which Lemon's pages re-skin): take every parameter except
``sign``, drop the empty ones, sort by name, join as ``k=v&...``, append ``&key=<secret>``,
MD5, uppercase hex. Verification removes ``sign`` first, compares case-insensitively and
accepts fields it does not know.

How values become text (inferred, see the README's table): strings as they are, ints as
digits, booleans ``true``/``false``, ``Decimal`` digit for digit, nested objects as compact
JSON with sorted keys (XxPay's ``getSortJson``). ``None`` and ``""`` are dropped. Floats are
refused: a float has no single "right" text and money never goes through float.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from .._core._codec import dumps

__all__ = [
    "NestedRendering",
    "ResponseVerification",
    "canonical_string",
    "render_value",
    "response_signature_matches",
    "sign",
    "signature_matches",
]

NestedRendering = Literal["json", "json_drop_null", "omit"]
"""How a nested object is put into the signed string: key-sorted compact JSON keeping
``null`` members, the same without ``null`` members (fastjson's default), or left out."""

ResponseVerification = Literal["strict", "flat", "if_present", "off"]
"""How ``SUCCESS`` responses are checked; see ``AsyncPayin`` and the README's table."""

SIGN = "sign"


def _sorted_json(value: Any, *, drop_null: bool) -> Any:
    if isinstance(value, Mapping):
        return {
            str(k): _sorted_json(v, drop_null=drop_null)
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            if not (drop_null and v is None)
        }
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return [_sorted_json(v, drop_null=drop_null) for v in value]
    return value


def render_value(value: object, *, name: str = "value", nested: NestedRendering = "json") -> str:
    """The text of one parameter as it is signed and sent; ``""`` means "dropped"."""
    # bool before int: bool is a subclass of int.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite Decimal")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError(
            f"{name} is a float ({value!r}): floats have no exact text; pass an int, a Decimal "
            "or the exact string to sign"
        )
    if isinstance(value, Mapping | list | tuple):
        if nested == "omit":
            return ""
        rendered = _sorted_json(value, drop_null=nested == "json_drop_null")
        return dumps(rendered).decode("utf-8")
    raise TypeError(f"{name} has a type that cannot be signed: {type(value).__name__}")


# Field names of the gateway (requests, answers, callbacks) plus the secret's own ``key``:
# a value holding ``&<one of these>=`` could stand for that parameter in the signed string.
KNOWN_FIELDS = frozenset(
    {
        "key",
        "sign",
        "mchId",
        "mchOrderNo",
        "payOrderId",
        "agentpayOrderId",
        "amount",
        "currency",
        "notifyUrl",
        "returnUrl",
        "status",
        "paySuccTime",
        "channelPayNo",
        "backType",
        "channelCode",
        "errorMessage",
        "accountNo",
        "accountName",
        "accountBankCode",
        "phoneNumber",
        "payerEmail",
        "remark",
        "extra",
        "retCode",
        "retMsg",
        "errCode",
        "errDes",
        "payParams",
        "executeNotify",
    }
)
_FOLDED = re.compile(r"&([A-Za-z_][A-Za-z0-9_]*)=")


def folded_parameter(params: Mapping[str, object], texts: Mapping[str, str]) -> str | None:
    """The name of a parameter some value could impersonate in ``k=v&k=v`` (``None``: none).

    ``currency="INR&mchId=M100"`` signs exactly like ``currency="INR"`` plus
    ``mchId="M100"``: the signature would then vouch for a merchant id that was never a
    field. A value holding ``&<name>=`` for a known gateway field, any other parameter
    present, or ``key`` is therefore refused.
    """
    names = KNOWN_FIELDS | {k for k in params if isinstance(k, str)}
    for text in texts.values():
        for match in _FOLDED.finditer(text):
            if match.group(1) in names:
                return match.group(1)
    return None


def canonical_string(params: Mapping[str, object], *, nested: NestedRendering = "json") -> str:
    """``k1=v1&k2=v2...`` over the non-empty params except ``sign``, sorted by name.

    This is the string that gets ``&key=<secret>`` appended; it holds no secret itself.
    Raises ``ValueError`` for a value that could impersonate another parameter there.
    """
    parts: list[tuple[str, str]] = []
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"parameter names must be str, got {type(key).__name__}")
        if not key or "&" in key or "=" in key:
            # "x&mchId" would sign as two parameters (ambiguous, like a folded value).
            raise ValueError("parameter names must not be empty or contain '&' or '='")
        if key == SIGN:
            continue
        text = render_value(value, name=key, nested=nested)
        if text != "":
            parts.append((key, text))
    folded = folded_parameter(params, dict(parts))
    if folded is not None:
        raise ValueError(
            f"a parameter value contains '&{folded}=': it would sign like a separate "
            f"'{folded}' field (ambiguous), so it is refused"
        )
    # Code-point order: the documented ASCII sort (XxPay's server sorts case-insensitively,
    # which gives the same order for every field name this API uses).
    parts.sort(key=lambda kv: kv[0])
    return "&".join(f"{k}={v}" for k, v in parts)


def _digest(canonical: str, secret: str) -> str:
    text = f"{canonical}&key={secret}" if canonical else f"key={secret}"
    # MD5 is what the gateway mandates; it is a MAC-like checksum here, not our choice.
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def _check_secret(secret: object) -> str:
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    return secret


def sign(params: Mapping[str, object], secret: str) -> str:
    """The uppercase-hex MD5 signature of ``params`` (its ``sign`` entry, if any, ignored).

    >>> sign({"userId": "test01", "type": "wechat", "money": "2.0", "remark": "",
    ...       "outTradeNo": "P12312321123"}, "EWEFD123RGSRETYDFNGFGFGSHDFGH")
    '5E0AA05DD4BB4FE5AB65608123EBA591'
    """
    return _digest(canonical_string(params), _check_secret(secret))


def _given_signature(params: Mapping[str, object]) -> bytes | None:
    given = params.get(SIGN)
    if not isinstance(given, str) or not given:
        return None
    try:
        return given.upper().encode("ascii")
    except UnicodeEncodeError:
        return None


def _matches_any(
    params: Mapping[str, object], secret: str, renderings: Sequence[NestedRendering]
) -> bool:
    given = _given_signature(params)
    if given is None:
        return False
    seen: set[str] = set()
    ok = False
    for nested in renderings:
        canonical = canonical_string(params, nested=nested)
        if canonical in seen:
            continue
        seen.add(canonical)
        # Constant-time compare; every candidate is tried (no early exit).
        ok |= hmac.compare_digest(_digest(canonical, secret).encode("ascii"), given)
    return ok


def signature_matches(params: Mapping[str, object], secret: str) -> bool:
    """True when ``params["sign"]`` is the signature of the other params (any letter case).

    A missing or empty ``sign`` never matches. Unknown extra fields are part of the check,
    as the docs require.
    """
    return _matches_any(params, _check_secret(secret), ("json",))


def response_signature_matches(
    payload: Mapping[str, Any], secret: str, *, allow_flat: bool = False
) -> bool:
    """Check a ``SUCCESS`` response body's ``sign`` (all other fields, ``retCode`` included).

    Nested objects (``payParams``) are signed in a way Lemon does not document, so both
    XxPay-style renderings are accepted: key-sorted compact JSON with ``null`` members kept,
    and without them (*inferred*). ``allow_flat`` also accepts a signature that leaves
    nested objects out; their content is then not authenticated.
    """
    renderings: list[NestedRendering] = ["json", "json_drop_null"]
    if allow_flat:
        renderings.append("omit")
    return _matches_any(payload, _check_secret(secret), renderings)
