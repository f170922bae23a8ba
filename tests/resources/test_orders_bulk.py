"""``client.orders.open_cards``: many ``open_card`` calls, one outcome per spec, in order."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.resources._bulk import BulkProgress
from lemft_async.types import Order
from tests.resources.conftest import envelope, expected, path, sent

OPEN_CARD = path("card/order/openCard")
HEX32 = re.compile(r"[0-9a-f]{32}")


def issuer(failing: Mapping[str, Any] | None = None) -> Any:
    """A respx side effect that issues a card per request, answering ``failing[bin_id]``
    (a response or an exception) instead for the given BINs."""
    failing = failing or {}

    def serve(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        answer = failing.get(body["bin_id"])
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            assert isinstance(answer, httpx.Response)
            return answer
        order = {"order_id": f"ord_{body['bin_id']}", "bin_id": body["bin_id"], "status": 0}
        return envelope({"order_info": order})

    return serve


async def test_outcomes_are_in_spec_order_and_one_failure_does_not_abort_the_rest(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(
        side_effect=issuer({"b2": envelope(code=10001, message="param error")})
    )
    specs = [{"bin_id": f"b{i}", "amount": Decimal("10")} for i in range(5)]

    outcomes = await client.orders.open_cards(specs, concurrency=3)

    assert [o.index for o in outcomes] == [0, 1, 2, 3, 4]
    assert [o.ok for o in outcomes] == [True, True, False, True, True]
    assert route.call_count == 5
    for i, outcome in enumerate(outcomes):
        assert outcome.spec["bin_id"] == f"b{i}"
        if i == 2:
            assert outcome.result is None
            assert isinstance(outcome.error, ParamError)
            assert outcome.error.code == 10001
        else:
            assert outcome.error is None
            assert isinstance(outcome.result, Order)
            assert outcome.result.order_id == f"ord_b{i}"


async def test_every_spec_gets_an_out_order_id_before_sending(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=issuer())
    specs: list[dict[str, Any]] = [
        {"bin_id": "b0", "amount": 1},
        {"bin_id": "b1", "amount": 1, "out_order_id": "mine-1"},
        {"bin_id": "b2", "amount": 1},
    ]

    outcomes = await client.orders.open_cards(specs)

    ids = [o.out_order_id for o in outcomes]
    assert ids[1] == "mine-1"
    assert ids[0] is not None
    assert HEX32.fullmatch(ids[0])
    assert ids[2] is not None
    assert HEX32.fullmatch(ids[2])
    assert len(set(ids)) == 3
    assert [o.result.out_order_id for o in outcomes if o.result] == ids
    wire = {sent(route, i)["bin_id"]: sent(route, i) for i in range(3)}
    assert wire["b1"] == expected(bin_id="b1", amount=1, out_order_id="mine-1")
    assert {wire[f"b{i}"]["out_order_id"] for i in range(3)} == set(ids)
    # The caller's specs are not mutated.
    assert "out_order_id" not in specs[0]


async def test_unknown_outcome_is_recorded_with_its_out_order_id(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float]
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=issuer({"b1": httpx.ReadTimeout("slow")}))

    outcomes = await client.orders.open_cards(
        [{"bin_id": "b0", "amount": 1}, {"bin_id": "b1", "amount": 1}]
    )

    assert route.call_count == 2  # the timed-out one was not re-sent
    assert outcomes[0].ok
    error = outcomes[1].error
    assert isinstance(error, OutcomeUnknownError)
    assert error.out_order_id == outcomes[1].out_order_id
    assert error.out_order_id is not None
    assert HEX32.fullmatch(error.out_order_id)


async def test_a_spec_with_bad_arguments_fails_alone_without_a_request(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=issuer())

    outcomes = await client.orders.open_cards(
        [{"bin_id": "b0", "amount": 1.5}, {"bin_id": "b1", "amount": 1}]
    )

    assert isinstance(outcomes[0].error, TypeError)
    assert "amount" in str(outcomes[0].error)
    assert outcomes[1].ok
    assert route.call_count == 1
    assert sent(route)["bin_id"] == "b1"


async def test_on_progress_sync_callback_once_per_item(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(OPEN_CARD).mock(side_effect=issuer({"b1": envelope(code=10001, message="bad")}))
    seen: list[BulkProgress] = []

    outcomes = await client.orders.open_cards(
        [{"bin_id": f"b{i}", "amount": 1} for i in range(4)], on_progress=seen.append
    )

    assert len(seen) == 4
    assert [p.done for p in seen] == [1, 2, 3, 4]
    assert all(p.total == 4 for p in seen)
    assert (seen[-1].succeeded, seen[-1].failed) == (3, 1)
    assert sorted(p.last.index for p in seen) == [0, 1, 2, 3]
    assert {id(p.last) for p in seen} == {id(o) for o in outcomes}


async def test_on_progress_async_callback_is_awaited(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(OPEN_CARD).mock(side_effect=issuer())
    seen: list[int] = []

    async def progress(update: BulkProgress) -> None:
        seen.append(update.done)

    await client.orders.open_cards(
        [{"bin_id": f"b{i}", "amount": 1} for i in range(3)], on_progress=progress
    )

    assert seen == [1, 2, 3]


async def test_empty_specs_give_no_outcomes_and_no_request(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=envelope({}))

    assert await client.orders.open_cards([]) == []

    assert route.called is False


@pytest.mark.parametrize("concurrency", [0, -1, True, 1.5, "4"])
async def test_bad_concurrency_is_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, concurrency: Any
) -> None:
    route = api.route().mock(return_value=envelope({}))

    with pytest.raises(ValueError, match="concurrency"):
        await client.orders.open_cards([{"bin_id": "b0", "amount": 1}], concurrency=concurrency)

    assert route.called is False


async def test_concurrency_one_still_issues_everything(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=issuer())

    outcomes = await client.orders.open_cards(
        [{"bin_id": f"b{i}", "amount": 1} for i in range(3)], concurrency=1
    )

    assert all(o.ok for o in outcomes)
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("specs", "error", "match"),
    [
        ([("bin_id", "b0")], TypeError, r"specs\[0\]"),
        ([{"bin_id": "b0", "amount": 1}, "b1"], TypeError, r"specs\[1\]"),
        ([{"bin_id": "b0", "amount": 1, "out_order_id": ""}], ValueError, "out_order_id"),
    ],
)
async def test_bad_specs_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, specs: Any, error: type[Exception], match: str
) -> None:
    route = api.route().mock(return_value=envelope({}))

    with pytest.raises(error, match=match):
        await client.orders.open_cards(specs)

    assert route.called is False
