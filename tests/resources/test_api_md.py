"""``api.md`` is generated from the catalogue and must be up to date (docs never drift)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from lemft_async import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_md", ROOT / "scripts" / "gen_api_md.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return load_generator()


def test_api_md_is_up_to_date(gen: ModuleType) -> None:
    current = (ROOT / "api.md").read_text(encoding="utf-8")

    assert current == gen.render(), "api.md is stale: run `python scripts/gen_api_md.py`"


def test_every_operation_is_listed_with_its_path_source_and_kind(gen: ModuleType) -> None:
    methods = gen.render().split("\n## Methods\n")[1].split("\n## ")[0]
    rows = [line for line in methods.splitlines() if line.startswith("| `")]

    for name, endpoint in ENDPOINTS.items():
        method = name.split(".")[1]
        matching = [row for row in rows if f"`{endpoint.path}`" in row]
        assert len(matching) == 1, name
        cells = [cell.strip() for cell in matching[0].strip("|").split("|")]
        assert cells[0].startswith(f"`{method}(")
        assert cells[2] == ("documented" if endpoint.documented else "inferred")
        assert cells[3] == ("**write**" if endpoint.kind == "write" else "read")
    assert len(rows) == len(ENDPOINTS)


@pytest.mark.parametrize(
    "heading",
    ["## Overriding a path", "## Adding fields", "## Raw calls", "## Pagination", "## Errors"],
)
def test_required_sections_exist(gen: ModuleType, heading: str) -> None:
    assert f"\n{heading}\n" in gen.render()


def test_signatures_are_rendered_from_the_code(gen: ModuleType) -> None:
    assert gen.short_signature("orders.retrieve") == "retrieve(order_id)"
    assert gen.short_signature("orders.open_card") == (
        "open_card(*, bin_id, amount, out_order_id=None, holder_id=None, card_type=None, mark=None)"
    )
    assert gen.returns("payments.reasons") == "list[ReferenceItem]"
    assert gen.returns("holders.delete") == "None"


def test_helpers_are_documented_and_exist(gen: ModuleType) -> None:
    text = gen.render()
    for helper, operation in gen.HELPERS.items():
        assert operation in ENDPOINTS
        assert gen.short_signature(helper).startswith(helper.split(".")[1] + "(")
        assert f"calls `{operation}`" in text


def test_namespaces_must_cover_the_catalogue(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    trimmed = {k: v for k, v in gen.NAMESPACES.items() if k != "payees"}
    monkeypatch.setattr(gen, "NAMESPACES", trimmed)

    with pytest.raises(LookupError, match="NAMESPACES out of date"):
        gen.render()


def test_check_mode_passes_when_current_and_fails_when_stale(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "api.md"
    monkeypatch.setattr(gen, "API_MD", target)

    assert gen.main(["--check"]) == 1  # missing
    assert gen.main([]) == 0  # writes it
    assert target.read_text(encoding="utf-8") == gen.render()
    assert gen.main(["--check"]) == 0
    target.write_text(gen.render().replace("inferred", "documented", 1), encoding="utf-8")
    assert gen.main(["--check"]) == 1


def test_coverage_table_counts_match_the_catalogue(gen: ModuleType) -> None:
    rows = gen.coverage_table().splitlines()[2:]
    by_namespace = {row.split("`")[1]: row for row in rows if row.startswith("| [`")}

    assert set(by_namespace) == {name.split(".")[0] for name in ENDPOINTS}
    for namespace, row in by_namespace.items():
        names = [n for n in ENDPOINTS if n.startswith(namespace + ".")]
        documented = sum(ENDPOINTS[n].documented for n in names)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert (int(cells[2]), int(cells[3])) == (documented, len(names) - documented)
        for name in names:
            assert f"`{name.split('.')[1]}`" in cells[1]
    assert rows[-1] == "| **all** | 39 operations | 2 | 37 |"
    assert "`open_cards` (helper)" in by_namespace["orders"]


def test_every_public_method_of_the_three_clients_is_listed(gen: ModuleType) -> None:
    from lemft_async import AsyncLemft
    from lemft_async.keysecure import AsyncKeySecure
    from lemft_async.payin import AsyncPayin

    text = gen.render()
    for cls, owner in (
        (AsyncLemft, "client"),
        (AsyncPayin, "payin"),
        (AsyncKeySecure, "keysecure"),
    ):
        methods = gen.public_methods(cls)
        assert methods, cls
        for name, function in methods:
            assert f"`{owner}.{gen.signature_of(function, name)}`" in text, (owner, name)
    for name in (
        "create_order",
        "query_order",
        "apply_payout",
        "query_payout",
        "parse_notification",
    ):
        assert f"`payin.{name}(" in text
    assert "`keysecure.construct_event(raw_body, headers)`" in text
    for attr, resource in gen.namespaces_of(AsyncKeySecure):
        for name, function in gen.public_methods(resource):
            assert f"`keysecure.{attr}.{gen.signature_of(function, name)}`" in text


def test_webhook_functions_and_every_event_type_are_listed(gen: ModuleType) -> None:
    from lemft_async import webhooks

    text = gen.render()
    for name in ("construct_event", "verify", "parse_event", "kind_for_tag"):
        assert f"`webhooks.{name}(" in text
    lemft = {cls.__name__ for cls in gen.event_types("lemft_async.webhooks")}
    assert {"OrderEvent", "CardEvent", "CardTradeEvent", "PayeeEvent", "PaymentEvent"} <= lemft
    assert {"WalletEvent", "UnknownEvent"} <= lemft
    for module in ("lemft_async.webhooks", "lemft_async.payin", "lemft_async.keysecure"):
        for cls in gen.event_types(module):
            assert f"| `{cls.__name__}` |" in text
    assert webhooks.OrderEvent in gen.event_types("lemft_async.webhooks")


def test_a_changed_signature_changes_the_reference(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lemft_async.payin import AsyncPayin

    async def query_order(self: object, *, pay_order_id: str, brand_new: int = 1) -> None:
        """Replaced."""

    monkeypatch.setattr(AsyncPayin, "query_order", query_order)
    assert "`payin.query_order(*, pay_order_id, brand_new=1)`" in gen.render()


def test_output_is_stable(gen: ModuleType) -> None:
    text = gen.render()
    assert " at 0x" not in text
    assert text == gen.render()
