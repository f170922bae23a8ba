"""``client.holders`` against respx (all shapes inferred)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, SignatureError
from lemft_async.types import Holder
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)

HOLDER_LIST = path("card/holder/holderList")
CREATE_HOLDER = path("card/holder/createHolder")
EDIT_HOLDER = path("card/holder/editHolder")
GET_HOLDER = path("card/holder/getHolder")
DELETE_HOLDER = path("card/holder/deleteHolder")

HOLDER: dict[str, Any] = {
    "holder_id": "h_1",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "mobile_prefix": "+44",
    "mobile": "2071234567",
    "birthday": "1990-12-10",
    "country": "GB",
    "status": 1,
    "create_at": "2025-01-02 03:04:05",
}
REQUIRED: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "mobile": "2071234567",
}


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(HOLDER_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "holder_list": [HOLDER]})
    )

    page = await client.holders.list(holder_id="h_1", email="ada@example.com")

    assert sent(route) == expected(
        holder_id="h_1", email="ada@example.com", page_no=1, page_size=10
    )
    (holder,) = page.items
    assert isinstance(holder, Holder)
    assert holder.create_at == datetime(2025, 1, 2, 3, 4, 5)


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    holders = [{**HOLDER, "holder_id": f"h_{i}"} for i in range(3)]
    route = api.post(HOLDER_LIST).mock(side_effect=pages("holder_list", holders))

    seen = [h.holder_id async for h in client.holders.list(page_size=2)]

    assert seen == ["h_0", "h_1", "h_2"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


@pytest.mark.parametrize("data", [{"holder_info": HOLDER}, HOLDER], ids=["holder_info", "bare"])
async def test_create_with_all_fields(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(CREATE_HOLDER).mock(return_value=envelope(data))

    holder = await client.holders.create(
        **REQUIRED,
        mobile_prefix="+44",
        birthday="1990-12-10",
        country="GB",
        state="London",
        city="London",
        address="1 Example St",
        post_code="N1 1AA",
    )

    assert sent(route) == expected(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        mobile_prefix="+44",
        mobile="2071234567",
        birthday="1990-12-10",
        country="GB",
        state="London",
        city="London",
        address="1 Example St",
        post_code="N1 1AA",
    )
    assert isinstance(holder, Holder)
    assert holder.holder_id == "h_1"


async def test_create_sends_only_given_fields(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(CREATE_HOLDER).mock(return_value=envelope({"holder_info": HOLDER}))

    await client.holders.create(**REQUIRED)

    assert sent(route) == expected(**REQUIRED)


@pytest.mark.parametrize("prefix", ["+1", "86", "+44", "+852", "+1684"])
async def test_create_accepts_real_country_calling_codes(
    client: AsyncLemft, api: respx.MockRouter, prefix: str
) -> None:
    # Calling codes are 1-3 digits (E.164), 4 with a NANP area such as +1684.
    route = api.post(CREATE_HOLDER).mock(return_value=envelope({"holder_info": HOLDER}))

    await client.holders.create(**REQUIRED, mobile_prefix=prefix)

    assert sent(route) == expected(**{**REQUIRED, "mobile_prefix": prefix})


async def test_create_timeout_is_outcome_unknown(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float]
) -> None:
    route = api.post(CREATE_HOLDER).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(OutcomeUnknownError):
        await client.holders.create(**REQUIRED)

    assert route.call_count == 1


@pytest.mark.parametrize("data", [{"holder_info": HOLDER}, HOLDER], ids=["holder_info", "bare"])
async def test_update_sends_only_changed_fields(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(EDIT_HOLDER).mock(return_value=envelope(data))

    holder = await client.holders.update("h_1", city="Oxford", email="ada@example.org")

    assert sent(route) == expected(holder_id="h_1", email="ada@example.org", city="Oxford")
    assert holder.first_name == "Ada"


async def test_update_with_only_extra_body_is_allowed(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(EDIT_HOLDER).mock(return_value=envelope({}))

    await client.holders.update("h_1", extra_body={"nickname": "A"})

    assert sent(route) == expected(holder_id="h_1", nickname="A")


@pytest.mark.parametrize("data", [{"holder_info": HOLDER}, HOLDER], ids=["holder_info", "bare"])
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_HOLDER).mock(return_value=envelope(data))

    holder = await client.holders.retrieve("h_1")

    assert sent(route) == expected(holder_id="h_1")
    assert (holder.email, holder.country, holder.status) == ("ada@example.com", "GB", 1)


async def test_delete_returns_none(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(DELETE_HOLDER).mock(return_value=envelope(None))

    assert await client.holders.delete("h_1") is None  # type: ignore[func-returns-value]
    assert sent(route) == expected(holder_id="h_1")


async def test_signature_error_is_typed_and_not_retried(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(GET_HOLDER).mock(return_value=envelope(code=10002, message="signature error"))

    with pytest.raises(SignatureError) as info:
        await client.holders.retrieve("h_1")

    assert (info.value.code, info.value.path) == (10002, GET_HOLDER)
    assert info.value.traceid == route.calls.last.request.headers["traceid"]
    assert route.call_count == 1


Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.holders.create(**{**REQUIRED, "email": "not-an-email"}), ValueError, "email"),
        (lambda c: c.holders.create(**{**REQUIRED, "first_name": ""}), ValueError, "first_name"),
        (lambda c: c.holders.create(**{**REQUIRED, "last_name": None}), TypeError, "last_name"),
        (lambda c: c.holders.create(**{**REQUIRED, "mobile": "call me"}), ValueError, "mobile"),
        (
            lambda c: c.holders.create(**REQUIRED, birthday="10/12/1990"),
            ValueError,
            "birthday",
        ),
        (
            lambda c: c.holders.create(**REQUIRED, mobile_prefix="plus44"),
            ValueError,
            "mobile_prefix",
        ),
        (lambda c: c.holders.create(**REQUIRED, address="x" * 256), ValueError, "address"),
        (lambda c: c.holders.update("h_1"), ValueError, "at least one field"),
        (lambda c: c.holders.update("", city="Oxford"), ValueError, "holder_id"),
        (lambda c: c.holders.update("h_1", email="nope"), ValueError, "email"),
        (lambda c: c.holders.retrieve(None), TypeError, "holder_id"),
        (lambda c: c.holders.delete(""), ValueError, "holder_id"),
        (lambda c: c.holders.list(holder_id=""), ValueError, "holder_id"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(DELETE_HOLDER).mock(return_value=envelope(None))

    await client.holders.delete("h_1", extra_body={"force": True})
    assert sent(route) == expected(holder_id="h_1", force=True)

    with pytest.raises(ValueError, match="holder_id"):
        await client.holders.delete("h_1", extra_body={"holder_id": "h_2"})
    assert route.call_count == 1
