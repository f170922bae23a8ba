"""Generate ``api.md`` (the API reference) from the endpoint catalogue and the resource classes.

    python scripts/gen_api_md.py           # rewrite api.md
    python scripts/gen_api_md.py --check   # exit 1 if api.md is out of date
    python scripts/gen_api_md.py --coverage  # print the README "API coverage" table

The tables come from ``lemft_async._endpoints.ENDPOINTS`` (path, documented or inferred,
read or write) and from the signatures of the resource methods, so the reference cannot
drift from the code: ``tests/resources/test_api_md.py`` fails when it does.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lemft_async._endpoints import ENDPOINTS, Endpoint
from lemft_async._resource import AsyncAPIResource

__all__ = ["API_MD", "HELPERS", "NAMESPACES", "coverage_table", "render"]

API_MD = Path(__file__).resolve().parent.parent / "api.md"

NAMESPACES = {
    "wallets": "Wallets: balances, the wallet ledger, exchange rates.",
    "bins": "Card BINs: the card products you can issue on, their fees and limits.",
    "cards": "Cards: details (number, CVV, expiry), lifecycle, trades, merchant score.",
    "orders": "Card orders: issue a card (`open_card`), top one up (`recharge`), read orders.",
    "holders": "Cardholders.",
    "pay_methods": "Payment methods (payout rails).",
    "payees": "Payees (beneficiaries): reference lists, create, apply for review, manage.",
    "payments": "Payments from a wallet to a payee.",
}

# Public methods that are helpers over a catalogued operation (not operations themselves).
HELPERS = {"orders.open_cards": "orders.open_card"}

_LEFT_OUT = {"self", "extra_body"}


def resource_class(namespace: str) -> type[AsyncAPIResource]:
    """The class behind ``client.<namespace>`` (module ``lemft_async.resources.<namespace>``)."""
    module = importlib.import_module(f"lemft_async.resources.{namespace}")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, AsyncAPIResource)
            and value._namespace == namespace
        ):
            return value
    raise LookupError(f"no resource class for namespace {namespace!r}")


def _method(name: str) -> Callable[..., Any]:
    namespace, method = name.split(".")
    function: Callable[..., Any] = getattr(resource_class(namespace), method)
    return function


def short_signature(name: str) -> str:
    """``method(positional, *, required, optional=default)`` without ``self``/``extra_body``."""
    parts: list[str] = []
    star = False
    for param in inspect.signature(_method(name)).parameters.values():
        if param.name in _LEFT_OUT:
            continue
        if param.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        if param.default is inspect.Parameter.empty:
            parts.append(param.name)
        else:
            parts.append(f"{param.name}={param.default!r}")
    return f"{name.split('.')[1]}({', '.join(parts)})"


def returns(name: str) -> str:
    annotation = inspect.signature(_method(name)).return_annotation
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.replace("builtins.", "")


def _row(endpoint: Endpoint) -> str:
    source = "documented" if endpoint.documented else "inferred"
    kind = "**write**" if endpoint.kind == "write" else "read"
    result = f"`{returns(endpoint.name)}`"
    if endpoint.list_key:
        result += f" (items: `{endpoint.list_key}`)"
    cells = [
        f"`{short_signature(endpoint.name)}`",
        f"`{endpoint.path}`",
        source,
        kind,
        result,
        endpoint.title,
    ]
    return "| " + " | ".join(cells) + " |"


def _namespace_section(namespace: str) -> list[str]:
    lines = [
        f"### `client.{namespace}`",
        "",
        NAMESPACES[namespace],
        "",
        "| method | path | path source | kind | returns | docs title |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(ep) for name, ep in ENDPOINTS.items() if name.split(".")[0] == namespace]
    helpers = [h for h in HELPERS if h.split(".")[0] == namespace]
    for helper in helpers:
        lines += [
            "",
            f"Helper (no path of its own): `{short_signature(helper)}` -> "
            f"`{returns(helper)}`, calls `{HELPERS[helper]}` once per spec.",
        ]
    return [*lines, ""]


def _counts() -> str:
    documented = sum(ep.documented for ep in ENDPOINTS.values())
    writes = sum(ep.kind == "write" for ep in ENDPOINTS.values())
    return (
        f"{len(ENDPOINTS)} operations in {len(NAMESPACES)} namespaces: "
        f"{documented} documented paths, {len(ENDPOINTS) - documented} inferred; "
        f"{writes} writes, {len(ENDPOINTS) - writes} reads."
    )


def coverage_table() -> str:
    """The README's compact "API coverage" table: one row per namespace."""
    lines = [
        "| namespace | methods | documented | inferred |",
        "|---|---|---:|---:|",
    ]
    for namespace in NAMESPACES:
        eps = [ep for name, ep in ENDPOINTS.items() if name.split(".")[0] == namespace]
        names = [ep.name.split(".")[1] for ep in eps]
        documented = sum(ep.documented for ep in eps)
        methods = ", ".join(f"`{n}`" for n in names)
        for helper in HELPERS:
            if helper.split(".")[0] == namespace:
                methods += f", `{helper.split('.')[1]}` (helper)"
        lines.append(
            f"| [`{namespace}`](api.md#client{namespace}) | {methods} "
            f"| {documented} | {len(eps) - documented} |"
        )
    total = sum(ep.documented for ep in ENDPOINTS.values())
    lines.append(f"| **all** | {len(ENDPOINTS)} operations | {total} | {len(ENDPOINTS) - total} |")
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole of ``api.md``."""
    catalogued = {name.split(".")[0] for name in ENDPOINTS}
    if catalogued != set(NAMESPACES):
        # A namespace missing here would silently drop its operations from the reference.
        raise LookupError(f"NAMESPACES out of date: catalogue has {sorted(catalogued)}")
    lines = [
        "# API reference",
        "",
        "<!-- Generated by scripts/gen_api_md.py from lemft_async/_endpoints.py and the",
        "     resource classes. Do not edit by hand: run `python scripts/gen_api_md.py`. -->",
        "",
        _counts(),
        "",
        "- **path source**: *documented* paths were read from the LEMFT docs; *inferred*",
        "  paths follow the documented naming style but were not in the available docs.",
        "  Every path can be replaced without a new release (see",
        "  [Overriding a path](#overriding-a-path)).",
        "- **kind**: a *read* is retried on 10005, HTTP 5xx, timeouts and dropped",
        "  connections; a **write** is never re-sent when its outcome is unknown: it raises",
        "  `OutcomeUnknownError` instead (see [Errors](#errors)). 10004 and 10003 are",
        "  retried for both, because the server did not act.",
        "- **signatures** leave out `extra_body`, which every method accepts (see",
        "  [Adding fields](#adding-fields)). Identifiers such as `order_id` may be passed",
        "  by position or by name; everything else is keyword-only. Parameters are named",
        "  as on the wire.",
        "- Every request body starts with `customer_id`, `app_id`, `key` (added by the",
        "  client), then the method's parameters; `None` parameters are not sent.",
        "",
        "## Methods",
        "",
    ]
    for namespace in NAMESPACES:
        lines += _namespace_section(namespace)
    lines.append(_STATIC.strip("\n"))
    return "\n".join(lines) + "\n"


_STATIC = """
## Answers

Money decodes to `Decimal` (never `float`), documented constant groups to `IntEnum`
members (`lemft_async.types.constants`), `"YYYY-MM-DD HH:MM:SS"` times to naive
`datetime` (`""` becomes `None`; text that is not a date is kept as text). Unknown
fields are kept (`model.model_extra`, attribute access) and unknown enum values are
kept as plain `int`. Detail answers are accepted both wrapped as `<entity>_info`
(the shape of the documented `getOrder`, e.g. `card_info`) and bare (inferred).
`Card` reprs mask `card_no` (first 6 / last 4) and hide `cvv` and `pin`.

Documented answer shapes: `wallets.list` (钱包列表), the fields of
`wallets.retrieve_transaction` (交易详情; its path is inferred), `orders.retrieve`
(订单详情) and the fields of `Card` (from the Card notification payload). Every other
shape is inferred and decoded leniently.

`orders.open_card`, `orders.recharge` and `payments.create` generate `out_order_id`
(32 hex characters) when you do not pass one; it is sent, it is on the result even if
the answer omits it, and it is on `OutcomeUnknownError.out_order_id`.

## Overriding a path

Only two paths are documented. If LEMFT tells you another path, override it by
operation name; nothing else changes (signing, gating, retries, decoding):

```python
client = AsyncLemft(
    ...,
    path_overrides={"cards.freeze": "/v1/openApi/card/card/freezeCard"},
)
client.endpoints["cards.freeze"].path   # the path in use
```

Unknown operation names and paths that are not absolute are refused when the
client is built. `lemft_async.ENDPOINTS` is the catalogue itself.

## Adding fields

Every method takes `extra_body={...}`: fields the docs do not list are merged into
the request body after the method's own parameters. Repeating a parameter the method
already sends (including a generated `out_order_id`, `page_no`/`page_size` of a list,
or the common `customer_id`/`app_id`/`key`) raises `ValueError` before anything is
sent.

```python
await client.cards.freeze("cid_...", extra_body={"reason_code": 7})
```

## Raw calls

`client.request(path, body)` calls any path: the common parameters are added, the
body is signed, gated per endpoint and retried like a catalogued call, and the
decoded `data` is returned (numbers with a fraction as `Decimal`).

```python
data = await client.request("/v1/openApi/wallet/walletList", {"page_no": 1, "page_size": 10})
```

`kind="read"` or `kind="write"` sets the retry policy; by default it is taken from the
catalogue when the path is a catalogued one, and is `"write"` (never re-sent on an
unknown outcome) otherwise.

## Pagination

List methods return an `AsyncPaginator` (they are not coroutines):

```python
page = await client.wallets.list(page_size=50)      # one page
page.items, page.total, page.page_no, page.page_size, page.raw
if page.has_next_page():
    page = await page.next_page()

async for wallet in client.wallets.list(page_size=50):   # every item of every page
    ...

async for page in client.wallets.list(page_size=50).iter_pages():
    ...
```

Pages are requested with `page_no`/`page_size` (documented for `wallets.list`); a
next page exists while `page_no * page_size < total` (or, without `total`, while a
page is full). Items are read from the list key in the tables above; because most of
those keys are inferred, `list`, `items`, `records` or the only array in `data` are
accepted too. `payees.funding_sources`, `payees.payment_purposes` and
`payments.reasons` are short reference lists returned whole as a `list`.

## Errors

| exception | when | retried |
|---|---|---|
| `ParamError` (10001) | bad or missing parameter, wrong credentials | no |
| `SignatureError` (10002) | signature mismatch (check `api_key`) | no |
| `TimestampError` (10003) | timestamp outside the window | once, after a clock re-sync |
| `TooManyRequestsError` (10004) | another call to the same URL was running | yes (no action) |
| `ServerError` (10005) | system error | reads only |
| `APIStatusError` | HTTP error without a LEMFT envelope | 5xx for reads only |
| `APIResponseValidationError` | HTTP success but no decodable envelope | reads only |
| `APIError` | any other business code (`code`, `message`) | no |
| `APITimeoutError`, `APIConnectionError` | no usable answer | reads (writes: see below) |
| `OutcomeUnknownError` | a write's outcome is unknown (timeout, 10005, 5xx) | never |

All derive from `LemftError`; API errors carry `code`, `message`, `path`, `traceid`
and `status_code`. Catch `OutcomeUnknownError` before `APIConnectionError` and
reconcile with its `out_order_id` (e.g. `client.orders.list(out_order_id=...)`)
before trying again. Invalid arguments raise `ValueError`/`TypeError` naming the
field before any request is sent.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if api.md is out of date")
    parser.add_argument("--coverage", action="store_true", help="print the README coverage table")
    args = parser.parse_args(argv)
    if args.coverage:
        print(coverage_table(), end="")
        return 0
    text = render()
    if args.check:
        current = API_MD.read_text(encoding="utf-8") if API_MD.exists() else ""
        if current != text:
            print("api.md is out of date: run `python scripts/gen_api_md.py`", file=sys.stderr)
            return 1
        return 0
    API_MD.write_text(text, encoding="utf-8")
    print(f"wrote {API_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
