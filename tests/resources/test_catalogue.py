"""The catalogue and the client agree, both ways, and every operation uses its path and kind.

The catalogue table itself (the ARCHITECTURE §4 paths, kinds and documented entries),
``path_overrides`` validation and raw ``request()`` are tested in
``tests/unit/test_catalogue.py``."""

from __future__ import annotations

import inspect
from functools import cached_property
from typing import Any

import httpx
import pytest
import respx

from lemft_async import ENDPOINTS, AsyncLemft, AsyncPaginator, OutcomeUnknownError
from lemft_async._resource import OPT_INT, AsyncAPIResource, Spec
from tests.answers import fitting
from tests.conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from tests.resources.conftest import envelope, sent

NAMESPACES = {
    "wallets",
    "bins",
    "cards",
    "orders",
    "holders",
    "pay_methods",
    "payees",
    "payments",
}

# Public methods that are helpers over catalogued operations, not operations themselves.
HELPERS = {"orders.open_cards": "orders.open_card", "orders.open_card_once": "orders.open_card"}


# The smallest valid call of every operation: (positional args, keyword args).
MINIMAL: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "wallets.list": ((), {}),
    "wallets.retrieve": ((100007,), {}),
    "wallets.list_transactions": ((), {}),
    "wallets.retrieve_transaction": (("t_1",), {}),
    "wallets.exchange_rate": ((), {"from_currency": "USD", "to_currency": "HKD"}),
    "bins.list": ((), {}),
    "bins.retrieve": (("cpi_1",), {}),
    "bins.fees": (("cpi_1",), {}),
    "bins.limits": (("cpi_1",), {}),
    "cards.list": ((), {}),
    "cards.retrieve": (("cid_1",), {}),
    "cards.activate": (("cid_1",), {}),
    "cards.freeze": (("cid_1",), {}),
    "cards.unfreeze": (("cid_1",), {}),
    "cards.cancel": (("cid_1",), {}),
    "cards.list_trades": ((), {}),
    "cards.merchant_score": ((), {}),
    "orders.open_card": ((), {"bin_id": "cpi_1", "amount": 10}),
    "orders.recharge": ((), {"card_id": "cid_1", "amount": 10}),
    "orders.list": ((), {}),
    "orders.retrieve": (("ord_1",), {}),
    "holders.list": ((), {}),
    "holders.create": (
        (),
        {"first_name": "A", "last_name": "B", "email": "a@b.co", "mobile": "5550100"},
    ),
    "holders.update": (("h_1",), {"city": "Oxford"}),
    "holders.retrieve": (("h_1",), {}),
    "holders.delete": (("h_1",), {}),
    "pay_methods.list": ((), {}),
    "payees.funding_sources": ((), {}),
    "payees.payment_purposes": ((), {}),
    "payees.create": (
        (),
        {
            "pay_method_id": "pm_1",
            "account_name": "A",
            "account_no": "1",
            "currency": "USD",
            "country": "US",
        },
    ),
    "payees.update": (("pe_1",), {"remark": "r"}),
    "payees.apply": (("pe_1",), {}),
    "payees.delete": (("pe_1",), {}),
    "payees.list": ((), {}),
    "payees.retrieve": (("pe_1",), {}),
    "payments.reasons": ((), {}),
    "payments.create": ((), {"payee_id": "pe_1", "amount": 1, "currency": "USD"}),
    "payments.list": ((), {}),
    "payments.retrieve": (("pay_1",), {}),
}


def namespaces_of(client: AsyncLemft) -> dict[str, AsyncAPIResource]:
    """Every resource namespace the client exposes (found by type, not by a list)."""
    found = {}
    for name, attr in vars(AsyncLemft).items():
        if isinstance(attr, cached_property):
            value = getattr(client, name)
            if isinstance(value, AsyncAPIResource):
                found[name] = value
    return found


def public_methods(namespace: AsyncAPIResource) -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(type(namespace), inspect.isfunction)
        if not name.startswith("_")
    }


async def invoke(client: AsyncLemft, operation: str) -> Any:
    ns, method = operation.split(".")
    args, kwargs = MINIMAL[operation]
    return await getattr(getattr(client, ns), method)(*args, **kwargs)


# -- the two-way coverage test ---------------------------------------------------------------


def test_namespaces_are_exactly_the_catalogues(client: AsyncLemft) -> None:
    assert set(namespaces_of(client)) == NAMESPACES
    assert {name.split(".")[0] for name in ENDPOINTS} == NAMESPACES


def test_every_operation_has_a_method(client: AsyncLemft) -> None:
    for name, endpoint in ENDPOINTS.items():
        ns, method_name = name.split(".")
        method = getattr(getattr(client, ns), method_name, None)
        assert method is not None, f"{name} is in the catalogue but client.{name} is missing"
        if endpoint.paginated:
            assert not inspect.iscoroutinefunction(method), name
            args, kwargs = MINIMAL[name]
            assert isinstance(method(*args, **kwargs), AsyncPaginator), name
        else:
            assert inspect.iscoroutinefunction(method), f"client.{name} must be a coroutine"


def test_every_method_has_a_catalogue_entry(client: AsyncLemft) -> None:
    for ns, namespace in namespaces_of(client).items():
        for method in public_methods(namespace):
            name = f"{ns}.{method}"
            if name in HELPERS:
                continue
            assert name in ENDPOINTS, f"client.{name} has no catalogue entry"
    # The allow-list cannot go stale: each helper exists and wraps a real operation.
    for helper, operation in HELPERS.items():
        ns, method = helper.split(".")
        assert inspect.iscoroutinefunction(getattr(getattr(client, ns), method))
        assert operation in ENDPOINTS


def test_every_method_accepts_extra_body(client: AsyncLemft) -> None:
    for name in ENDPOINTS:
        ns, method = name.split(".")
        parameter = inspect.signature(getattr(getattr(client, ns), method)).parameters.get(
            "extra_body"
        )
        assert parameter is not None, f"client.{name} has no extra_body"
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
        assert parameter.default is None


def test_every_list_operation_paginates() -> None:
    # Paginated = the method returns an AsyncPaginator; the three reference lists do not.
    lists = {name for name, ep in ENDPOINTS.items() if ep.list_key is not None}
    paginated = {name for name, ep in ENDPOINTS.items() if ep.paginated}
    assert lists - paginated == {
        "payees.funding_sources",
        "payees.payment_purposes",
        "payments.reasons",
    }
    assert paginated <= lists
    assert {n for n in paginated if n.endswith(".list") or ".list_" in n} == paginated


def test_minimal_calls_cover_the_catalogue() -> None:
    assert set(MINIMAL) == set(ENDPOINTS)


# -- on the wire ---------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
async def test_each_operation_hits_its_catalogue_path(
    client: AsyncLemft, api: respx.MockRouter, operation: str
) -> None:
    route = api.route().mock(return_value=envelope(fitting(operation)))

    await invoke(client, operation)

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url.path == ENDPOINTS[operation].path
    assert list(sent(route))[:3] == ["customer_id", "app_id", "key"]


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
async def test_path_overrides_are_used_on_the_wire(api: respx.MockRouter, operation: str) -> None:
    custom = f"/v2/custom/{operation.replace('.', '/')}"
    route = api.route().mock(return_value=envelope(fitting(operation)))
    async with AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        environment="sandbox",
        path_overrides={operation: custom},
    ) as client:
        assert client.endpoints[operation].path == custom
        await invoke(client, operation)

    assert route.calls.last.request.url.path == custom


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
async def test_kind_decides_whether_a_timeout_is_retried(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float], operation: str
) -> None:
    route = api.route().mock(side_effect=[httpx.ReadTimeout("slow"), envelope(fitting(operation))])

    if ENDPOINTS[operation].kind == "write":
        with pytest.raises(OutcomeUnknownError) as info:
            await invoke(client, operation)
        assert route.call_count == 1
        assert info.value.operation == operation
    else:
        await invoke(client, operation)
        assert route.call_count == 2
        assert sent(route, 0) == sent(route, 1)


# -- the declarative parameter path ---------------------------------------------------------------


def test_every_operation_declares_its_params_once(client: AsyncLemft) -> None:
    # Each catalogued method has a spec, and the spec names exactly its signature's params
    # (checked when the class is defined; this pins that it covers every operation).
    for name in ENDPOINTS:
        ns, method = name.split(".")
        assert method in type(getattr(client, ns))._specs, f"client.{name} has no spec"


def test_a_spec_that_disagrees_with_its_signature_is_refused() -> None:
    with pytest.raises(TypeError, match=r"Broken\.list: .*\['currency'\].*\['status'\]"):

        class Broken(AsyncAPIResource):
            _specs = {"list": Spec(status=OPT_INT)}  # noqa: RUF012

            def list(self, *, currency: str | None = None) -> None:
                pass
