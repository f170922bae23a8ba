"""Configuration checks, from_env(), and secrets kept out of reprs, errors and logs."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError, TooManyRequestsError
from lemft_async._config import Credentials
from tests.answers import ORDER_DETAIL
from tests.conftest import BASE_URL, FAKE_API_KEY, FAKE_KEY
from tests.unit.conftest import (
    GET_ORDER,
    OPEN_CARD,
    WALLET_LIST,
    assert_no_secret,
    envelope,
    make_client,
    raises_clean,
)

ENV_VARS = (
    "LEMFT_CUSTOMER_ID",
    "LEMFT_APP_ID",
    "LEMFT_KEY",
    "LEMFT_API_KEY",
    "LEMFT_ENVIRONMENT",
    "LEMFT_BASE_URL",
)

# -- target host -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [("sandbox", "https://api.sandbox.lemft.com"), ("production", "https://api.lemft.com")],
)
async def test_environments(environment: str, expected: str) -> None:
    async with make_client(environment=environment) as client:
        assert client.base_url == expected


def test_environment_and_base_url_together_is_an_error() -> None:
    with raises_clean(ValueError, match="not both"):
        make_client(environment="sandbox", base_url="https://api.sandbox.lemft.com")


def test_no_target_is_an_error() -> None:
    with raises_clean(ValueError, match="environment"):
        make_client(environment=None)


def test_unknown_environment_is_an_error() -> None:
    with raises_clean(ValueError, match="sandbox"):
        make_client(environment="staging")


@pytest.mark.parametrize(
    "url", ["http://api.sandbox.lemft.com", "http://10.0.0.8:8000", "http://localhost.evil.com"]
)
def test_plain_http_to_non_loopback_is_refused(url: str) -> None:
    with raises_clean(ValueError, match="allow_insecure"):
        make_client(environment=None, base_url=url)


async def test_plain_http_allowed_with_allow_insecure() -> None:
    async with make_client(
        environment=None, base_url="http://10.0.0.8:8000", allow_insecure=True
    ) as client:
        assert client.base_url == "http://10.0.0.8:8000"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
        "http://127.0.0.2",
        "http://sandbox.localhost:8000/",
    ],
)
async def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    async with make_client(environment=None, base_url=url) as client:
        assert client.base_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://api.lemft.com",
        "https://",
        "api.lemft.com",
        "https://api.lemft.com/?x=1",
        "https://api.lemft.com/#frag",
    ],
)
def test_malformed_base_url_is_refused(url: str) -> None:
    with raises_clean(ValueError, match="base_url"):
        make_client(environment=None, base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:url-password-not-real@api.lemft.com",
        "ftp://user:url-password-not-real@api.lemft.com",
        "https://user:url-password-not-real@/x",
    ],
)
def test_base_url_userinfo_is_refused_without_echoing_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="base_url") as info:
        make_client(environment=None, base_url=url)

    assert "url-password-not-real" not in str(info.value)


async def test_base_url_path_is_kept_and_used(api: Any) -> None:
    route = api.post("/gateway/v1/openApi/wallet/walletList").mock(return_value=envelope({}))
    async with make_client(environment=None, base_url=BASE_URL + "/gateway/") as client:
        assert client.base_url == BASE_URL + "/gateway"
        await client.request(WALLET_LIST)
    assert route.called


# -- credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "field"),
    [
        ({"customer_id": "abc"}, ValueError, "customer_id"),
        ({"customer_id": 0}, ValueError, "customer_id"),
        ({"app_id": -5}, ValueError, "app_id"),
        ({"app_id": True}, TypeError, "app_id"),
        ({"customer_id": 1.5}, TypeError, "customer_id"),
        ({"key": ""}, ValueError, "key"),
        ({"api_key": "   "}, ValueError, "api_key"),
        ({"api_key": None}, ValueError, "api_key"),
    ],
)
def test_bad_credentials_are_refused(
    options: dict[str, Any], error: type[Exception], field: str
) -> None:
    with raises_clean(error, match=field):
        make_client(**options)


async def test_ids_given_as_text_are_accepted() -> None:
    async with make_client(customer_id=" 10001004 ", app_id="100006") as client:
        assert client.customer_id == 10001004
        assert client.app_id == 100006


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeout": None}, TypeError),
        ({"timeout": -1}, ValueError),
        ({"max_retries": 1.5}, ValueError),
    ],
)
def test_bad_timeout_and_retries_are_refused(
    options: dict[str, Any], error: type[Exception]
) -> None:
    with raises_clean(error):
        make_client(**options)


async def test_httpx_timeout_object_is_accepted() -> None:
    timeout = httpx.Timeout(3.0)
    async with make_client(timeout=timeout) as client:
        assert client.timeout is timeout


# -- from_env ---------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _set_all(env: pytest.MonkeyPatch, **extra: str) -> None:
    env.setenv("LEMFT_CUSTOMER_ID", "10001004")
    env.setenv("LEMFT_APP_ID", "100006")
    env.setenv("LEMFT_KEY", FAKE_KEY)
    env.setenv("LEMFT_API_KEY", FAKE_API_KEY)
    for name, value in extra.items():
        env.setenv(name, value)


async def test_from_env_with_environment(clean_env: pytest.MonkeyPatch, api: Any) -> None:
    _set_all(clean_env, LEMFT_ENVIRONMENT="sandbox")
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    async with AsyncLemft.from_env() as client:
        assert client.customer_id == 10001004
        assert client.app_id == 100006
        assert client.base_url == BASE_URL
        await client.orders.retrieve("ord_1")

    assert route.calls.last.request.content.startswith(
        b'{"customer_id":10001004,"app_id":100006,"key":"' + FAKE_KEY.encode()
    )


async def test_from_env_with_base_url_and_overrides(clean_env: pytest.MonkeyPatch) -> None:
    _set_all(clean_env, LEMFT_BASE_URL="http://127.0.0.1:8000")
    async with AsyncLemft.from_env(max_retries=1) as client:
        assert client.base_url == "http://127.0.0.1:8000"
        assert client.max_retries == 1
    # An explicit target replaces the environment's.
    async with AsyncLemft.from_env(environment="production") as client:
        assert client.base_url == "https://api.lemft.com"


@pytest.mark.parametrize("missing", ["LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_API_KEY"])
def test_from_env_names_missing_variables_without_values(
    clean_env: pytest.MonkeyPatch, missing: str
) -> None:
    _set_all(clean_env, LEMFT_ENVIRONMENT="sandbox")
    clean_env.delenv(missing)

    with raises_clean(ValueError) as info:
        AsyncLemft.from_env()

    assert missing in str(info.value)
    for present in {"LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY"} - {missing}:
        assert present not in str(info.value)
    assert "10001004" not in str(info.value)


def test_from_env_names_all_missing_variables(clean_env: pytest.MonkeyPatch) -> None:
    with raises_clean(ValueError) as info:
        AsyncLemft.from_env()
    for name in ("LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY"):
        assert name in str(info.value)


def test_from_env_needs_exactly_one_target(clean_env: pytest.MonkeyPatch) -> None:
    _set_all(clean_env)
    with raises_clean(ValueError, match="LEMFT_ENVIRONMENT"):
        AsyncLemft.from_env()
    clean_env.setenv("LEMFT_ENVIRONMENT", "sandbox")
    clean_env.setenv("LEMFT_BASE_URL", "http://127.0.0.1:8000")
    with raises_clean(ValueError, match="not both"):
        AsyncLemft.from_env()


def test_from_env_bad_id_names_the_variable_not_the_value(clean_env: pytest.MonkeyPatch) -> None:
    _set_all(clean_env, LEMFT_ENVIRONMENT="sandbox", LEMFT_APP_ID="app-id-not-numeric")
    with raises_clean(ValueError, match="LEMFT_APP_ID") as info:
        AsyncLemft.from_env()
    assert "app-id-not-numeric" not in str(info.value)


# -- secrets out of reprs, errors and logs ------------------------------------------------------


async def test_secrets_are_not_in_client_or_credentials_reprs(client: AsyncLemft) -> None:
    for text in (repr(client), str(client), repr(client._transport)):
        assert_no_secret(text)
        assert "***" in text
    assert "10001004" in repr(client)
    credentials = Credentials(customer_id=1, app_id=2, key=FAKE_KEY, api_key=FAKE_API_KEY)
    assert_no_secret(repr(credentials))
    assert_no_secret(str(credentials))
    assert "key=***" in repr(credentials)
    assert "api_key=***" in repr(credentials)


async def test_nothing_secret_is_logged_at_debug(
    client: AsyncLemft, api: Any, no_sleep: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="lemft_async")
    order = api.post(GET_ORDER).mock(
        side_effect=[
            envelope(code=10004),
            envelope(ORDER_DETAIL),
            envelope(code=10001, message="param error"),
        ]
        + [envelope(code=10004)] * 2
    )
    write = api.post(OPEN_CARD).mock(side_effect=httpx.ReadTimeout("timed out"))

    await client.orders.retrieve("ord_1")
    with raises_clean(ParamError):
        await client.orders.retrieve("ord_2")
    with raises_clean(TooManyRequestsError):
        await client.with_options(max_retries=1).orders.retrieve("ord_3")
    with raises_clean(OutcomeUnknownError):
        await client.request(OPEN_CARD, {"out_order_id": "o-1"})

    lemft_records = [r for r in caplog.records if r.name.startswith("lemft_async")]
    assert lemft_records, "the SDK should log its calls and retries"
    assert any("retry" in r.getMessage() for r in lemft_records)
    assert_no_secret(caplog.text)
    signatures = [c.request.headers["signature"] for c in (*order.calls, *write.calls)]
    assert len(signatures) == 6
    for signature in signatures:
        assert signature not in caplog.text
    assert '"customer_id"' not in caplog.text  # no body either
