"""Misuse of the verification API: programming errors are TypeError/ValueError, never a
webhook error, and messages never include a secret."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from lemft_async import webhooks
from lemft_async.webhooks import WebhookScheme

from ._helpers import NOW, SECRET, card_body, signed_headers

BODY = card_body()
TS = str(NOW)


@pytest.mark.parametrize(
    ("raw_body", "error"),
    [(BODY.decode(), TypeError), (None, TypeError), (12, TypeError)],
    ids=["str body refused", "None body", "int body"],
)
def test_body_must_be_raw_bytes(raw_body: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="raw_body"):
        webhooks.verify(raw_body, signed_headers(BODY), api_key=SECRET, now=NOW)


@pytest.mark.parametrize("raw_body", [bytearray(BODY), memoryview(BODY)], ids=["bytearray", "view"])
def test_bytes_like_bodies_are_accepted(raw_body: Any) -> None:
    webhooks.verify(raw_body, signed_headers(BODY), api_key=SECRET, now=NOW)


@pytest.mark.parametrize(
    ("api_key", "error"),
    [
        ("", ValueError),
        ("   ", ValueError),
        ([], ValueError),
        ([SECRET, ""], ValueError),
        (12345, TypeError),
        ([SECRET, 5], TypeError),
    ],
    ids=["empty", "blank", "no secrets", "one empty", "int", "int in list"],
)
def test_bad_api_key_is_a_programming_error(api_key: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="api_key") as info:
        webhooks.verify(BODY, signed_headers(BODY), api_key=api_key, now=NOW)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("tolerance", "error"),
    [(-1, ValueError), (float("nan"), ValueError), (True, TypeError), ("300", TypeError)],
    ids=["negative", "nan", "bool", "str"],
)
def test_bad_tolerance(tolerance: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="tolerance"):
        webhooks.verify(BODY, signed_headers(BODY), api_key=SECRET, tolerance=tolerance, now=NOW)


@pytest.mark.parametrize(
    "headers",
    [None, "timestamp: 1", b"raw", [("timestamp",)], [("timestamp", 5)], {5: "x"}],
    ids=["None", "str", "bytes", "1-tuple", "int value", "int name"],
)
def test_bad_headers_type_is_a_programming_error(headers: Any) -> None:
    with pytest.raises(TypeError, match="header"):
        webhooks.verify(BODY, headers, api_key=SECRET, now=NOW)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timestamp_header": ""}, ValueError),
        ({"signature_header": "  "}, ValueError),
        ({"encoding": "hexadecimal"}, ValueError),
        ({"signature_separator": ""}, ValueError),
        ({"message": "body+timestamp"}, TypeError),
    ],
    ids=["empty ts header", "blank sig header", "encoding", "separator", "message not callable"],
)
def test_scheme_validation(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        WebhookScheme(**options)


def test_scheme_message_must_return_bytes() -> None:
    scheme = WebhookScheme(message=lambda body, ts: "text")  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="bytes"):
        webhooks.verify(BODY, signed_headers(BODY), api_key=SECRET, scheme=scheme, now=NOW)


def test_verification_error_pickles_with_its_reason() -> None:
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        webhooks.verify(BODY, {"timestamp": TS}, api_key=SECRET, now=NOW)
    copy = pickle.loads(pickle.dumps(info.value))  # noqa: S301 - our own bytes
    assert (copy.reason, copy.header, str(copy)) == ("missing_header", "signature", str(info.value))
