"""AsyncKeySecure configuration, copies, lifecycle and the construct_event contract."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest

from lemft_async._errors import WebhookVerificationError
from lemft_async.keysecure import (
    ENDPOINTS,
    CardUpdateEvent,
    sign_v1,
)
from lemft_async.keysecure._config import parse_utc_offset
from lemft_async.keysecure.sandbox import KeySecureSandbox
from tests.keysecure.conftest import (
    API_KEY,
    API_SECRET,
    TOKEN_PATH,
    assert_no_secret,
    envelope,
    make_client,
    token_response,
)

CARD_PATH = "/open-api/v1/card/C0001/detail"


def test_hosts() -> None:
    assert make_client().base_url == "https://sandbox-openplatform.keysecure.io"
    assert make_client(environment="sandbox").base_url == (
        "https://sandbox-openplatform.keysecure.io"
    )
    assert make_client(environment="production").base_url == "https://openplatform.keysecure.io"
    assert make_client(base_url="https://ks.example.test/").base_url == "https://ks.example.test"
    assert make_client(base_url="http://127.0.0.1:8000").base_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"environment": "sandbox", "base_url": "https://x.test"}, "not both"),
        ({"environment": "staging"}, "environment must be one of"),
        ({"base_url": "ftp://x.test"}, "http"),
        ({"base_url": "https://user:pw@x.test"}, "credentials"),
        ({"base_url": "http://ks.example.test"}, "plain http"),
        ({"api_key": ""}, "api_key"),
        ({"api_secret": " "}, "api_secret"),
        ({"timezone": ""}, "timezone"),
        ({"language": "en\r\nX: y"}, "language"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"path_overrides": {"cards.nope": "/x"}}, "unknown operation"),
        ({"path_overrides": {"cards.retrieve": "/x/{cardno}"}}, "placeholders"),
        ({"path_overrides": {"cards.retrieve": "../x/{card_no}"}}, "absolute path"),
    ],
)
def test_bad_configuration_is_refused(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        make_client(**options)
    assert_no_secret(str(info.value))


def test_allow_insecure_permits_plain_http() -> None:
    assert make_client(base_url="http://ks.internal.test", allow_insecure=True).base_url == (
        "http://ks.internal.test"
    )


def test_repr_masks_credentials() -> None:
    text = repr(make_client())
    assert_no_secret(text)
    assert "***" in text


async def test_path_overrides_are_used(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.get("/open-api/v2/card/C0001/detail").mock(
        return_value=envelope({"card_no": "C0001"})
    )
    overrides = {"cards.retrieve": "/open-api/v2/card/{card_no}/detail"}
    async with make_client(path_overrides=overrides) as ks:
        await ks.cards.retrieve("C0001")
        assert ks.endpoints["cards.retrieve"].path == overrides["cards.retrieve"]
    assert route.call_count == 1
    assert ENDPOINTS["cards.retrieve"].path == "/open-api/v1/card/{card_no}/detail"


async def test_with_options_shares_token_and_pool(api: Any) -> None:
    token = api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(side_effect=[httpx.ReadTimeout("x"), envelope({"card_no": "C0001"})])
    async with make_client(max_retries=0) as ks:
        patient = ks.with_options(max_retries=1, timeout=5)
        assert patient.max_retries == 1
        assert patient.timeout.read == 5
        assert ks.max_retries == 0
        assert (await patient.cards.retrieve("C0001")).card_no == "C0001"
        await patient.aclose()  # does not close the shared pool
        assert patient._transport is ks._transport
    assert token.call_count == 1


async def test_closed_client_refuses_calls() -> None:
    ks = make_client()
    await ks.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await ks.cards.retrieve("C0001")
    with pytest.raises(RuntimeError, match="closed"):
        await ks.get_token()


async def test_own_http_client_is_not_closed() -> None:
    http = httpx.AsyncClient()
    async with make_client(http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()


async def test_construct_event_is_an_instance_method_using_its_credentials() -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET)
    body, headers = sandbox.build_callback(
        "Card_update", {"card_no": "C0001", "before_status": "Activated", "after_status": "Frozen"}
    )
    async with sandbox.client() as ks:
        event = ks.construct_event(body, headers)
        assert isinstance(event, CardUpdateEvent)
        other = make_client(api_secret="another-secret-not-real")
        with pytest.raises(WebhookVerificationError):
            other.construct_event(body, headers)


def test_callback_credentials_can_be_overridden() -> None:
    ts = "1716307200000"
    data = {"card_no": "C1"}
    body = b'{"id":"1","action":"Card_update","data":{"card_no":"C1"}}'
    signature = sign_v1("cb-secret-not-real", "merchant-app", ts, data)
    headers = {"Timestamp": ts, "Signature": signature}
    ks = make_client(
        callback_app_id="merchant-app",
        callback_secret=["old-secret-not-real", "cb-secret-not-real"],
        clock=lambda: 1_716_307_200.0,
    )
    assert isinstance(ks.construct_event(body, headers), CardUpdateEvent)
    with pytest.raises(WebhookVerificationError):
        make_client(clock=lambda: 1_716_307_200.0).construct_event(body, headers)


def test_callback_tolerance_is_configurable() -> None:
    ts = "1716307200000"
    body = b'{"id":"1","action":"Card_update","data":{"card_no":"C1"}}'
    headers = {"Timestamp": ts, "Signature": sign_v1(API_SECRET, API_KEY, ts, {"card_no": "C1"})}
    later = 1_716_307_200.0 + 400
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        make_client(clock=lambda: later).construct_event(body, headers)
    lenient = make_client(clock=lambda: later, callback_tolerance=600)
    assert isinstance(lenient.construct_event(body, headers), CardUpdateEvent)


def test_import_does_not_need_starlette() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'starlette' or name.startswith('starlette.'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import lemft_async.keysecure as ks\n"
        "assert 'starlette' not in sys.modules\n"
        "ks.AsyncKeySecure(api_key='k-not-real', api_secret='s-not-real', environment='sandbox')\n"
        "try:\n"
        "    import lemft_async.keysecure.sandbox\n"
        "except ImportError:\n"
        "    print('sandbox-needs-starlette')\n"
    )
    result = subprocess.run(  # noqa: S603 (our interpreter, constant code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sandbox-needs-starlette"


@pytest.mark.parametrize(
    ("text", "hours"),
    [("UTC+8", 8.0), ("UTC", 0.0), ("utc-05:30", -5.5), ("UTC+0530", 5.5), ("UTC+14", 14.0)],
)
def test_parse_utc_offset(text: str, hours: float) -> None:
    zone = parse_utc_offset(text)
    assert zone is not None
    offset = zone.utcoffset(None)
    assert offset is not None
    assert offset.total_seconds() == hours * 3600


@pytest.mark.parametrize("text", ["UTC+15", "Asia/Shanghai", "GMT+8", "UTC+8:3"])
def test_parse_utc_offset_refuses_other_forms(text: str) -> None:
    assert parse_utc_offset(text) is None


def test_header_values_must_be_text() -> None:
    with pytest.raises(TypeError, match="timezone must be a str"):
        make_client(timezone=8)
    with pytest.raises(TypeError, match="base_url must be a str"):
        make_client(base_url=b"https://x.test")


async def test_private_info_needs_a_ciphertext(api: Any) -> None:
    from lemft_async import APIResponseValidationError

    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get("/open-api/v1/card/C0001/private/info").mock(return_value=envelope({"pan": "x"}))
    async with make_client() as ks:
        with pytest.raises(APIResponseValidationError, match="ciphertext"):
            await ks.cards.private_info("C0001")


@pytest.mark.parametrize(
    "url", ["ftp://user:url-password-not-real@x.test", "https://user:url-password-not-real@/x"]
)
def test_base_url_password_is_never_echoed(url: str) -> None:
    with pytest.raises(ValueError, match="credentials") as info:
        make_client(base_url=url)
    assert "url-password-not-real" not in str(info.value)


async def test_malformed_answers_are_sdk_errors_without_the_values(api: Any) -> None:
    from lemft_async import APIResponseValidationError, LemftError

    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get(CARD_PATH).mock(return_value=envelope({"card_no": "C1", "time": "4242424242424242x"}))
    api.post("/open-api/v1/card/support/bins").mock(
        return_value=envelope({"list": [{"support_virtual": "4242424242424242"}]})
    )
    api.get("/open-api/v1/account/U1/info").mock(
        return_value=envelope({"list": [{"balance": "4242424242424242x"}]})
    )
    async with make_client() as ks:
        for call, field in (
            (ks.cards.retrieve("C0001"), "time"),
            (ks.bins.list(), "support_virtual"),
            (ks.accounts.retrieve("U1"), "balance"),
        ):
            with pytest.raises(APIResponseValidationError, match=field) as info:
                await call
            assert isinstance(info.value, LemftError)
            assert "4242424242424242" not in str(info.value)
            assert info.value.__cause__ is None


def test_decrypted_card_data_never_leaks_through_a_decoding_error() -> None:
    from lemft_async import APIResponseValidationError
    from lemft_async.keysecure._crypto import parse_private_info

    with pytest.raises(APIResponseValidationError) as info:
        parse_private_info('{"pan": ["4242424242424242"], "cvv": "123"}')
    assert "4242424242424242" not in str(info.value)
    assert info.value.__cause__ is None
