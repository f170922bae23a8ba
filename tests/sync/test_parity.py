"""Every public method of every async client and namespace has its blocking twin, with the
same parameters; every raw method too. A method added to an async namespace without its
twin fails here."""

from __future__ import annotations

import inspect
from functools import cached_property
from typing import Any

import pytest

from lemft_async import AsyncLemft, Lemft
from lemft_async.keysecure import AsyncKeySecure, KeySecure
from lemft_async.payin import AsyncPayin, Payin

from ..conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ..keysecure.conftest import API_KEY, API_SECRET
from ..keysecure.conftest import BASE as KS_BASE
from ..payin.conftest import BASE_URL as PAYIN_BASE
from ..payin.conftest import MCH_ID, SECRET

# Client attributes a sync twin deliberately does not mirror, and why.
NOT_MIRRORED = {
    "aclose",  # close() on the sync client
}


def _clients() -> list[tuple[Any, Any]]:
    return [
        (
            Lemft,
            {
                "customer_id": FAKE_CUSTOMER_ID,
                "app_id": FAKE_APP_ID,
                "key": FAKE_KEY,
                "api_key": FAKE_API_KEY,
                "base_url": BASE_URL,
            },
        ),
        (Payin, {"mch_id": MCH_ID, "secret": SECRET, "base_url": PAYIN_BASE}),
        (KeySecure, {"api_key": API_KEY, "api_secret": API_SECRET, "base_url": KS_BASE}),
    ]


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def _methods(obj: object) -> dict[str, Any]:
    return {
        name: getattr(obj, name)
        for name in _public(obj)
        if callable(getattr(obj, name)) and not inspect.isclass(getattr(obj, name))
    }


def _params(function: Any) -> list[tuple[str, Any, Any, Any]]:
    signature = inspect.signature(function)
    return [(p.name, p.kind, p.default, p.annotation) for p in signature.parameters.values()]


def _compare_namespace(sync_ns: object, async_ns: object, where: str) -> None:
    async_methods = _methods(async_ns)
    sync_methods = _methods(sync_ns)
    missing = sorted(set(async_methods) - set(sync_methods))
    assert not missing, f"{where}: no sync twin for {missing}"
    for name, async_method in async_methods.items():
        assert _params(sync_methods[name]) == _params(async_method), f"{where}.{name}"


@pytest.mark.parametrize(
    ("sync_class", "options"), _clients(), ids=lambda v: getattr(v, "__name__", "")
)
def test_every_public_name_has_a_twin(sync_class: Any, options: dict[str, Any]) -> None:
    with sync_class(**options) as client:
        twin = client.async_client
        missing = sorted(_public(twin) - _public(client) - NOT_MIRRORED)
        assert not missing, f"{sync_class.__name__} lacks {missing}"
        for name in sorted(_public(twin) - NOT_MIRRORED):
            on_class = getattr(type(twin), name, None)
            if isinstance(on_class, cached_property):  # a namespace
                if name == "webhooks":
                    assert client.webhooks is twin.webhooks  # synchronous already
                    continue
                sync_ns, async_ns = getattr(client, name), getattr(twin, name)
                where = f"{sync_class.__name__}.{name}"
                if name == "with_raw_response":
                    _compare_namespace(sync_ns, async_ns, where)
                    continue
                _compare_namespace(sync_ns, async_ns, where)
                _compare_namespace(
                    sync_ns.with_raw_response, async_ns.with_raw_response, where + ".raw"
                )
            elif isinstance(on_class, property):
                assert getattr(client, name) == getattr(twin, name), name
            elif callable(on_class) and name not in ("from_env",):
                assert _params(getattr(client, name)) == _params(getattr(twin, name)), name


@pytest.mark.parametrize(
    ("sync_class", "async_class"),
    [(Lemft, AsyncLemft), (Payin, AsyncPayin), (KeySecure, AsyncKeySecure)],
)
def test_constructor_has_the_async_parameters(sync_class: Any, async_class: Any) -> None:
    assert inspect.signature(sync_class) == inspect.signature(async_class)


def test_a_namespace_method_is_built_once_per_instance() -> None:
    options = _clients()[0][1]
    with Lemft(**options) as client:
        assert client.orders is client.orders
        assert client.orders.open_card is client.orders.open_card
        assert client.orders.open_card.__qualname__ == "Orders.open_card"
        assert (
            client.orders.open_card.__doc__
            == AsyncLemft.orders.func(  # type: ignore[attr-defined]
                client.async_client
            ).open_card.__doc__
        )


def test_the_class_shows_the_signatures_too() -> None:
    from lemft_async._sync_resources import Orders
    from lemft_async.resources.orders import AsyncOrders

    expected = list(inspect.signature(AsyncOrders.open_card).parameters.values())[1:]
    assert list(inspect.signature(Orders.open_card).parameters.values()) == expected
    assert "environment" in str(inspect.signature(Lemft.with_options))
    assert "Orders" in repr(Lemft.orders)
    with pytest.raises(TypeError, match="client instance"):
        Orders.open_card(bin_id="x", amount=1)
