"""Generate ``api.md`` (the API reference) from the catalogues and by introspecting the clients.

    python scripts/gen_api_md.py           # rewrite api.md
    python scripts/gen_api_md.py --check   # exit 1 if api.md is out of date
    python scripts/gen_api_md.py --coverage  # print the README "API coverage" table

The LEMFT tables come from ``lemft_async._endpoints.ENDPOINTS`` (path, documented or
inferred, read or write) and from the signatures of the resource methods. The client-level
methods of ``AsyncLemft``, ``AsyncPayin`` and ``AsyncKeySecure`` (and each KeySecure
namespace), the ``lemft_async.webhooks`` functions and every event type are found by
introspection (public names, ``inspect.signature``, the first docstring line), so a changed
signature shows up on the next run: ``tests/resources/test_api_md.py`` fails when api.md
drifts from the code.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from lemft_async._endpoints import ENDPOINTS, Endpoint
from lemft_async._resource import AsyncAPIResource

__all__ = [
    "API_MD",
    "HELPERS",
    "NAMESPACES",
    "coverage_table",
    "event_types",
    "public_methods",
    "render",
    "signature_of",
]

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
HELPERS = {"orders.open_cards": "orders.open_card", "orders.open_card_once": "orders.open_card"}
_HOW_OFTEN = {
    "orders.open_cards": "once per spec",
    "orders.open_card_once": "only when `orders.list` does not find its `out_order_id`",
}

_LEFT_OUT = {"self", "cls", "extra_body"}


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


def signature_of(function: Callable[..., Any], name: str) -> str:
    """``name(positional, *, required, optional=default)``; leaves out ``self``,
    ``extra_body`` and ``**options`` (the per-call options every method takes)."""
    parts: list[str] = []
    star = False
    for param in inspect.signature(function).parameters.values():
        if param.name in _LEFT_OUT or param.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{param.name}")
            star = True
            continue
        if param.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        if param.default is inspect.Parameter.empty:
            parts.append(param.name)
        else:
            parts.append(f"{param.name}={_default_text(param.default)}")
    return f"{name}({', '.join(parts)})"


def _default_text(value: Any) -> str:
    """``repr`` of a default; a sentinel whose repr carries an address (``<object object at
    0x...>``, "leave unchanged") is written ``...`` so the output is stable."""
    text = repr(value)
    return "..." if " at 0x" in text else text


def short_signature(name: str) -> str:
    """``method(positional, *, required, optional=default)`` without ``self``/``extra_body``."""
    return signature_of(_method(name), name.split(".")[1])


def _annotation_text(annotation: Any) -> str:
    if annotation is inspect.Signature.empty:
        return ""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return str(text).replace("builtins.", "")


def returns(name: str) -> str:
    return _annotation_text(inspect.signature(_method(name)).return_annotation)


# -- introspected sections: client-level methods, the two peers, webhooks ----------------------


def _summary(value: Any) -> str:
    # A class's own docstring only (not one inherited from its base).
    doc = inspect.cleandoc(vars(value).get("__doc__") or "") if isinstance(value, type) else ""
    doc = doc or (inspect.getdoc(value) or "" if not isinstance(value, type) else "")
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return first.replace("|", "\\|")


def public_methods(cls: type) -> list[tuple[str, Callable[..., Any]]]:
    """Public methods of ``cls`` (inherited ones included), in definition order, without
    properties; ``__aenter__``-style dunders are left out."""
    seen: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        for attr, value in vars(klass).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, (staticmethod, classmethod)):
                seen[attr] = getattr(cls, attr)
            elif inspect.isfunction(value):
                seen[attr] = value
            elif attr in seen and not inspect.isfunction(value):
                del seen[attr]
    return list(seen.items())


def namespaces_of(cls: type) -> list[tuple[str, type]]:
    """Properties (plain or cached) of ``cls`` whose return annotation names a class with
    public methods (``client.cards`` -> ``AsyncCards``), in definition order."""
    found: list[tuple[str, type]] = []
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            getter = getattr(value, "fget", None) or getattr(value, "func", None)
            if attr.startswith("_") or not isinstance(value, (property, functools.cached_property)):
                continue
            if getter is None or any(attr == name for name, _ in found):
                continue
            annotation = _resolve(inspect.signature(getter).return_annotation, getter)
            if (
                isinstance(annotation, type)
                and annotation.__module__.startswith("lemft_async.")
                and public_methods(annotation)
            ):
                found.append((attr, annotation))
    return found


def _resolve(annotation: Any, function: Callable[..., Any]) -> Any:
    """A string annotation as the class it names: in the function's module, else in any
    loaded ``lemft_async`` module (names imported only under ``TYPE_CHECKING``)."""
    if not isinstance(annotation, str):
        return annotation
    found = getattr(sys.modules[function.__module__], annotation, None)
    if found is not None:
        return found
    for name, module in sorted(sys.modules.items()):
        if name.startswith("lemft_async.") and module is not None:
            candidate = vars(module).get(annotation)
            if isinstance(candidate, type):
                return candidate
    return None


def _method_table(cls: type, owner: str) -> list[str]:
    lines = ["| method | async | returns | summary |", "|---|---|---|---|"]
    for name, function in public_methods(cls):
        asynchronous = "yes" if inspect.iscoroutinefunction(function) else ""
        result = _annotation_text(inspect.signature(function).return_annotation)
        cells = [
            f"`{owner}.{signature_of(function, name)}`",
            asynchronous,
            f"`{result}`" if result else "",
            _summary(function),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def event_types(module_name: str) -> list[type]:
    """Classes in ``module.__all__`` whose name ends in ``Event`` or ``Notification``."""
    from pydantic import BaseModel

    module = importlib.import_module(module_name)
    out: list[type] = []
    for attr in getattr(module, "__all__", []):
        value = getattr(module, attr, None)
        if (
            isinstance(value, type)
            and issubclass(value, BaseModel)
            and attr.endswith(("Event", "Notification"))
        ):
            out.append(value)
    return out


def _event_table(module_name: str) -> list[str]:
    lines = ["| type | fields | summary |", "|---|---|---|"]
    for cls in event_types(module_name):
        fields = ", ".join(f"`{name}`" for name in getattr(cls, "model_fields", {}))
        lines.append(f"| `{cls.__name__}` | {fields} | {_summary(cls)} |")
    return lines


def _functions_table(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    lines = ["| function | returns | summary |", "|---|---|---|"]
    for attr in getattr(module, "__all__", []):
        value = getattr(module, attr, None)
        if inspect.isfunction(value):
            result = _annotation_text(inspect.signature(value).return_annotation)
            cells = [
                f"`{module_name.rsplit('.', 1)[1]}.{signature_of(value, attr)}`",
                f"`{result}`" if result else "",
                _summary(value),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _client_section(title: str, cls: type, owner: str, skip: Collection[str] = ()) -> list[str]:
    lines = [f"### {title}", "", _summary(cls), "", *_method_table(cls, owner), ""]
    for attr, resource in namespaces_of(cls):
        if attr in skip:  # documented above, with the catalogue
            continue
        lines += [
            f"#### `{owner}.{attr}`",
            "",
            *_method_table(resource, f"{owner}.{attr}"),
            "",
        ]
    return lines


def _import_sdk_modules() -> None:
    """Import every SDK module (not the sandboxes, the CLI or the test plugin), so names
    imported only under ``TYPE_CHECKING`` resolve the same whatever ran before."""
    import lemft_async

    skip = ("sandbox", "testing", "cli", "__main__")
    for info in pkgutil.walk_packages(lemft_async.__path__, "lemft_async.", onerror=lambda _: None):
        if any(part in skip or part.startswith(skip) for part in info.name.split(".")[1:]):
            continue
        with contextlib.suppress(ImportError):  # an optional extra (e.g. redis) not installed
            importlib.import_module(info.name)


def _introspected() -> list[str]:
    _import_sdk_modules()
    from lemft_async import AsyncLemft
    from lemft_async.keysecure import AsyncKeySecure
    from lemft_async.payin import AsyncPayin

    lines = [
        "## Clients",
        "",
        "Every public method of the three clients, found by introspection. Every request",
        "method also takes the per-call options `timeout=`, `max_retries=`,",
        "`extra_headers=` (left out of the signatures below, like `extra_body`).",
        "",
    ]
    lines += _client_section("`AsyncLemft` (`lemft_async`)", AsyncLemft, "client", skip=NAMESPACES)
    lines += _client_section("`AsyncPayin` (`lemft_async.payin`)", AsyncPayin, "payin")
    lines += _client_section(
        "`AsyncKeySecure` (`lemft_async.keysecure`)", AsyncKeySecure, "keysecure"
    )
    lines += [
        "## Webhooks",
        "",
        "### `lemft_async.webhooks` functions",
        "",
        *_functions_table("lemft_async.webhooks"),
        "",
        "### LEMFT event types (`lemft_async.webhooks`)",
        "",
        *_event_table("lemft_async.webhooks"),
        "",
        "### Payin notification types (`lemft_async.payin`)",
        "",
        *_event_table("lemft_async.payin"),
        "",
        "### KeySecure event types (`lemft_async.keysecure`)",
        "",
        *_event_table("lemft_async.keysecure"),
        "",
    ]
    return lines


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
            f"`{returns(helper)}`, calls `{HELPERS[helper]}` {_HOW_OFTEN[helper]}.",
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
    lines += _introspected()
    lines.append(_STATIC.strip("\n"))
    return "\n".join(lines) + "\n"


_STATIC = """
## Synchronous clients

`lemft_async.Lemft`, `lemft_async.payin.Payin` and `lemft_async.keysecure.KeySecure` take
the same arguments as `AsyncLemft`, `AsyncPayin` and `AsyncKeySecure` and have the same
namespaces and methods with the same parameters, blocking: every method above returns its
awaited result. List methods return a `SyncPaginator[T]` (`for item in ...` walks every
page; `.page()` is the requested `SyncPage[T]` with `.items`, `.total`, `.page_no`,
`.page_size`, `.has_next_page()`, `.next_page()`; `.iter_pages()`); `with_raw_response`
methods return `RawResponse[T]` (for a list, of the `SyncPage`). Also: `close()`,
`with ...:`, `with_options(...)` (a copy on the same loop and pool), `from_env()`,
`from_async(factory)` (the twin of an async client `factory()` builds, e.g.
`Lemft.from_async(sandbox.client)`), `on_loop(async_context_manager)` (entered on the
client's event loop) and `async_client`.

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
