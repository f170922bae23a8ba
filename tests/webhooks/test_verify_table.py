"""Table-driven verification tests: every row runs through ``verify`` and ``construct_event``."""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.datastructures import Headers as StarletteHeaders

from lemft_async import WebhookPayloadError, WebhookVerificationError, webhooks
from lemft_async._signing import compute_signature
from lemft_async.webhooks import WebhookScheme

from ._helpers import NOW, OTHER_SECRET, PAN, SECRET, body_of, card_body, signed_headers

BODY = card_body()
SIG = compute_signature(SECRET, BODY, str(NOW))
TS = str(NOW)
NON_ASCII_BODY = body_of({"eventTag": "card.status.freeze", "mark": "卡片 ✓ café", "card_id": "c1"})
INVALID_UTF8_BODY = b'{"eventTag":"card.status.active","mark":"\xff\xfe"}'
CUSTOM_NAMES = WebhookScheme(timestamp_header="X-Lemft-Timestamp", signature_header="X-Lemft-Sig")
STRIPE_LAYOUT = WebhookScheme(message=lambda body, ts: ts.encode() + b"." + body)
BASE64 = WebhookScheme(encoding="base64")
MULTI = WebhookScheme(signature_separator=",")


def _flip_last(sig: str) -> str:
    return sig[:-1] + ("0" if sig[-1] != "0" else "1")


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


@dataclass(frozen=True)
class Case:
    id: str
    body: bytes
    headers: Any
    expect: str  # "ok", a verification reason, or "payload:<reason>" (authentic, undecodable)
    api_key: Any = SECRET
    now: float = NOW
    tolerance: float | None = 300
    scheme: WebhookScheme = field(default_factory=WebhookScheme)


CASES = [
    Case("valid", BODY, signed_headers(BODY), "ok"),
    Case(
        "tampered body",
        BODY.replace(b'"balance":10', b'"balance":99'),
        signed_headers(BODY),
        "bad_signature",
    ),
    Case(
        "tampered signature", BODY, {"timestamp": TS, "signature": _flip_last(SIG)}, "bad_signature"
    ),
    Case("truncated signature", BODY, {"timestamp": TS, "signature": SIG[:-2]}, "bad_signature"),
    Case(
        "timestamp changed after signing",
        BODY,
        {"timestamp": str(NOW + 1), "signature": SIG},
        "bad_signature",
    ),
    Case("wrong secret", BODY, signed_headers(BODY, secret=OTHER_SECRET), "bad_signature"),
    Case(
        "second secret (rotation)",
        BODY,
        signed_headers(BODY, secret=OTHER_SECRET),
        "ok",
        api_key=[SECRET, OTHER_SECRET],
    ),
    Case(
        "first secret of a rotation pair",
        BODY,
        signed_headers(BODY),
        "ok",
        api_key=(OTHER_SECRET, SECRET),
    ),
    Case(
        "rotation pair, neither matches",
        BODY,
        signed_headers(BODY),
        "bad_signature",
        api_key=["a-not-real", "b-not-real"],
    ),
    Case("secret as bytes", BODY, signed_headers(BODY), "ok", api_key=SECRET.encode()),
    Case("stale: exactly tolerance old", BODY, signed_headers(BODY, timestamp=NOW - 300), "ok"),
    Case("stale: tolerance + 1 old", BODY, signed_headers(BODY, timestamp=NOW - 301), "stale"),
    Case("future: exactly tolerance ahead", BODY, signed_headers(BODY, timestamp=NOW + 300), "ok"),
    Case("future: tolerance + 1 ahead", BODY, signed_headers(BODY, timestamp=NOW + 301), "future"),
    Case(
        "custom tolerance, past it",
        BODY,
        signed_headers(BODY, timestamp=NOW - 11),
        "stale",
        tolerance=10,
    ),
    Case(
        "fractional now just past the window",
        BODY,
        signed_headers(BODY, timestamp=NOW - 300),
        "stale",
        now=NOW + 0.5,
    ),
    Case(
        "tolerance None disables the window",
        BODY,
        signed_headers(BODY, timestamp=NOW - 10**6),
        "ok",
        tolerance=None,
    ),
    Case("missing timestamp", BODY, _without(signed_headers(BODY), "timestamp"), "missing_header"),
    Case("missing signature", BODY, _without(signed_headers(BODY), "signature"), "missing_header"),
    Case("no headers at all", BODY, {}, "missing_header"),
    Case("blank signature", BODY, {"timestamp": TS, "signature": "  "}, "missing_header"),
    Case("uppercase hex signature", BODY, {"timestamp": TS, "signature": SIG.upper()}, "ok"),
    Case("signature padded with spaces", BODY, {"timestamp": TS, "signature": f" {SIG} "}, "ok"),
    Case("header names in upper case", BODY, {"TIMESTAMP": TS, "SIGNATURE": SIG}, "ok"),
    Case("header names in mixed case", BODY, {"TimeStamp": TS, "Signature": SIG}, "ok"),
    Case("non-ASCII body", NON_ASCII_BODY, signed_headers(NON_ASCII_BODY), "ok"),
    Case(
        "invalid UTF-8 body (authentic)",
        INVALID_UTF8_BODY,
        signed_headers(INVALID_UTF8_BODY),
        "payload:not_utf8",
    ),
    Case(
        "re-encoded JSON body (spacing)",
        json.dumps(json.loads(BODY)).encode(),
        signed_headers(BODY),
        "bad_signature",
    ),
    Case(
        "re-encoded JSON body (non-ASCII escaped)",
        json.dumps(json.loads(NON_ASCII_BODY), separators=(",", ":")).encode(),
        signed_headers(NON_ASCII_BODY),
        "bad_signature",
    ),
    Case(
        "non-digit timestamp (signed)",
        BODY,
        signed_headers(BODY, timestamp="17e8"),
        "bad_timestamp",
    ),
    Case("negative timestamp", BODY, signed_headers(BODY, timestamp="-5"), "bad_timestamp"),
    Case(
        "non-ASCII digits in timestamp",
        BODY,
        {"timestamp": "١٧٠٠٠٠٠٠٠٠", "signature": SIG},
        "bad_timestamp",
    ),
    Case(
        "absurdly long timestamp",
        BODY,
        {"timestamp": "9" * 5000, "signature": SIG},
        "bad_timestamp",
    ),
    Case(
        "milliseconds timestamp (signed)",
        BODY,
        signed_headers(BODY, timestamp=NOW * 1000),
        "future",
    ),
    Case("non-ASCII signature", BODY, {"timestamp": TS, "signature": "é" * 64}, "bad_signature"),
    Case(
        "conflicting duplicate signature headers",
        BODY,
        [("timestamp", TS), ("signature", SIG), ("Signature", _flip_last(SIG))],
        "ambiguous_header",
    ),
    Case(
        "conflicting duplicate timestamp headers",
        BODY,
        [("timestamp", TS), ("Timestamp", str(NOW + 1)), ("signature", SIG)],
        "ambiguous_header",
    ),
    Case(
        "identical duplicate headers",
        BODY,
        [("timestamp", TS), ("signature", SIG), ("SIGNATURE", SIG)],
        "ok",
    ),
    Case(
        "ASGI byte pairs", BODY, [(b"timestamp", TS.encode()), (b"signature", SIG.encode())], "ok"
    ),
    Case("httpx.Headers", BODY, httpx.Headers({"Timestamp": TS, "Signature": SIG}), "ok"),
    Case(
        "httpx.Headers with conflicting repeats",
        BODY,
        httpx.Headers([("Timestamp", TS), ("Signature", SIG), ("signature", "00")]),
        "ambiguous_header",
    ),
    Case(
        "starlette Headers",
        BODY,
        StarletteHeaders(raw=[(b"timestamp", TS.encode()), (b"signature", SIG.encode())]),
        "ok",
    ),
    Case(
        "base64 scheme",
        BODY,
        signed_headers(BODY, encoding="base64"),
        "ok",
        scheme=BASE64,
    ),
    Case(
        "base64 scheme, hex signature", BODY, signed_headers(BODY), "bad_signature", scheme=BASE64
    ),
    Case(
        "custom header names",
        BODY,
        {"x-lemft-timestamp": TS, "X-LEMFT-SIG": SIG},
        "ok",
        scheme=CUSTOM_NAMES,
    ),
    Case(
        "custom header names, default headers sent",
        BODY,
        signed_headers(BODY),
        "missing_header",
        scheme=CUSTOM_NAMES,
    ),
    Case(
        "custom message layout",
        BODY,
        {"timestamp": TS, "signature": compute_signature(SECRET, TS.encode() + b"." + BODY, "")},
        "ok",
        scheme=STRIPE_LAYOUT,
    ),
    Case(
        "custom message layout, default-layout signature",
        BODY,
        signed_headers(BODY),
        "bad_signature",
        scheme=STRIPE_LAYOUT,
    ),
    Case(
        "several signatures, one matches",
        BODY,
        {"timestamp": TS, "signature": f"{_flip_last(SIG)}, {SIG}"},
        "ok",
        scheme=MULTI,
    ),
    Case(
        "several signatures, none matches",
        BODY,
        {"timestamp": TS, "signature": f"{_flip_last(SIG)},{SIG[:-1]}"},
        "bad_signature",
        scheme=MULTI,
    ),
    Case(
        "several signatures: only the first 8 are tried",
        BODY,
        {"timestamp": TS, "signature": ",".join([_flip_last(SIG)] * 8 + [SIG])},
        "bad_signature",
        scheme=MULTI,
    ),
    Case(
        "several signatures without the separator scheme",
        BODY,
        {"timestamp": TS, "signature": f"{_flip_last(SIG)},{SIG}"},
        "bad_signature",
    ),
]

VERIFY_OK = {"ok"} | {c.expect for c in CASES if c.expect.startswith("payload:")}


def _verify(case: Case) -> None:
    webhooks.verify(
        case.body,
        case.headers,
        api_key=case.api_key,
        tolerance=case.tolerance,
        scheme=case.scheme,
        now=case.now,
    )


def _construct(case: Case) -> webhooks.WebhookEventBase:
    return webhooks.construct_event(
        case.body,
        case.headers,
        api_key=case.api_key,
        tolerance=case.tolerance,
        scheme=case.scheme,
        now=case.now,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verify(case: Case) -> None:
    if case.expect in VERIFY_OK:
        _verify(case)  # authentic: no exception
        return
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        _verify(case)
    assert info.value.reason == case.expect
    assert isinstance(info.value, WebhookVerificationError)
    assert not isinstance(info.value, WebhookPayloadError)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_construct_event(case: Case) -> None:
    if case.expect == "ok":
        event = _construct(case)
        assert isinstance(event, webhooks.CardEvent)
        assert event.event_tag is not None
        assert event.event_tag.startswith("card.status.")
        return
    if case.expect.startswith("payload:"):
        with pytest.raises(webhooks.WebhookPayloadInvalid) as payload_info:
            _construct(case)
        assert payload_info.value.reason == case.expect.removeprefix("payload:")
        assert not isinstance(payload_info.value, WebhookVerificationError)
        return
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        _construct(case)
    assert info.value.reason == case.expect


FAILING = [c for c in CASES if c.expect != "ok"]
_SECRETS_AND_SIGNATURES = [
    SECRET,
    OTHER_SECRET,
    SIG,
    SIG.upper(),
    compute_signature(OTHER_SECRET, BODY, TS),
    PAN,
]


@pytest.mark.parametrize("case", FAILING, ids=[c.id for c in FAILING])
def test_errors_never_carry_secrets_signatures_or_card_data(case: Case) -> None:
    with pytest.raises((WebhookVerificationError, WebhookPayloadError)) as info:
        _construct(case)
    rendered = " ".join([str(info.value), repr(info.value), repr(info.value.args)])
    for secret in _SECRETS_AND_SIGNATURES:
        assert secret not in rendered
    # Nothing chained that could print the body or a signature in a traceback.
    assert info.value.__cause__ is None


def test_fresh_notification_verifies_against_the_real_clock() -> None:
    now = int(time.time())
    webhooks.verify(BODY, signed_headers(BODY, timestamp=now), api_key=SECRET)
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        webhooks.verify(BODY, signed_headers(BODY, timestamp=now - 3600), api_key=SECRET)
    assert info.value.reason == "stale"


def test_signature_is_compared_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the module _signing calls into
    webhooks.verify(BODY, signed_headers(BODY), api_key=[OTHER_SECRET, SECRET], now=NOW)
    assert len(calls) == 2  # every secret is tried: no early exit
