"""Review 16: a one-pass page or entity must equal the exact path, also when a typed field
(an open enum, a LEMFT date-time) carries a list or object holding a JSON fraction.

The field rules keep such a value as sent (the enum) or as its text (the date-time); on the
exact path a fraction inside it is a ``Decimal``; in one pass it stayed a binary ``float``
while the JSON rule converted only a top-level float (fixed: ``_schemas.exact_json``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lemft_async._core._codec import loads
from lemft_async._core._onepass import try_one_pass
from lemft_async._pagination import AsyncPage
from lemft_async._parse import EntityParse, PageParse
from lemft_async.types import Card, OrderDetail


async def _no_fetch(number: int) -> AsyncPage[Card]:
    raise NotImplementedError


def _exact(parse: Any, body: bytes) -> Any:
    return parse(loads(body)["data"])


def _floats_in(value: Any) -> list[float]:
    if type(value) is float:
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats_in(v)]
    return []


@pytest.mark.parametrize(
    ("field", "value"),
    [("card_type", "[0.5]"), ("card_type", '{"rate":2.675}'), ("use_at", "[0.5]")],
)
def test_a_page_in_one_pass_equals_the_exact_path_for_a_fraction_nested_in_a_typed_field(
    field: str, value: str
) -> None:
    body = '{"code":0,"data":{"card_list":[{"card_id":"c1","' + field + '":' + value + "}]}}"
    parse = PageParse(Card, "card_list", page_no=1, page_size=20, fetch=_no_fetch)
    expected = getattr(_exact(parse, body.encode()).items[0], field)
    done = try_one_pass(parse, body.encode(), min_bytes=0)
    assert done is not None
    got = expected if done is None else getattr(done.value.items[0], field)
    assert _floats_in(got) == []
    assert got == expected
    assert repr(got) == repr(expected)


def test_an_entity_in_one_pass_has_no_float_in_an_open_enum_field() -> None:
    body = (
        b'{"code":0,"data":{"order_detail":{"order_info":{"order_id":"o1","out_order_id":"x1",'
        b'"card_type":[0.5]}}}}'
    )
    parse = EntityParse(OrderDetail, "order_detail", ())
    expected = _exact(parse, body).order_info.card_type
    assert expected == [Decimal("0.5")]
    done = try_one_pass(parse, body, min_bytes=0)
    assert done is not None
    got = expected if done is None else done.value.order_info.card_type
    assert type(got[0]) is Decimal
