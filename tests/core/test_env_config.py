"""Configuration by environment, the same rule for the three clients.

An omitted constructor argument is read from its variable (keyword arguments win); a
missing value is one clear error naming the variable, never a value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lemft_async import AsyncLemft
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.payin import AsyncPayin

ENVS: dict[str, dict[str, str]] = {
    "lemft": {
        "LEMFT_CUSTOMER_ID": "10001004",
        "LEMFT_APP_ID": "100006",
        "LEMFT_KEY": "env-key-not-real",
        "LEMFT_API_KEY": "env-api-key-not-real",
        "LEMFT_ENVIRONMENT": "sandbox",
    },
    "payin": {
        "PAYIN_MCH_ID": "ENVMCH",
        "PAYIN_SECRET": "env-secret-not-real",
        "PAYIN_BASE_URL": "https://payin.test.invalid",
    },
    "keysecure": {
        "KEYSECURE_API_KEY": "env-ks-key-not-real",
        "KEYSECURE_API_SECRET": "env-ks-secret-not-real",
        "KEYSECURE_ENVIRONMENT": "sandbox",
    },
}
CLIENTS: dict[str, Callable[..., Any]] = {
    "lemft": AsyncLemft,
    "payin": AsyncPayin,
    "keysecure": AsyncKeySecure,
}
ALL = sorted(ENVS)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variables in ENVS.values():
        for name in variables:
            monkeypatch.delenv(name, raising=False)
    for extra in ("LEMFT_BASE_URL", "KEYSECURE_BASE_URL", "PAYIN_ENVIRONMENT"):
        monkeypatch.delenv(extra, raising=False)
    return monkeypatch


@pytest.mark.parametrize("name", ALL)
def test_omitted_arguments_come_from_the_environment(env: pytest.MonkeyPatch, name: str) -> None:
    for variable, value in ENVS[name].items():
        env.setenv(variable, value)
    client = CLIENTS[name]()
    assert client.base_url.startswith("https://")
    assert "not-real" not in repr(client)


def test_each_client_reads_its_own_values(env: pytest.MonkeyPatch) -> None:
    for variables in ENVS.values():
        for variable, value in variables.items():
            env.setenv(variable, value)
    assert AsyncLemft().customer_id == 10001004
    assert AsyncPayin().mch_id == "ENVMCH"
    assert AsyncKeySecure().base_url == "https://sandbox-openplatform.keysecure.io"


@pytest.mark.parametrize("name", ALL)
def test_keyword_arguments_win(env: pytest.MonkeyPatch, name: str) -> None:
    for variable, value in ENVS[name].items():
        env.setenv(variable, value)
    target = {"base_url": "http://127.0.0.1:8000"}
    client = CLIENTS[name](**target)
    assert client.base_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize("name", ALL)
def test_a_missing_value_names_its_variable(env: pytest.MonkeyPatch, name: str) -> None:
    variables = dict(ENVS[name])
    secret_name = next(v for v in variables if v.endswith(("SECRET", "API_KEY")))
    for variable, value in variables.items():
        if variable != secret_name:
            env.setenv(variable, value)
    with pytest.raises(ValueError, match=secret_name) as info:
        CLIENTS[name]()
    for value in variables.values():
        if "not-real" in value:
            assert value not in str(info.value)


@pytest.mark.parametrize(("name", "prefix"), [("lemft", "LEMFT"), ("keysecure", "KEYSECURE")])
def test_environment_and_base_url_together_are_refused(
    env: pytest.MonkeyPatch, name: str, prefix: str
) -> None:
    for variable, value in ENVS[name].items():
        env.setenv(variable, value)
    env.setenv(f"{prefix}_BASE_URL", "https://other.example")
    with pytest.raises(ValueError, match="not both"):
        CLIENTS[name]()


@pytest.mark.parametrize("name", ALL)
def test_no_host_anywhere_is_an_error_naming_the_variables(
    env: pytest.MonkeyPatch, name: str
) -> None:
    for variable, value in ENVS[name].items():
        if not variable.endswith(("_ENVIRONMENT", "_BASE_URL")):
            env.setenv(variable, value)
    with pytest.raises(ValueError, match="no target host"):
        CLIENTS[name]()
