"""The MD5 signing rule: the published vector, rendering, verification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lemft_async.payin import canonical_string, sign, signature_matches
from lemft_async.payin._signing import render_value, response_signature_matches

VECTOR_KEY = "EWEFD123RGSRETYDFNGFGFGSHDFGH"
VECTOR_SIGN = "5E0AA05DD4BB4FE5AB65608123EBA591"
SECRET = "test-secret-not-real"


def test_published_vector() -> None:
    params = {
        "userId": "test01",
        "type": "wechat",
        "money": "2.0",
        "remark": "",
        "outTradeNo": "P12312321123",
    }
    assert canonical_string(params) == (
        "money=2.0&outTradeNo=P12312321123&type=wechat&userId=test01"
    )
    assert sign(params, VECTOR_KEY) == VECTOR_SIGN


def test_published_vector_with_decimal_money_and_without_empty_remark() -> None:
    params: dict[str, object] = {
        "userId": "test01",
        "type": "wechat",
        "money": Decimal("2.0"),
        "outTradeNo": "P12312321123",
    }
    assert sign(params, VECTOR_KEY) == VECTOR_SIGN
    assert sign({**params, "remark": None}, VECTOR_KEY) == VECTOR_SIGN


def test_a_different_key_or_value_gives_another_sign() -> None:
    params = {"userId": "test01", "type": "wechat", "money": "2.0", "outTradeNo": "P12312321123"}
    assert sign(params, VECTOR_KEY + "x") != VECTOR_SIGN
    assert sign({**params, "money": "2.00"}, VECTOR_KEY) != VECTOR_SIGN


def test_existing_sign_entry_is_ignored() -> None:
    params = {"a": "1", "b": "2"}
    assert sign({**params, "sign": "WHATEVER"}, SECRET) == sign(params, SECRET)


def test_sign_is_uppercase_hex_md5() -> None:
    value = sign({"a": "1"}, SECRET)
    assert len(value) == 32
    assert value == value.upper()
    int(value, 16)


def test_sort_is_by_code_point() -> None:
    assert canonical_string({"b": "2", "B": "1", "a": "3"}) == "B=1&a=3&b=2"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (10000, "10000"),
        (-2, "-2"),
        (Decimal("100.50"), "100.50"),
        (Decimal("1E+2"), "100"),
        ("as is ", "as is "),
        (None, ""),
        ({"value": "AIRP0000001"}, '{"value":"AIRP0000001"}'),
        ({"b": None, "a": [1, {"d": 2, "c": 1}]}, '{"a":[1,{"c":1,"d":2}],"b":null}'),
    ],
)
def test_render_value(value: object, text: str) -> None:
    assert render_value(value) == text


def test_render_nested_without_nulls_and_omitted() -> None:
    value = {"url": None, "payUrl": "https://x"}
    assert render_value(value, nested="json_drop_null") == '{"payUrl":"https://x"}'
    assert render_value(value, nested="omit") == ""


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (2.0, TypeError),
        (b"bytes", TypeError),
        (object(), TypeError),
        (Decimal("NaN"), ValueError),
    ],
)
def test_unsignable_values_are_refused(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="money"):
        sign({"money": value}, SECRET)


def test_non_string_names_and_empty_secret_are_refused() -> None:
    bad: dict[Any, object] = {1: "x"}
    with pytest.raises(TypeError, match="names must be str"):
        sign(bad, SECRET)
    with pytest.raises(ValueError, match="secret"):
        sign({"a": "1"}, "")


def test_verification_accepts_any_case() -> None:
    params = {"amount": "20000", "status": "2"}
    good = sign(params, SECRET)
    assert signature_matches({**params, "sign": good}, SECRET)
    assert signature_matches({**params, "sign": good.lower()}, SECRET)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: {**p, "amount": "20001"},
        lambda p: {**p, "extraField": "x"},
        lambda p: {k: v for k, v in p.items() if k != "sign"},
        lambda p: {**p, "sign": ""},
        lambda p: {**p, "sign": "é" * 32},
        lambda p: {**p, "sign": 12345},
    ],
    ids=["tampered", "added-field", "missing-sign", "empty-sign", "non-ascii", "non-str"],
)
def test_verification_rejects(mutate: Any) -> None:
    params = {"amount": "20000", "status": "2"}
    assert not signature_matches(mutate({**params, "sign": sign(params, SECRET)}), SECRET)


def test_unknown_fields_are_part_of_the_check() -> None:
    params = {"amount": "20000", "newField": "v"}
    assert signature_matches({**params, "sign": sign(params, SECRET)}, SECRET)


def test_response_nested_payparams_both_null_renderings() -> None:
    body: dict[str, Any] = {
        "retCode": "SUCCESS",
        "payOrderId": "Le1",
        "payParams": {"payUrl": "https://x", "url": None},
    }
    kept = sign(body, SECRET)
    dropped = sign({**body, "payParams": {"payUrl": "https://x"}}, SECRET)
    flat = sign({k: v for k, v in body.items() if k != "payParams"}, SECRET)
    assert response_signature_matches({**body, "sign": kept}, SECRET)
    assert response_signature_matches({**body, "sign": dropped}, SECRET)
    assert not response_signature_matches({**body, "sign": flat}, SECRET)
    assert response_signature_matches({**body, "sign": flat}, SECRET, allow_flat=True)
    tampered = {**body, "payParams": {"payUrl": "https://evil", "url": None}, "sign": kept}
    assert not response_signature_matches(tampered, SECRET, allow_flat=False)


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", min_size=1, max_size=8)
_values = st.text(min_size=1, max_size=20).filter(lambda v: v != "")


@given(st.dictionaries(_names.filter(lambda n: n != "sign"), _values, min_size=1, max_size=8))
def test_property_sign_then_verify(params: dict[str, str]) -> None:
    signed = {**params, "sign": sign(params, SECRET)}
    assert signature_matches(signed, SECRET)
    name = next(iter(params))
    assert not signature_matches({**signed, name: params[name] + "x"}, SECRET)
    assert not signature_matches(signed, SECRET + "x")
