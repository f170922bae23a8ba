"""Each sandbox keeps its own route table; here (and only here) it is compared with the SDK's.

Where the SDK says a path is documented, both must agree on path and method: a mismatch is
a bug in one of them. Every SDK operation must also have a sandbox route, so the e2e tests
can call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.routing import Route

import lemft_async
import lemft_async.keysecure
import lemft_async.payin
from lemft_async.keysecure.sandbox._ops import SandboxOps
from lemft_async.keysecure.sandbox._routes import ROUTES as KEYSECURE_ROUTES
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.payin.sandbox._routes import ROUTES as PAYIN_ROUTES
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox._routes import ROUTES as LEMFT_ROUTES

TABLES: dict[str, tuple[Mapping[str, Any], Mapping[str, Any], int]] = {
    "lemft": (lemft_async.ENDPOINTS, LEMFT_ROUTES, 39),
    "payin": (lemft_async.payin.PAYIN_ENDPOINTS, PAYIN_ROUTES, 4),
    "keysecure": (lemft_async.keysecure.ENDPOINTS, KEYSECURE_ROUTES, 19),
}
API = pytest.mark.parametrize("api", sorted(TABLES))


@API
def test_every_sdk_operation_has_a_sandbox_route(api: str) -> None:
    sdk, sandbox, count = TABLES[api]
    assert sorted(sdk) == sorted(sandbox)
    assert len(sandbox) == count


@API
def test_documented_paths_agree(api: str) -> None:
    sdk, sandbox, _ = TABLES[api]
    documented = {name: ep for name, ep in sdk.items() if ep.documented}
    assert documented, "every API documents at least one path"
    for name, endpoint in documented.items():
        route = sandbox[name]
        assert (route.path, route.method) == (endpoint.path, endpoint.method), name
        assert route.documented, f"{api} sandbox does not mark {name} as documented"


@API
def test_the_sandboxes_do_not_claim_paths_the_sdk_calls_inferred(api: str) -> None:
    sdk, sandbox, _ = TABLES[api]
    claimed = {name for name, route in sandbox.items() if route.documented}
    assert claimed <= {name for name, ep in sdk.items() if ep.documented}


def test_keysecure_auth_flags_agree() -> None:
    sdk = lemft_async.keysecure.ENDPOINTS
    assert {n: r.auth for n, r in KEYSECURE_ROUTES.items()} == {n: e.auth for n, e in sdk.items()}


def test_keysecure_every_route_has_an_operation() -> None:
    for name in KEYSECURE_ROUTES:
        assert callable(getattr(SandboxOps, "op_" + name.replace(".", "_"), None)), name


def test_lemft_sandbox_serves_every_route_at_its_path() -> None:
    sandbox = Sandbox()
    assert {path: r.operation for path, r in sandbox.core.routes.items()} == {
        r.path: name for name, r in LEMFT_ROUTES.items()
    }


def test_payin_sandbox_serves_every_route() -> None:
    served = {
        (route.path, method)
        for route in PayinSandbox().app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert served == {(r.path, r.method) for r in PAYIN_ROUTES.values()}


async def test_a_wrong_client_path_is_caught_by_the_sandbox() -> None:
    # The point of a separate table: a client pointed at a path the sandbox never heard of
    # fails loudly instead of agreeing with itself.
    async with Sandbox() as sandbox:
        wrong = {"wallets.list": "/v1/openApi/wallet/listWallets"}
        async with sandbox.client(path_overrides=wrong, max_retries=0) as client:
            with pytest.raises(lemft_async.APIStatusError) as caught:
                await client.wallets.list()
    assert caught.value.status_code == 404


async def test_a_moved_sandbox_route_is_mirrored_by_its_client() -> None:
    moved = {"wallets.list": "/v2/custom/wallets"}
    async with Sandbox(path_overrides=moved) as sandbox, sandbox.client() as client:
        page = await client.wallets.list(page_size=1)
        assert len(page.items) == 1
        assert sandbox.stats.requests["/v2/custom/wallets"] == 1
