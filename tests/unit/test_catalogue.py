"""The endpoint catalogue (ARCHITECTURE §4), ``path_overrides`` and raw ``request()``.

That every namespace method and catalogue entry agree, and that each operation uses its
(overridden) path and kind on the wire, is tested per operation in
``tests/resources/test_catalogue.py``."""

from __future__ import annotations

from typing import Any

import pytest

from lemft_async import ENDPOINTS, AsyncLemft, Endpoint, OutcomeUnknownError
from tests.answers import ORDER_DETAIL
from tests.conftest import FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from tests.contract import CONTRACT as ARCHITECTURE_TABLE
from tests.contract import DOCUMENTED, WRITES
from tests.unit.conftest import (
    GET_ORDER,
    HTML_502,
    envelope,
    make_client,
    raises_clean,
    raw,
    sent_json,
)


def test_catalogue_has_the_39_operations_of_the_architecture() -> None:
    assert len(ENDPOINTS) == 39
    assert {name: e.path for name, e in ENDPOINTS.items()} == {
        name: "/v1/openApi/" + tail for name, tail in ARCHITECTURE_TABLE.items()
    }
    assert all(isinstance(e, Endpoint) and e.name == name for name, e in ENDPOINTS.items())
    assert len({e.path for e in ENDPOINTS.values()}) == 39


def test_every_operation_has_a_kind_and_writes_are_the_state_changing_ones() -> None:
    assert {e.kind for e in ENDPOINTS.values()} == {"read", "write"}
    assert {name for name, e in ENDPOINTS.items() if e.kind == "write"} == WRITES


def test_exactly_two_operations_are_documented() -> None:
    assert {name for name, e in ENDPOINTS.items() if e.documented} == DOCUMENTED
    assert {"wallets.list", "orders.retrieve"} == DOCUMENTED


def test_documented_list_has_its_documented_list_key() -> None:
    assert ENDPOINTS["wallets.list"].list_key == "wallet_list"
    assert ENDPOINTS["wallets.list"].paginated
    assert ENDPOINTS["orders.retrieve"].list_key is None
    assert not ENDPOINTS["orders.retrieve"].paginated


def test_catalogue_is_read_only() -> None:
    with pytest.raises(TypeError):
        ENDPOINTS["wallets.list"] = ENDPOINTS["orders.retrieve"]  # type: ignore[index]


# -- path_overrides -----------------------------------------------------------------------------


async def test_override_is_used_on_the_wire(api: Any) -> None:
    moved = api.post("/v2/openApi/order/detail").mock(return_value=envelope(ORDER_DETAIL))
    original = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    async with make_client(path_overrides={"orders.retrieve": "/v2/openApi/order/detail"}) as c:
        await c.orders.retrieve("ord_1")
        # (that client.endpoints shows the new path: per operation in tests/resources)
        assert c.endpoints["orders.retrieve"].kind == "read"

    assert moved.call_count == 1
    assert sent_json(moved)["order_id"] == "ord_1"
    assert not original.called
    assert ENDPOINTS["orders.retrieve"].path == GET_ORDER  # the shared table is untouched


async def test_request_on_an_overridden_path_keeps_the_operation_kind(
    api: Any, no_sleep: list[float]
) -> None:
    route = api.post("/v2/openCard").mock(return_value=raw(502, HTML_502))
    async with make_client(path_overrides={"orders.open_card": "/v2/openCard"}) as c:
        with raises_clean(OutcomeUnknownError) as info:
            await c.request("/v2/openCard", {"out_order_id": "o-9"})

    assert info.value.operation == "orders.open_card"
    assert route.call_count == 1


def test_unknown_operation_lists_the_known_ones() -> None:
    with raises_clean(ValueError, match="cards.frieze") as info:
        make_client(path_overrides={"cards.frieze": "/v1/openApi/card/card/freeze"})

    assert "unknown operation" in str(info.value)
    assert "cards.freeze" in str(info.value)
    assert "wallets.list" in str(info.value)


@pytest.mark.parametrize(
    "path",
    [
        "v1/openApi/card/card/freeze",
        "",
        "/v1/x?y=1",
        "/v1/openApi/card/card/freeze?x=1",
        "/v1/x#top",
        42,
    ],
)
def test_bad_override_path_is_refused(path: Any) -> None:
    with raises_clean(ValueError, match="cards.freeze") as info:
        make_client(path_overrides={"cards.freeze": path})

    assert "absolute path" in str(info.value)


async def test_client_endpoints_is_a_copy(client: AsyncLemft) -> None:
    endpoints = client.endpoints
    assert isinstance(endpoints, dict)
    endpoints.pop("orders.retrieve")
    assert "orders.retrieve" in client.endpoints


# -- raw request() --------------------------------------------------------------------------------


async def test_raw_request_adds_common_params_and_returns_data(
    client: AsyncLemft, api: Any
) -> None:
    new_thing = "/v1/openApi/card/card/newThing"
    route = api.post(new_thing).mock(return_value=envelope({"ok": 1.5}))

    data = await client.request(new_thing, {"card_id": "cid_1"})

    assert sent_json(route) == {
        "customer_id": FAKE_CUSTOMER_ID,
        "app_id": FAKE_APP_ID,
        "key": FAKE_KEY,
        "card_id": "cid_1",
    }
    assert str(data["ok"]) == "1.5"
