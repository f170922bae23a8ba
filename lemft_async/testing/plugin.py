"""The pytest plugin of the ``testing`` extra (entry point ``pytest11``: ``lemft_async``).

Each public fixture (``lemft_sandbox`` ...) is a plain fixture that picks an async one at
run time, because no single async fixture works under both runners: anyio's plugin runs
the async fixtures of tests that use ``anyio_backend``, pytest-asyncio in strict mode only
those made with ``pytest_asyncio.fixture``, and each mishandles the other's. So under
anyio ``lemft_sandbox`` asks for ``_lemft_sandbox_anyio`` (a plain async fixture), and
otherwise for ``_lemft_sandbox_asyncio`` (a pytest-asyncio one).

pytest-asyncio runs a fixture's setup and teardown in two different tasks, which a task
group refuses (``PayinSandbox`` holds one while it runs): there, each sandbox is entered
in a task of its own that lives from setup to teardown. anyio runs fixtures and the test
in one task, so there they are a plain ``async with`` driven by anyio's test runner.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from lemft_async.keysecure.sandbox import KeySecureSandbox

__all__ = [
    "keysecure_client",
    "keysecure_sandbox",
    "lemft_client",
    "lemft_sandbox",
    "payin_client",
    "payin_sandbox",
    "pytest_configure",
]

T = TypeVar("T")
Make = Callable[[pytest.FixtureRequest], AbstractAsyncContextManager[Any]]

_HAS_PYTEST_ASYNCIO = importlib.util.find_spec("pytest_asyncio") is not None

_MARKERS = {
    "lemft_sandbox": "options of the lemft_sandbox fixture: Sandbox(**options)",
    "lemft_client": "options of the lemft_client fixture: sandbox.client(**options)",
    "payin_sandbox": "options of the payin_sandbox fixture: PayinSandbox(**options)",
    "payin_client": "options of the payin_client fixture: sandbox.client(**options)",
    "keysecure_sandbox": "options of the keysecure_sandbox fixture: KeySecureSandbox(**options)",
    "keysecure_client": "options of the keysecure_client fixture: sandbox.client(**options)",
}


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers (so ``--strict-markers`` projects can use them)."""
    for name, text in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}(**options): {text}")


def _options(request: pytest.FixtureRequest, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The marker's arguments (the closest one: test, class or module)."""
    marker = request.node.get_closest_marker(name)
    return ((), {}) if marker is None else (tuple(marker.args), dict(marker.kwargs))


def _runner(request: pytest.FixtureRequest, name: str) -> str:
    if "anyio_backend" in request.fixturenames:
        return "anyio"
    if _HAS_PYTEST_ASYNCIO and request.config.pluginmanager.has_plugin("asyncio"):
        return "asyncio"
    raise pytest.UsageError(
        f"{name} is an async fixture: run the test with anyio's plugin (@pytest.mark.anyio) "
        "or install pytest-asyncio"
    )


@asynccontextmanager
async def _in_own_task(manager: AbstractAsyncContextManager[T]) -> AsyncIterator[T]:
    """``async with manager`` inside a task that lives until this block is left."""
    loop = asyncio.get_running_loop()
    entered: asyncio.Future[T] = loop.create_future()
    leave = asyncio.Event()

    async def host() -> None:
        try:
            async with manager as value:
                entered.set_result(value)
                await leave.wait()
        except BaseException as exc:
            if entered.done():
                raise  # failed on exit: the teardown's ``await task`` reports it
            entered.set_exception(exc)

    task = loop.create_task(host())
    value = await entered
    try:
        yield value
    finally:
        leave.set()
        await task


def _define(
    name: str, make: Make, *, depends: str | None = None, own_task: bool = False
) -> tuple[Any, ...]:
    """The public fixture ``name`` and its two async variants, all built around ``make``."""

    @pytest.fixture(name=name)
    def public(request: pytest.FixtureRequest) -> Any:
        if depends is not None:
            request.getfixturevalue(depends)  # set up first, outside any running loop
        return request.getfixturevalue(f"_{name}_{_runner(request, name)}")

    public.__doc__ = _DOCS[name]

    @pytest.fixture(name=f"_{name}_anyio")
    def anyio_variant(request: pytest.FixtureRequest, anyio_backend: object) -> Iterator[Any]:
        # Run on anyio's own test runner (what its plugin does for async fixtures), from a
        # plain fixture: pytest-asyncio in auto mode would claim an async one.
        from anyio.pytest_plugin import extract_backend_and_options, get_runner

        async def run() -> AsyncGenerator[Any, None]:
            async with make(request) as value:
                yield value

        backend, options = extract_backend_and_options(anyio_backend)
        with get_runner(backend, options) as runner:
            yield from runner.run_asyncgen_fixture(run, {})

    fixtures: tuple[Any, ...] = (public, anyio_variant, None)
    if _HAS_PYTEST_ASYNCIO:
        import pytest_asyncio

        @pytest_asyncio.fixture(name=f"_{name}_asyncio")
        async def asyncio_variant(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
            manager = make(request)
            async with _in_own_task(manager) if own_task else manager as value:
                yield value

        fixtures = (public, anyio_variant, asyncio_variant)
    return fixtures


# -- what each fixture makes -----------------------------------------------------------------


def _lemft_sandbox(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[Any]:
    from lemft_async.sandbox import Sandbox

    args, kwargs = _options(request, "lemft_sandbox")
    return Sandbox(*args, **kwargs)


def _payin_sandbox(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[Any]:
    from lemft_async.payin.sandbox import PayinSandbox

    args, kwargs = _options(request, "payin_sandbox")
    return PayinSandbox(*args, **kwargs)


@asynccontextmanager
async def _keysecure_sandbox(request: pytest.FixtureRequest) -> AsyncIterator[KeySecureSandbox]:
    from lemft_async.keysecure.sandbox import KeySecureSandbox

    args, kwargs = _options(request, "keysecure_sandbox")
    yield KeySecureSandbox(*args, **kwargs)  # nothing to start or close


def _client_of(sandbox_name: str) -> Make:
    client_name = sandbox_name.replace("_sandbox", "_client")

    def make(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[Any]:
        sandbox = request.getfixturevalue(sandbox_name)  # already set up (``depends``)
        args, kwargs = _options(request, client_name)
        client: AbstractAsyncContextManager[Any] = sandbox.client(*args, **kwargs)
        return client

    return make


_DOCS = {
    "lemft_sandbox": "A fresh embedded LEMFT ``Sandbox``; knobs: ``@pytest.mark.lemft_sandbox``.",
    "lemft_client": "An ``AsyncLemft`` wired to ``lemft_sandbox``; ``@pytest.mark.lemft_client``.",
    "payin_sandbox": "A fresh, running ``PayinSandbox``; ``@pytest.mark.payin_sandbox``.",
    "payin_client": "An ``AsyncPayin`` wired to ``payin_sandbox``; ``@pytest.mark.payin_client``.",
    "keysecure_sandbox": "A fresh ``KeySecureSandbox``; ``@pytest.mark.keysecure_sandbox``.",
    "keysecure_client": (
        "An ``AsyncKeySecure`` wired to ``keysecure_sandbox``; ``@pytest.mark.keysecure_client``."
    ),
}

lemft_sandbox, _lemft_sandbox_anyio, _lemft_sandbox_asyncio = _define(
    "lemft_sandbox", _lemft_sandbox, own_task=True
)
lemft_client, _lemft_client_anyio, _lemft_client_asyncio = _define(
    "lemft_client", _client_of("lemft_sandbox"), depends="lemft_sandbox"
)
payin_sandbox, _payin_sandbox_anyio, _payin_sandbox_asyncio = _define(
    "payin_sandbox", _payin_sandbox, own_task=True
)
payin_client, _payin_client_anyio, _payin_client_asyncio = _define(
    "payin_client", _client_of("payin_sandbox"), depends="payin_sandbox"
)
keysecure_sandbox, _keysecure_sandbox_anyio, _keysecure_sandbox_asyncio = _define(
    "keysecure_sandbox", _keysecure_sandbox, own_task=True
)
keysecure_client, _keysecure_client_anyio, _keysecure_client_asyncio = _define(
    "keysecure_client", _client_of("keysecure_sandbox"), depends="keysecure_sandbox"
)
