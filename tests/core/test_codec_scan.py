"""``_codec.loads`` scans from the first character when it can: the same results and the
same errors as ``JSONDecoder.decode`` on any text."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemft_async._core import _codec
from lemft_async._core._codec import JsonNumber, loads

JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.decimals(allow_nan=False, allow_infinity=False, places=3),
        st.text(max_size=5),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
SPACE = st.sampled_from(["", " ", "\n", "\t ", "\r\n"])


def outcome(fn: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", fn(text)
    except json.JSONDecodeError as exc:
        return "JSONDecodeError", (exc.msg, exc.pos)
    except ValueError as exc:
        return "ValueError", str(exc)


@settings(max_examples=300, deadline=None)
@given(value=JSON, before=SPACE, after=SPACE, tail=st.sampled_from(["", "x", "]", "{}", ","]))
def test_loads_is_decode(value: Any, before: str, after: str, tail: str) -> None:
    text = before + _codec.encode(value) + after + tail
    assert outcome(loads, text) == outcome(_codec._DECODER.decode, text)
    exact = outcome(lambda t: loads(t, keep_numbers=True), text)
    assert exact == outcome(_codec._EXACT_DECODER.decode, text)


@pytest.mark.parametrize("text", ["", "[1,2", '{"a":', "01", "NaN", "1e99999", '"\\x"'])
def test_broken_text_fails_as_decode_fails(text: str) -> None:
    assert outcome(loads, text) == outcome(_codec._DECODER.decode, text)
    assert outcome(loads, text)[0] != "ok"


def test_values() -> None:
    assert loads(b'{"a":0.10,"b":2}') == {"a": Decimal("0.10"), "b": 2}
    assert loads(" [1.5] ", keep_numbers=True) == [JsonNumber("1.5")]
