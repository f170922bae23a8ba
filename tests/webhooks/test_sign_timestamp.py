"""``webhooks.sign`` refuses exactly the timestamps ``verify`` refuses: it is an inverse."""

from __future__ import annotations

import pytest

from lemft_async.webhooks import WebhookVerificationError, sign, verify

LONGEST = "9" * 15


@pytest.mark.parametrize("stamp", [0, "007", LONGEST, int(LONGEST)])
def test_every_timestamp_sign_accepts_verifies(stamp: int | str) -> None:
    headers = sign(b"{}", "test-secret", stamp)
    verify(b"{}", headers, api_key="test-secret", tolerance=None)


@pytest.mark.parametrize("stamp", ["9" * 16, "9" * 40, 10**15, 10**39])
def test_a_timestamp_verify_would_refuse_is_refused_by_sign(stamp: int | str) -> None:
    with pytest.raises(ValueError, match="at most 15 digits"):
        sign(b"{}", "test-secret", stamp)


def test_verify_refuses_what_sign_now_refuses() -> None:
    # The rule sign mirrors: verify's own, checked on a hand-made header.
    good = sign(b"{}", "test-secret", LONGEST)
    too_long = {**good, "timestamp": "9" * 16}
    with pytest.raises(WebhookVerificationError) as caught:
        verify(b"{}", too_long, api_key="test-secret", tolerance=None)
    assert caught.value.reason == "bad_timestamp"
