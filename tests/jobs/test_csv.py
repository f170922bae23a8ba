"""The cards CSV of ``lemft cards issue``: good rows become specs, bad rows are reported
with their line numbers (never an exception), whatever the file holds."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemft_async.jobs import parse_cards_csv, read_cards_csv
from lemft_async.jobs._specs import plan_specs


def test_good_rows_become_specs_with_their_lines() -> None:
    text = (
        "BIN_ID, Amount ,holder_id,card_type,mark,key\n"
        "cpi_1,10,,,,\n"
        "\n"
        'cpi_2,10.5,h1,2,"a, mark",row-b\n'
        "cpi_3,0.01,,,,\n"
    )
    cards = parse_cards_csv(text)
    assert cards.ok
    assert cards.lines == [2, 4, 5]
    assert cards.specs == [
        {"bin_id": "cpi_1", "amount": "10"},
        {"bin_id": "cpi_2", "amount": "10.5", "holder_id": "h1", "card_type": 2,
         "mark": "a, mark", "key": "row-b"},
        {"bin_id": "cpi_3", "amount": "0.01"},
    ]  # fmt: skip
    assert len(plan_specs(cards.specs)) == 3  # and the job accepts them


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (",10", "missing bin_id"),
        ("cpi_1,", "missing amount"),
        ("cpi_1,10.123", "more than 2 decimal places"),
        ("cpi_1,1e3", "not a plain decimal"),
        ("cpi_1,-5", "not a plain decimal"),
        ("cpi_1,ten", "not a plain decimal"),
        ("cpi_1,10.", "not a plain decimal"),
        ("cpi_1,NaN", "not a plain decimal"),
        ("cpi_1,10,,x", "card_type 'x' is not a whole number"),
        ("cpi_1,10,,,,,extra", "7 fields"),
        ("cpi_1,10,,," + "m" * 256, "mark is longer"),
    ],
)
def test_each_bad_row_is_reported_on_its_line(row: str, problem: str) -> None:
    cards = parse_cards_csv(f"bin_id,amount,holder_id,card_type,mark,key\ncpi_0,1\n{row}\n")
    assert [(p.line, problem in p.message) for p in cards.problems] == [(3, True)], cards.problems
    assert cards.lines == [2]


def test_duplicate_keys_name_the_first_line() -> None:
    cards = parse_cards_csv("bin_id,amount,key\nb,1,a\nb,1,b\nb,1,a\n")
    assert [str(p) for p in cards.problems] == ["line 4: duplicate key 'a' (first on line 2)"]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("", "empty"),
        ("bin_id\n", "missing column(s) 'amount'"),
        ("bin_id,amount,colour\n", "unknown column(s) 'colour'"),
        ("bin_id,amount,amount\n", "repeated column(s) 'amount'"),
    ],
)
def test_header_problems_are_on_line_one(header: str, problem: str) -> None:
    cards = parse_cards_csv(header)
    assert cards.problems
    assert all(p.line == 1 for p in cards.problems)
    assert any(problem in p.message for p in cards.problems)


def test_multi_line_fields_and_broken_quotes_keep_line_numbers_right() -> None:
    cards = parse_cards_csv('bin_id,amount,mark\nb,1,"two\nlines"\nb,x,\n')
    assert cards.lines == [2]
    assert [p.line for p in cards.problems] == [4]
    broken = parse_cards_csv('bin_id,amount\nb,1\nb,"1\n')
    assert broken.lines == [2]
    assert broken.problems[0].line == 3


def test_a_file_is_read_as_utf8_with_an_optional_bom(tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_bytes("\ufeffbin_id,amount,mark\ncpi_1,10,café\n".encode())
    cards = read_cards_csv(path)
    assert cards.ok
    assert cards.specs == [{"bin_id": "cpi_1", "amount": "10", "mark": "café"}]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_problems_or_specs_never_an_exception(text: str) -> None:
    cards = parse_cards_csv(text)
    assert len(cards.specs) == len(cards.lines)
    assert all(p.line >= 1 for p in cards.problems)
    if cards.ok:
        plan_specs([s for s in cards.specs if "key" not in s])  # nothing the job refuses


_AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=20)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(_IDS, _AMOUNTS, st.sampled_from([None, 1, 2, 3])), min_size=1, max_size=20)
)
def test_written_rows_read_back_the_same(rows: list[tuple[str, Decimal, int | None]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["bin_id", "amount", "card_type"])
    for bin_id, amount, card_type in rows:
        writer.writerow([bin_id, str(amount), "" if card_type is None else card_type])
    cards = parse_cards_csv(out.getvalue())
    assert cards.ok, cards.problems
    assert [(s["bin_id"], Decimal(s["amount"]), s.get("card_type")) for s in cards.specs] == rows


def test_a_header_alone_is_a_problem() -> None:
    cards = parse_cards_csv("bin_id,amount\n")
    assert [str(p) for p in cards.problems] == ["line 1: no rows after the header"]
