"""The hot path's shortcuts give the reference results: prepared HMAC keys, the one-pass
header reader, the tag memo and the receiver's claim tokens."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemft_async import webhooks
from lemft_async.webhooks import _events, _headers, _keys, _onepass
from lemft_async.webhooks._headers import header_values
from lemft_async.webhooks._keys import PreparedKeys, prepared_keys

from ._helpers import NOW, SECRET, card_body, signed_headers

# Around SHA-256's 64-byte block: shorter keys are padded, longer ones hashed first.
KEYS: st.SearchStrategy[str | bytes] = st.one_of(
    st.binary(min_size=1, max_size=200).filter(bytes.strip),
    st.text(min_size=1, max_size=100).filter(str.strip),
    st.sampled_from([b"k" * 63, b"k" * 64, b"k" * 65, "é" * 40]),
)


def _reference(key: str | bytes, message: bytes) -> bytes:
    raw = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.digest(raw, message, "sha256")


@settings(max_examples=300, deadline=None)
@given(key=KEYS, first=st.binary(max_size=300), second=st.binary(max_size=20))
def test_prepared_keys_compute_hmac_sha256(key: str | bytes, first: bytes, second: bytes) -> None:
    keys = PreparedKeys((key,))
    digest = _reference(key, first + second)
    hex_sig, b64_sig = digest.hex(), base64.b64encode(digest).decode()
    assert keys.matches(first, second, [hex_sig], "hex")
    assert keys.matches(first, second, [hex_sig.upper()], "HEX")  # hex in any case
    assert keys.matches(first, second, [b64_sig], "base64")
    flipped = hex_sig[:-1] + ("0" if hex_sig[-1] != "0" else "1")
    assert not keys.matches(first, second, [flipped], "hex")
    assert not keys.matches(first + b"x", second, [hex_sig], "hex")
    if b64_sig.lower() != b64_sig:  # base64 is compared as sent (case matters)
        assert not keys.matches(first, second, [b64_sig.lower()], "base64")


def test_every_key_and_candidate_is_tried_and_non_ascii_never_matches() -> None:
    keys = PreparedKeys(("one-not-real", b"two-not-real"))
    good = _reference(b"two-not-real", b"body123").hex()
    assert keys.matches(b"body", b"123", ["nope", good], "hex")
    assert not keys.matches(b"body", b"123", ["é" + good[1:], "nope"], "hex")
    assert not keys.matches(b"body", b"123", [], "hex")


def test_one_secret_and_one_signature_take_the_same_rule() -> None:
    # One secret and one hex candidate skip the loops: the same answers as the loops give.
    keys = PreparedKeys(("only-not-real",))
    good = _reference(b"only-not-real", b"body123").hex()
    assert keys.matches(b"body", b"123", (good,), "hex")
    assert keys.matches(b"body", b"123", (good.upper(),), "hex")
    assert keys.matches(b"body", b"123", ["nope", good], "hex")  # several candidates
    assert not keys.matches(b"body", b"12", (good,), "hex")
    assert not keys.matches(b"body", b"123", ("é" + good[1:],), "hex")
    assert not keys.matches(b"body", b"123", ("",), "hex")


def test_prepared_keys_never_show_a_secret() -> None:
    keys = prepared_keys(["first-secret-not-real", "second-secret-not-real"])
    assert repr(keys) == "PreparedKeys(<2 secret(s)>)"
    assert keys.count == 2


def test_prepared_keys_are_cached_per_value() -> None:
    assert prepared_keys("cache-me-not-real") is prepared_keys("cache-me-not-real")
    assert prepared_keys(b"cache-me-not-real") is prepared_keys(b"cache-me-not-real")
    assert prepared_keys(b"cache-me-not-real") is not prepared_keys("cache-me-not-real")
    rotation = ["a-not-real", "b-not-real"]
    first = prepared_keys(rotation)
    assert prepared_keys(list(rotation)) is first  # by content, not identity
    rotation.append("c-not-real")  # a list changed later is a new set of secrets
    assert prepared_keys(rotation).count == 3
    assert prepared_keys(first) is first


def test_a_generator_of_keys_works_and_is_not_cached() -> None:
    def gen() -> Iterable[str]:
        yield "gen-secret-not-real"

    body = card_body()
    headers = signed_headers(body, secret="gen-secret-not-real")
    webhooks.verify(body, headers, api_key=gen(), now=NOW)
    assert prepared_keys(gen()) is not prepared_keys(gen())


def test_the_key_cache_stays_bounded() -> None:
    for i in range(3 * _keys._CACHE_SIZE):
        prepared_keys(f"bounded-{i}-not-real")
        prepared_keys([f"bounded-{i}-not-real"])
    assert len(_keys._by_text) <= _keys._CACHE_SIZE
    assert len(_keys._by_other) <= _keys._CACHE_SIZE


@pytest.mark.parametrize(
    ("api_key", "error"),
    [("", ValueError), ("   ", ValueError), ([], ValueError), ([""], ValueError)],
)
def test_bad_secrets_are_refused_every_time(api_key: Any, error: type[Exception]) -> None:
    for _ in range(2):  # a refusal is never cached as a success
        with pytest.raises(error):
            prepared_keys(api_key)


@pytest.mark.parametrize("api_key", [None, 5, [5], ["ok-not-real", None]])
def test_secrets_of_the_wrong_type_are_refused(api_key: Any) -> None:
    with pytest.raises(TypeError):
        prepared_keys(api_key)


# -- header_values against the rule it implements --------------------------------------

WANTED = frozenset({"timestamp", "signature", "eventtag"})
NAMES = st.sampled_from(["timestamp", "Timestamp", "TIMESTAMP", "signature", "eventTag", "x"])
VALUES = st.sampled_from(["", " ", "1", " 1 ", "2", "abc", "abc "])


def _rule(pairs: list[tuple[str, str]]) -> dict[str, str | None]:
    """Every value of a wanted name, stripped: one distinct value is the value, several
    are ambiguous (``None``)."""
    seen: dict[str, list[str]] = {}
    for name, value in pairs:
        if name.lower() in WANTED:
            seen.setdefault(name.lower(), []).append(value.strip())
    return {k: (v[0] if len(set(v)) == 1 else None) for k, v in seen.items()}


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(NAMES, VALUES), max_size=8))
def test_header_values_follow_the_rule_for_every_input_shape(pairs: list[tuple[str, str]]) -> None:
    expected = _rule(pairs)
    assert header_values(pairs, WANTED) == expected
    raw = [(n.encode(), v.encode()) for n, v in pairs]
    assert header_values(raw, WANTED) == expected
    as_dict = dict(pairs)  # a dict keeps one value per exact name
    assert header_values(as_dict, WANTED) == _rule(list(as_dict.items()))


def test_header_values_refuse_what_is_not_headers() -> None:
    hostile: list[Any] = [{1: "x"}, [("a", "b", "c")], "timestamp: 1", [("timestamp", 1)]]
    for headers in hostile:
        with pytest.raises(TypeError):
            header_values(headers, WANTED)


# -- the tag memo ------------------------------------------------------------------------


def test_remembered_tags_keep_the_prefix_rule_and_overrides_win() -> None:
    for _ in range(2):  # the second round reads the memo
        assert webhooks.kind_for_tag("card.trade.posted") == "card_trade"
        assert webhooks.kind_for_tag("card.status.active") == "card"
        assert webhooks.kind_for_tag("refund.done") == "unknown"
    assert webhooks.kind_for_tag("card.status.active", {"card.status.active": "order"}) == "order"
    assert webhooks.kind_for_tag("") == "unknown"
    assert webhooks.kind_for_tag(None) == "unknown"


def test_the_tag_memo_stays_bounded() -> None:
    for i in range(2 * _events._SEEN_TAGS_MAX):
        assert webhooks.kind_for_tag(f"order.status.x{i}") == "order"
    assert len(_events._seen_tags) <= _events._SEEN_TAGS_MAX
    assert webhooks.kind_for_tag("order.status.fresh-after-full") == "order"


def test_the_one_pass_guess_per_tag_header_stays_bounded_and_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_onepass, "_guessed", {})
    scheme = webhooks.DEFAULT_SCHEME
    for i in range(_onepass._GUESSED_MAX + 20):
        guessed = _onepass._guess({scheme.tag_key: f"card.status.x{i}"}, scheme, None, None)
        assert guessed is not None
        assert guessed[0] is webhooks.CardEvent
    assert len(_onepass._guessed) == _onepass._GUESSED_MAX
    # A remembered tag is answered from the memory.
    marker = (webhooks.OrderEvent, webhooks.OrderEvent)
    _onepass._guessed["card.status.x0"] = marker
    assert _onepass._guess({scheme.tag_key: "card.status.x0"}, scheme, None, None) is marker
    # Overrides are never answered from the memo, and an unknown tag guesses nothing.
    pinned = _onepass._guess(
        {scheme.tag_key: "card.status.x1"}, scheme, None, {"card.status.x1": "order"}
    )
    assert pinned is not None
    assert pinned[0] is webhooks.OrderEvent
    assert _onepass._guess({scheme.tag_key: "refund.done"}, scheme, None, None) is None
    assert _onepass._guess({}, scheme, None, None) is None


def test_long_tags_are_routed_but_never_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tag header is not signed: a replayed delivery may carry any, of any length.
    monkeypatch.setattr(_onepass, "_guessed", {})
    monkeypatch.setattr(_events, "_seen_tags", {})
    scheme = webhooks.DEFAULT_SCHEME
    long_tag = "card.status." + "x" * _events.MEMO_TAG_LENGTH
    guessed = _onepass._guess({scheme.tag_key: long_tag}, scheme, None, None)
    assert guessed is not None
    assert guessed[0] is webhooks.CardEvent
    assert webhooks.kind_for_tag(long_tag) == "card"
    assert long_tag not in _onepass._guessed
    assert long_tag not in _events._seen_tags
    short_tag = "card.status.active"
    _onepass._guess({scheme.tag_key: short_tag}, scheme, None, None)
    assert short_tag in _onepass._guessed
    assert short_tag in _events._seen_tags


# -- the receiver's claim tokens ---------------------------------------------------------


class _TokenSpy(webhooks.MemoryDedupStore):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []

    async def claim(self, key: str, token: str, lease: float) -> webhooks.ClaimState:
        self.tokens.append(token)
        return await super().claim(key, token, lease)


async def test_each_delivery_claims_with_its_own_random_token() -> None:
    store = _TokenSpy()
    receiver = webhooks.WebhookReceiver(
        webhooks.Router(), api_key=SECRET, store=store, clock=lambda: NOW
    )
    for notify_id in ("ntf_a", "ntf_b"):
        body = card_body(notify_id=notify_id)
        reply = await receiver.handle(body, signed_headers(body))
        assert reply.status == 200
    assert len(store.tokens) == 2
    assert store.tokens[0] != store.tokens[1]
    for token in store.tokens:
        assert len(token) == 32
        int(token, 16)  # hex


def test_header_names_are_remembered_per_wanted_set_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_headers, "_known", {})
    one, other = frozenset({"timestamp"}), frozenset({"x-other"})
    headers = {"TimeStamp": " 1 ", "X-Other": "2"}
    # The same spelling is wanted by one set and not by the other: each set has its table.
    for _ in range(2):  # the second read answers from the tables
        assert header_values(headers, one) == {"timestamp": "1"}
        assert header_values(headers, other) == {"x-other": "2"}
    assert _headers._known[one] == {"TimeStamp": "timestamp", "X-Other": ""}
    # A sender inventing names fills a table up to its bound, never past it.
    many = {f"X-Made-Up-{i}": "v" for i in range(_headers._KNOWN_NAMES + 50)}
    many["Timestamp"] = "7"
    assert header_values(many, one) == {"timestamp": "7"}
    assert len(_headers._known[one]) == _headers._KNOWN_NAMES
    assert header_values(many, one) == {"timestamp": "7"}  # past the bound: read as before
    # Long names are read, never remembered.
    monkeypatch.setattr(_headers, "_known", {})
    long_name = "T" * (_headers._KNOWN_LENGTH + 1)
    assert header_values({long_name: "x", "TIMESTAMP": "3"}, one) == {"timestamp": "3"}
    assert long_name not in _headers._known[one]
    # So are bytes names (ASGI pairs).
    assert header_values([(b"Timestamp", b"4")], one) == {"timestamp": "4"}
    assert b"Timestamp" not in _headers._known[one]  # type: ignore[comparison-overlap]


def test_the_wanted_sets_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_headers, "_known", {})
    for i in range(_headers._KNOWN_SETS + 5):
        wanted = frozenset({f"x-{i}"})
        assert header_values({f"X-{i}": "v"}, wanted) == {f"x-{i}": "v"}
    assert len(_headers._known) == _headers._KNOWN_SETS
