"""One pass from bytes to models only where it is as exact as the exact path.

``_core._onepass.exact_in_one_pass`` decides; the parse steps' ``one_pass`` forms build the
result. Every test compares with what the exact path (``loads`` then the parse step) gives,
value for value, type for type, digit for digit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lemft_async import APIError, APIResponseValidationError, AsyncLemft
from lemft_async._core import _onepass
from lemft_async._core._codec import loads
from lemft_async._core._onepass import exact_in_one_pass, exact_in_python, try_one_pass
from lemft_async._core._pagination import DeferredRaw
from lemft_async._pagination import AsyncPage
from lemft_async._parse import EntityParse, PageParse
from lemft_async.types import Card, OrderDetail

from .._exact import compiled_check, same
from ..conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY

EXACT = ["0.4", "20", "10.25", "-3.5", "9865.29", "123456789012.345", "0.0001", "1.5"]
NOT_EXACT = [
    "0.10",  # trailing zero: a float would drop it
    "20.00",
    "1.0",
    "0.00001",  # below 1e-4 (conservative)
    "1234567890123456.5",  # 17 significant digits
    "0.1000000000000000055511151231257827",
    "1E-7",
    "1e5",
    "2.5E+3",
    "123456789012345678901",  # a 21-digit integer
]


def body_with(literal: str) -> bytes:
    return ('{"code":0,"data":{"x":' + literal + "}}").encode()


@pytest.fixture(params=["python", "compiled"])
def check(request: pytest.FixtureRequest) -> Callable[[bytes], bool]:
    """Each implementation of the exactness check."""
    return exact_in_python if request.param == "python" else compiled_check()


def test_the_compiled_check_is_the_one_in_use_when_built() -> None:
    assert exact_in_one_pass is (_onepass.exact_compiled or exact_in_python)


@pytest.mark.parametrize("literal", EXACT)
def test_bodies_whose_numbers_a_float_reads_exactly_pass(
    check: Callable[[bytes], bool], literal: str
) -> None:
    assert check(body_with(literal))
    assert check(body_with("[" + literal + ',"x",' + literal + "]"))


@pytest.mark.parametrize("literal", NOT_EXACT)
def test_bodies_with_a_number_a_float_would_change_take_the_exact_path(
    check: Callable[[bytes], bool], literal: str
) -> None:
    assert not check(body_with(literal))
    assert not check(body_with('["a\\"b", 1, ' + literal + "]"))  # after an escaped quote


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "[1,NaN]"])
def test_non_finite_constants_take_the_exact_path(
    check: Callable[[bytes], bool], text: str
) -> None:
    assert not check(body_with(text))


def test_look_alikes_inside_strings(check: Callable[[bytes], bool]) -> None:
    # An exponent or long digit run inside text is not a number: one pass stays open...
    assert check(b'{"id":"5e3f","n":"123456789012345678901234","m":"a 1e5"}')
    assert check(b'{"q":"say \\"1e5\\" twice","w":"\\\\","n":1.5}')


def test_the_python_rule_is_conservative_about_text_the_compiled_one_reads() -> None:
    for body in (b'{"m":"a 1e5 b"}', b'{"version":"v1.50"}', b'{"t":"NaN"}'):
        assert not exact_in_python(body)  # judged as if it were a number
        assert compiled_check()(body)  # the compiled check knows it is text


def test_the_compiled_check_refuses_what_is_not_bytes() -> None:
    with pytest.raises(TypeError):
        compiled_check()("{}")  # type: ignore[arg-type]


# -- one pass gives what the exact path gives ------------------------------------------------


async def _no_fetch(number: int) -> AsyncPage[Card]:
    raise NotImplementedError


def exact_path(parse: Any, body: bytes) -> Any:
    payload = loads(body)
    assert payload["code"] == 0
    return parse(payload.get("data"))


NUMBER = st.sampled_from(EXACT + NOT_EXACT + ["0", "-0", "7", "100005", "2.0", "3"])
TEXT = st.sampled_from(
    [
        *("", "USD", "03/28", "2025-03-03 02:42:11", "2025-03-03T02:42:11Z", "out_10002000004"),
        *("10.25", " 7.5 ", "abc", "1e5", "\\u00e9t\\u00e9", "1.50", "0"),
    ]
)


def value() -> st.SearchStrategy[str]:
    scalar = st.one_of(
        NUMBER, TEXT.map(lambda t: f'"{t}"'), st.sampled_from(["null", "true", "false"])
    )
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
            st.dictionaries(st.sampled_from(["a", "b", "rate"]), inner, max_size=3).map(
                lambda d: "{" + ",".join(f'"{k}":{v}' for k, v in d.items()) + "}"
            ),
        ),
        max_leaves=6,
    )


CARD_FIELDS = {
    "card_id": st.sampled_from(['"cid_1"'] * 8 + ['""', "7", "null"]),
    "balance": st.one_of(NUMBER, TEXT.map(lambda t: f'"{t}"'), st.just("null")),
    "limit": st.one_of(NUMBER, st.just("null")),
    "status": st.one_of(NUMBER, st.just('"2"')),
    "card_type": st.one_of(NUMBER, st.sampled_from(['"2"', '"virtual"', "null"]), value()),
    "use_at": st.one_of(TEXT.map(lambda t: f'"{t}"'), NUMBER, st.just("null"), value()),
    "mark": st.one_of(TEXT.map(lambda t: f'"{t}"'), NUMBER),
    "unknown_field": value(),
}


@st.composite
def card_json(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(CARD_FIELDS)), unique=True))
    if draw(st.integers(0, 9)):  # mostly a valid card: its id comes first
        names = ["card_id", *[n for n in names if n != "card_id"]]
    return "{" + ",".join(f'"{n}":{draw(CARD_FIELDS[n])}' for n in names) + "}"


@st.composite
def page_body(draw: st.DrawFn) -> bytes:
    cards = draw(st.lists(card_json(), max_size=3))
    total = draw(st.sampled_from(["3", '"3"', "2.5", "null", "true"]))
    code = draw(st.sampled_from(["0"] * 6 + ['"0"', "0.0", "10004", "false"]))
    data = '{"total":' + total + ',"page_size":20,"card_list":[' + ",".join(cards) + "]}"
    return ('{"code":' + code + ',"message":"success","data":' + data + "}").encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=page_body())
def test_a_page_in_one_pass_equals_the_exact_path(body: bytes) -> None:
    parse = PageParse(Card, "card_list", page_no=1, page_size=20, fetch=_no_fetch)
    done = try_one_pass(parse, body, min_bytes=0)
    if done is None:
        return
    page = done.value
    expected = exact_path(parse, body)
    assert same(page.items, expected.items)
    assert (page.total, page.page_no, page.page_size) == (
        expected.total,
        expected.page_no,
        expected.page_size,
    )
    assert same(page.raw, expected.raw)


def test_the_generated_pages_do_take_one_pass() -> None:
    # The property above is not vacuous: documented-style answers go through one pass.
    body = (
        b'{"code":0,"message":"success","data":{"total":1,"card_list":[{"card_id":"c1",'
        b'"balance":0.4,"limit":20,"use_at":"2025-03-03 02:42:11","x":{"r":[1.5]}}]}}'
    )
    parse = PageParse(Card, "card_list", page_no=1, page_size=20, fetch=_no_fetch)
    done = try_one_pass(parse, body, min_bytes=0)
    assert done is not None
    card = done.value.items[0]
    assert card.balance == Decimal("0.4")
    assert card.x == {"r": [Decimal("1.5")]}  # unknown fields as the exact decoder gives


ORDER_FIELDS = ["amount", "fee"]


@settings(max_examples=300, deadline=None)
@given(
    amount=NUMBER,
    fee=st.one_of(NUMBER, TEXT.map(lambda t: f'"{t}"')),
    track_at=TEXT,
    bill=value(),
    wrapped=st.booleans(),
)
def test_an_entity_in_one_pass_equals_the_exact_path(
    amount: str, fee: str, track_at: str, bill: str, wrapped: bool
) -> None:
    info = (
        f'{{"order_id":"o1","out_order_id":"x1","amount":{amount},"fee":{fee},'
        f'"track_at":"{track_at}","status":1}}'
    )
    detail = f'{{"order_info":{info},"order_bill_list":[{{"bill_type":2,"extra":{bill}}}]}}'
    data = f'{{"order_detail":{detail}}}' if wrapped else detail
    body = ('{"code":0,"message":"ok","data":' + data + "}").encode()
    parse = EntityParse(OrderDetail, "order_detail", ())
    done = try_one_pass(parse, body, min_bytes=0)
    if done is None:
        return
    assert same(done.value, exact_path(parse, body))


async def test_a_small_answer_takes_one_pass_only_when_the_check_is_compiled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the accelerator, proving a small body exact costs more than one pass saves.
    cards = [{"card_id": "c1", "balance": 0.4}]
    assert (2048 if _onepass.exact_compiled is None else 0) == _onepass.ONE_PASS_MIN_BYTES
    for min_bytes, one_pass in ((2048, False), (0, True)):
        monkeypatch.setattr(_onepass.try_one_pass, "__kwdefaults__", {"min_bytes": min_bytes})
        with respx.mock(base_url=BASE_URL) as router:
            router.post(CARD_LIST).mock(return_value=answer({"total": 1, "card_list": cards}))
            async with client() as c:
                page = await c.cards.list()
        assert isinstance(page._raw, DeferredRaw) is one_pass
        assert page.items[0].balance == Decimal("0.4")


def test_a_write_completed_with_what_was_sent_has_no_one_pass() -> None:
    assert EntityParse(OrderDetail, None, [("out_order_id", "x1")]).one_pass is None
    assert EntityParse(OrderDetail, None, ()).one_pass is not None


# -- through the client ------------------------------------------------------------------------


def client() -> AsyncLemft:
    return AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        base_url=BASE_URL,
    )


def answer(data: Any, code: Any = 0, status: int = 200) -> httpx.Response:
    body = json.dumps({"code": code, "message": "m", "data": data}).encode()
    return httpx.Response(status, content=body)


CARD_LIST = "/v1/openApi/card/card/cardList"


async def test_a_page_built_in_one_pass_decodes_raw_only_when_asked() -> None:
    cards = [{"card_id": f"c{i}", "balance": 0.4, "limit": 20} for i in range(60)]
    with respx.mock(base_url=BASE_URL) as router:
        router.post(CARD_LIST).mock(return_value=answer({"total": 3, "card_list": cards}))
        async with client() as c:
            page = await c.cards.list()
    assert isinstance(page._raw, DeferredRaw)
    assert page.raw == {"total": 3, "card_list": loads(json.dumps(cards))}
    assert type(page.raw["card_list"][0]["balance"]) is Decimal
    assert not isinstance(page._raw, DeferredRaw)
    assert [card.balance for card in page.items] == [Decimal("0.4")] * 60


async def test_a_page_that_is_not_exact_in_one_pass_is_decoded_exactly() -> None:
    card = b'{"card_id":"c1","balance":0.40}'
    body = b'{"code":0,"data":{"total":60,"card_list":[' + b",".join([card] * 60) + b"]}}"
    with respx.mock(base_url=BASE_URL) as router:
        router.post(CARD_LIST).mock(return_value=httpx.Response(200, content=body))
        async with client() as c:
            page = await c.cards.list()
    assert not isinstance(page._raw, DeferredRaw)
    assert str(page.items[0].balance) == "0.40"


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (answer({"card_list": []}, code=10001), APIError),  # an error code: its typed error
        (answer({"card_list": []}, status=500), APIError),  # "success" in an HTTP error
        (answer({"card_list": [{"card_id": ""}]}), APIResponseValidationError),
    ],
)
async def test_answers_that_do_not_validate_in_one_pass_are_judged_as_before(
    response: httpx.Response, error: type[Exception]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        router.post(CARD_LIST).mock(return_value=response)
        async with client() as c:
            with pytest.raises(error):
                await c.cards.list(max_retries=0)


async def test_a_success_code_sent_as_text_is_still_a_success() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        router.post(CARD_LIST).mock(return_value=answer({"card_list": []}, code="0"))
        async with client() as c:
            page = await c.cards.list()
    assert page.items == []


@settings(max_examples=500, deadline=None)
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False).filter(
        lambda d: -60 < d.adjusted() < 60 and len(str(d)) <= 40
    ),
    fixed=st.booleans(),
)
def test_any_literal_one_pass_accepts_is_read_digit_for_digit(value: Decimal, fixed: bool) -> None:
    literal = format(value, "f") if fixed else str(value)
    body = (
        '{"code":0,"data":{"card_list":[{"card_id":"c1","balance":'
        + literal
        + ',"x":['
        + literal
        + "]}]}}"
    ).encode()
    parse = PageParse(Card, "card_list", page_no=1, page_size=20, fetch=_no_fetch)
    done = try_one_pass(parse, body, min_bytes=0)
    if done is None:
        assert not exact_in_one_pass(body) or value.copy_abs() < Decimal("1e-100")
        return
    card = done.value.items[0]
    assert same(card, exact_path(parse, body).items[0])
    if "." in literal or "E" in literal.upper():
        assert card.x[0].as_tuple() == Decimal(literal).as_tuple()
    else:
        assert card.x[0] == int(literal)  # a JSON integer stays an int


def test_the_values_answers_carry_validate_natively_from_json() -> None:
    # The rule (a Python function) is the fallback; the common JSON values never reach it.
    from typing import Annotated

    from pydantic import TypeAdapter

    from lemft_async._core._schemas import FastDateTime, FastMoney, OpenIntEnum
    from lemft_async.types.constants import CardType

    seen: list[object] = []

    def rule(value: object, *rest: Any) -> object:
        seen.append(value)
        return rest[0](value) if rest else value

    money = TypeAdapter(Annotated[Decimal | None, FastMoney(rule)])
    when = TypeAdapter(Annotated[datetime | str | None, FastDateTime(rule)])
    kind = TypeAdapter(Annotated[CardType | int | None, OpenIntEnum(CardType, rule)])
    for text in ["10.25", "-3.5", "20", '"9865.29"', "null"]:
        money.validate_json(text)
    for text in ['"2025-03-03 02:42:11"', '""', '"out_1"', "null"]:
        when.validate_json(text)
    for text in ["2", "99", "null"]:
        kind.validate_json(text)
    assert seen == []
    amount = money.validate_json("10.25")
    assert amount is not None
    assert amount.as_tuple() == Decimal("10.25").as_tuple()
    money.validate_json("0.0")  # a fractional zero is the rule's to judge
    assert seen == [Decimal("0.0")]


def test_without_the_accelerator_the_python_rule_serves_every_path() -> None:
    # A fresh interpreter where the compiled modules cannot be imported (a build without a
    # C compiler): the Python rule, the 2 KiB threshold, the webhook decode on the exact
    # path and the native field schemas, with the same results.
    script = """
import json, sys
class Block:
    def find_spec(self, name, path, target=None):
        if name in ("lemft_async._core._scan", "lemft_async._core._fields"):
            raise ImportError("not built")
sys.meta_path.insert(0, Block())
from lemft_async._core import _onepass
from lemft_async.webhooks._onepass import decode_body
from lemft_async.webhooks._verify import DEFAULT_SCHEME
body = json.dumps({"eventTag": "card.status.active", "card_id": "c1", "balance": 0.4}).encode()
event = decode_body(body, None, DEFAULT_SCHEME, None, None)
from lemft_async._core import _schemas
from lemft_async.types import Card
field = Card.__pydantic_core_schema__["schema"]["fields"]["balance"]["schema"]["schema"]
print(_onepass.exact_compiled, _onepass.exact_in_one_pass.__name__,
      _onepass.ONE_PASS_MIN_BYTES, repr(event.data.balance), _schemas.compiled_fields,
      field["python_schema"]["type"])
"""
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == [
        "None",
        "exact_in_python",
        "2048",
        "Decimal('0.4')",
        "None",
        "nullable",
    ]


def test_lemft_no_extension_switches_the_accelerators_off_at_import() -> None:
    script = """
from lemft_async._core import _onepass, _schemas
print(_onepass.exact_compiled, _schemas.compiled_fields)
"""
    env = {**os.environ, "LEMFT_NO_EXTENSION": "1"}
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split() == ["None", "None"]
