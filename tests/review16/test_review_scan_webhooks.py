"""Review 16 (adversarial): the compiled one-pass check (``_core/_scan.c``), one-pass pages,
entities and webhook deliveries against the exact path, and the build hook.

Pinned (verified to hold): the compiled check reads nothing past the end of its buffer
(a guard page right after the bytes), takes any C-contiguous buffer and refuses a strided
one; duplicate keys are read "last one wins" on both paths (in the envelope, in a model's
fields, its unknown fields and the webhook envelope fields); bodies pydantic-core refuses
but the exact decoder reads (a lone surrogate escape) or that neither reads (invalid
UTF-8, a BOM, trailing data) give the exact path's result; 19-digit integers beyond the
64-bit range are read the same in one pass.

Fixed defects, kept as regressions: the build hook's editable install left a previously
built accelerator next to its source when it skipped (``LEMFT_NO_EXTENSION=1``) or failed
to compile it, so the stale module was the one imported although the hook said "using
Python"; and every wheel build left a temporary directory behind.
"""

from __future__ import annotations

import ctypes
import importlib.util
import mmap
import shutil
import sys
import sysconfig
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from lemft_async._core._codec import loads
from lemft_async._core._onepass import try_one_pass
from lemft_async._pagination import AsyncPage
from lemft_async._parse import EntityParse, PageParse
from lemft_async.types import Card, OrderDetail
from lemft_async.webhooks import _onepass as hook_onepass
from lemft_async.webhooks._decode import decode_event, decode_payload
from lemft_async.webhooks._headers import header_values
from lemft_async.webhooks._onepass import decode_body
from lemft_async.webhooks._verify import DEFAULT_SCHEME

from .._exact import assert_same_error, compiled_check, same

ROOT = Path(__file__).resolve().parents[2]
CARD_NO = "4111111111111111"  # the well-known test PAN, not a real card


# -- comparing the two paths -------------------------------------------------------------------


async def _no_fetch(number: int) -> AsyncPage[Card]:
    raise NotImplementedError


def _card_page() -> PageParse[Card]:
    return PageParse(Card, "card_list", page_no=1, page_size=20, fetch=_no_fetch)


def _page(cards: str, *, code: str = "0", meta: str = "") -> bytes:
    data = '{"total":1' + meta + ',"card_list":[' + cards + "]}"
    return ('{"code":' + code + ',"message":"success","data":' + data + "}").encode()


def _one_pass_page_equals_exact(body: bytes) -> bool:
    """True when one pass was taken (and then equals the exact path); False when it was not."""
    parse = _card_page()
    done = try_one_pass(parse, body, min_bytes=0)
    if done is None:
        return False
    payload = loads(body)
    assert payload["code"] == 0
    expected = parse(payload.get("data"))
    assert same(done.value.items, expected.items)
    assert (done.value.total, done.value.page_size) == (expected.total, expected.page_size)
    assert same(done.value.raw, expected.raw)
    return True


Outcome = tuple[str, Any]


def _outcome(decode: Callable[[], Any]) -> Outcome:
    try:
        return "event", decode()
    except Exception as exc:  # compared by type, reason, fields and text
        return "error", exc


def _deliveries(
    body: bytes, headers: Mapping[str, str] | None, kind: str | None
) -> tuple[Outcome, Outcome]:
    values = header_values(headers, DEFAULT_SCHEME.wanted) if headers is not None else None
    one = _outcome(lambda: decode_body(body, values, DEFAULT_SCHEME, kind, None))
    exact = _outcome(lambda: decode_event(decode_payload(body), values, DEFAULT_SCHEME, kind, None))
    return one, exact


def _assert_same_outcome(one: Outcome, exact: Outcome) -> None:
    assert one[0] == exact[0], (one, exact)
    if one[0] == "error":
        assert_same_error(one[1], exact[1])
        return
    event, expected = one[1], exact[1]
    assert type(event) is type(expected)
    assert (event.kind, event.event_tag, event.notify_id) == (
        expected.kind,
        expected.event_tag,
        expected.notify_id,
    )
    assert same(event.data, expected.data)
    assert repr(event) == repr(expected)


# -- the compiled check: memory safety and buffer kinds ----------------------------------------

TAILS = [
    b'"',
    b"\\",
    b'"\\',
    b'"a\\',
    b'"\\\\',
    b'"\\"',
    b"-",
    b"7",
    b"12",
    b"1.",
    b"1.5",
    b"1.50",
    b"1.0000",
    b"0.000",
    b"-1.",
    b"1e",
    b"N",
    b"I",
    b"12345678901234567890",
    b"1.1234567890123456",
]


@pytest.fixture
def at_page_end() -> Iterator[Callable[[bytes], memoryview]]:
    """Places bytes so that they end exactly where an inaccessible page begins: a read past
    the end would crash the interpreter instead of reading a neighbour's byte."""
    if not sys.platform.startswith("linux"):
        pytest.skip("mprotect through ctypes: Linux only")
    page = mmap.PAGESIZE
    region = mmap.mmap(-1, 2 * page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    start = ctypes.addressof((ctypes.c_char * (2 * page)).from_buffer(region))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    assert libc.mprotect(start + page, page, 0) == 0  # PROT_NONE after the first page
    view = memoryview(region)
    views: list[memoryview] = []

    def place(data: bytes) -> memoryview:
        region[page - len(data) : page] = data
        placed = view[page - len(data) : page]
        views.append(placed)
        return placed

    yield place
    for placed in views:
        placed.release()
    view.release()
    # The guard page stays PROT_NONE until the mapping goes; restore it for a clean close.
    libc.mprotect(start + page, page, mmap.PROT_READ | mmap.PROT_WRITE)


@pytest.mark.parametrize("prefix", [b"", b"[", b'{"x":', b'"', b" "])
@pytest.mark.parametrize("tail", TAILS)
def test_the_compiled_check_reads_nothing_past_the_end_of_its_buffer(
    at_page_end: Callable[[bytes], memoryview], prefix: bytes, tail: bytes
) -> None:
    check = compiled_check()
    data = prefix + tail
    assert check(at_page_end(data)) is check(data)  # type: ignore[arg-type]


def test_the_compiled_check_takes_contiguous_buffers_and_refuses_strided_ones() -> None:
    check = compiled_check()
    assert check(bytearray(b'{"a":1.5}')) is True  # type: ignore[arg-type]
    assert check(memoryview(b'{"a":1.50}')) is False  # type: ignore[arg-type]
    assert check(b"") is True
    with pytest.raises(BufferError):
        check(memoryview(b'{"a":1.5}')[::2])  # type: ignore[arg-type]


def test_the_compiled_check_is_linear_on_adversarial_escapes() -> None:
    # A string of escaped quotes, and one of backslashes never closed: each byte is looked
    # at a bounded number of times (quadratic scanning would take minutes here).
    check = compiled_check()
    assert check(b'"' + b'\\"' * 2_000_000 + b'"') is True
    assert check(b'"' + b"\\" * 4_000_000) is True
    assert check(b'["' + b"\\\\" * 1_000_000 + b'",1.50]') is False  # then a number


# -- duplicate keys: the last one wins on both paths -------------------------------------------


@pytest.mark.parametrize(
    ("body", "taken"),
    [
        (_page('{"card_id":"c1","card_id":"c2"}'), True),
        (_page('{"card_id":"","card_id":"c1"}'), True),  # only the last must be valid
        (_page('{"card_id":"c1","card_id":""}'), False),  # the exact path refuses it too
        (_page('{"card_id":"c1","balance":1.5,"balance":2.25}'), True),
        (_page('{"card_id":"c1","x":1,"y":2,"x":0.5}'), True),  # unknown field: order kept
        (_page('{"card_id":"c1","x":{"a":1,"b":2,"a":0.5}}'), True),
        (_page('{"card_id":"c1"}', code='10001,"code":0'), True),
        (_page('{"card_id":"c1"}', code='0,"code":10001'), False),  # an error code wins
        (_page('{"card_id":"c1"}', meta=',"total":5'), True),
        (_page('{"card_id":"c1"}', meta=',"card_list":[{"card_id":"c9"}]'), True),
    ],
)
def test_duplicate_keys_in_a_page_are_read_as_the_exact_path_reads_them(
    body: bytes, taken: bool
) -> None:
    assert compiled_check()(body)
    assert _one_pass_page_equals_exact(body) is taken


def test_a_duplicated_entity_wrapper_is_read_as_the_exact_path_reads_it() -> None:
    info = '{"order_info":{"order_id":"o1","out_order_id":"x1","fee":0.4}}'
    other = '{"order_info":{"order_id":"o2","out_order_id":"x2","fee":-0.5}}'
    body = ('{"code":0,"data":{"order_detail":' + info + ',"order_detail":' + other + "}}").encode()
    parse = EntityParse(OrderDetail, "order_detail", ())
    done = try_one_pass(parse, body, min_bytes=0)
    assert done is not None
    assert same(done.value, parse(loads(body)["data"]))
    assert done.value.order_info.order_id == "o2"


def test_a_duplicated_webhook_tag_is_read_in_one_pass_as_the_exact_path_reads_it() -> None:
    card = f'"card_id":"c1","balance":1.5,"card_no":"{CARD_NO}"'
    body = (
        '{"eventTag":"order.status.completed",' + card + ',"eventTag":"card.status.active"}'
    ).encode()
    compiled_check()
    one, exact = _deliveries(body, {"eventTag": "card.status.active"}, None)
    _assert_same_outcome(one, exact)
    assert one[1].event_tag == "card.status.active"
    with mock.patch.object(hook_onepass, "decode_event", side_effect=AssertionError):
        assert decode_body(body, None, DEFAULT_SCHEME, None, None).kind == "card"  # one pass


@pytest.mark.parametrize(
    ("body", "headers", "kind"),
    [
        # the last tag is of another kind than the header's: the exact path decides
        (
            '{"eventTag":"card.status.active","card_id":"c1","eventTag":"order.status.completed"}',
            {"eventTag": "card.status.active"},
            None,
        ),
        (
            '{"eventTag":"card.status.active","card_id":"c1","eventTag":""}',
            {"eventTag": "card.status.freeze"},
            None,
        ),
        ('{"eventTag":"card.status.active","card_id":"c1","eventTag":7}', None, None),
        ('{"notify_id":"a","card_id":"c1","notify_id":7}', None, "card"),
        ('{"notify_id":"a","card_id":"c1","notify_id":"b"}', None, "card"),
        ('{"eventTag":"order.status.completed","card_id":"c1"}', None, "card"),
    ],
)
def test_webhook_envelope_edge_cases_give_the_exact_paths_outcome(
    body: str, headers: Mapping[str, str] | None, kind: str | None
) -> None:
    compiled_check()
    _assert_same_outcome(*_deliveries(body.encode(), headers, kind))


# -- bodies the two decoders read differently ----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"eventTag":"card.trade","remark":"\\ud800"}',  # exact decoder: a lone surrogate
        b'{"eventTag":"card.trade","remark":"\\udc00x"}',
        b'{"eventTag":"card.trade","remark":"\xff"}',  # neither: invalid UTF-8
        b'\xef\xbb\xbf{"eventTag":"card.trade"}',  # a BOM
        b'{"eventTag":"card.trade"} x',  # trailing data
        b'{"eventTag":"card.trade"}\x00',
        b'{"eventTag":"card.trade","remark":"a\tb"}',  # a raw control character
        b'[{"eventTag":"card.trade"}]',
        b"1.5",
        b'{"eventTag":"card.trade","x":' + b"[" * 300 + b"]" * 300 + b"}",
    ],
)
def test_bodies_the_decoders_disagree_on_give_the_exact_paths_outcome(body: bytes) -> None:
    compiled_check()
    _assert_same_outcome(*_deliveries(body, None, "card_trade"))


def test_a_lone_surrogate_in_a_page_takes_the_exact_path() -> None:
    body = _page('{"card_id":"c1","mark":"\\ud800","balance":1.5}')
    assert compiled_check()(body)
    assert not _one_pass_page_equals_exact(body)  # pydantic-core refuses it: exact path
    assert loads(body)["data"]["card_list"][0]["mark"] == "\ud800"


@pytest.mark.parametrize(
    "literal", ["9999999999999999999", "-9999999999999999999", "9223372036854775808", "-0"]
)
def test_integers_at_the_edge_of_the_64_bit_range_read_the_same_in_one_pass(literal: str) -> None:
    card = '{"card_id":"c1","app_id":' + literal + ',"balance":' + literal + ',"status":' + literal
    body = _page(card + ',"x":[' + literal + "]}")
    assert compiled_check()(body)
    assert _one_pass_page_equals_exact(body)


def test_one_pass_errors_never_reach_the_caller_with_card_data() -> None:
    # An invalid card (empty id) holding a PAN: one pass fails quietly, the exact path's
    # error names the fields only.
    body = ('{"eventTag":"card.status.active","card_id":"","card_no":"' + CARD_NO + '"}').encode()
    compiled_check()
    one, exact = _deliveries(body, None, None)
    _assert_same_outcome(one, exact)
    error = one[1]
    assert CARD_NO not in str(error)
    assert CARD_NO not in repr(error)
    assert error.__context__ is None
    assert error.__cause__ is None


# -- the build hook (hatch_build.py) -----------------------------------------------------------


class _FakeBuildHookInterface:
    """Stands in for hatchling's ``BuildHookInterface`` (not installed in the dev venv)."""

    def __init__(self, root: str, target_name: str) -> None:
        self.root = root
        self.target_name = target_name

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """hatchling calls this after the build; the base class does nothing."""


@pytest.fixture
def hatch_build(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    names = [
        "hatchling",
        "hatchling.builders",
        "hatchling.builders.hooks",
        "hatchling.builders.hooks.plugin",
        "hatchling.builders.hooks.plugin.interface",
    ]
    for name in names:
        module = types.ModuleType(name)
        module.BuildHookInterface = _FakeBuildHookInterface  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location("_review_hatch_build", ROOT / "hatch_build.py")
    assert spec is not None
    assert spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def _tree_with_a_built_accelerator(root: Path) -> Path:
    core = root / "lemft_async" / "_core"
    core.mkdir(parents=True)
    (core / "_scan.c").write_bytes((ROOT / "lemft_async" / "_core" / "_scan.c").read_bytes())
    built = core / ("_scan" + str(sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    built.write_bytes(b"an accelerator built from an earlier _scan.c")
    return built


def test_an_editable_install_without_the_extension_leaves_no_built_module_behind(
    hatch_build: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _tree_with_a_built_accelerator(tmp_path)
    monkeypatch.setenv("LEMFT_NO_EXTENSION", "1")
    hook = hatch_build.CustomBuildHook(str(tmp_path), "wheel")
    hook.initialize("editable", {"force_include": {}})
    assert not built.exists()  # else the old module is the one ``_onepass`` imports


def test_an_editable_install_whose_compile_fails_leaves_no_built_module_behind(
    hatch_build: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _tree_with_a_built_accelerator(tmp_path)
    monkeypatch.delenv("LEMFT_NO_EXTENSION", raising=False)
    monkeypatch.setattr(hatch_build, "_compile", lambda source, target: False)
    hook = hatch_build.CustomBuildHook(str(tmp_path), "wheel")
    hook.initialize("editable", {"force_include": {}})
    assert not built.exists()  # the hook printed "using Python"; the old module stays


def test_a_wheel_build_leaves_no_temporary_directory_behind(
    hatch_build: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree_with_a_built_accelerator(tmp_path)
    monkeypatch.delenv("LEMFT_NO_EXTENSION", raising=False)

    def fake_compile(source: Path, target: Path) -> bool:
        target.write_bytes(b"compiled")
        return True

    monkeypatch.setattr(hatch_build, "_compile", fake_compile)
    hook = hatch_build.CustomBuildHook(str(tmp_path), "wheel")
    build_data: dict[str, Any] = {"force_include": {}}
    hook.initialize("standard", build_data)
    compiled = list(build_data["force_include"])
    assert [Path(path).name.split(".")[0] for path in compiled] == ["_scan", "_fields"]
    (made,) = {Path(path).parent for path in compiled}  # one temporary directory for both
    try:
        assert all(Path(path).exists() for path in compiled)  # kept while the wheel is written...
        hook.finalize("standard", build_data, str(tmp_path / "lemft_async.whl"))
        assert not made.exists()  # ...and removed once it is
    finally:
        shutil.rmtree(made, ignore_errors=True)  # this test leaves nothing behind either way
