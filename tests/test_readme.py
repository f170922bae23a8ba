"""Every ```python block of README.md is run and type-checked (mypy --strict) as user code.

The convention (also stated in README "Development"):

- Every block runs in a fresh temporary directory (the files it writes are thrown away).
- A block is a **program** by default: a complete module. It is type-checked as it stands
  and run as ``__main__`` (an ``asyncio.run(main())`` in it runs). Every SDK client it
  opens without an ``http_client`` must be closed by the block itself.
- A block preceded by ``<!-- fragment: name, name -->`` (or ``<!-- fragment -->``) is a
  **fragment**: its lines become the body of ``async def _fragment(<names>) -> None`` and
  the names are parameters the test provides, typed and valued by ``PROVIDED`` below
  (``client``, ``bin_id``, ``payin``, ``ks``, ``request``, ``raw_body``, ``headers``,
  ``API_KEY``, ``OLD_API_KEY``). Clients a fragment leaves open are closed by the test.

Nothing leaves the process: every client the SDK builds without an ``http_client`` gets a
transport that routes the three sandbox hosts to fresh in-process sandboxes (LEMFT at
``api.sandbox.lemft.com``, KeySecure at its sandbox host, Payin at ``PAYIN_BASE_URL``) and
refuses any other host; ``LEMFT_*``, ``PAYIN_*`` and ``KEYSECURE_*`` hold the sandboxes'
fake credentials; ``redis://localhost:6379/0`` is a throwaway ``redis-server``. Blocks shown
as ``bash`` (or unlabelled) are not run. One mypy run checks all blocks.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from lemft_async._core._client import BaseClient
from lemft_async._signing import compute_signature
from tests.redis_server import redis_server as redis_server  # the session fixture

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LEMFT_HOST = "api.sandbox.lemft.com"
KEYSECURE_HOST = "sandbox-openplatform.keysecure.io"
PAYIN_URL = "https://payin.sandbox.invalid"
SEEDED_BIN = "cpi_6530de6a2f1c7"
OLD_API_KEY = "old-api-key-not-secret"

_FENCE = re.compile(r"^```(\w*)\s*$")
_MARKER = re.compile(r"^<!--\s*fragment\s*(?::\s*(?P<names>[\w\s,]*))?-->\s*$")


@dataclass(frozen=True)
class Block:
    line: int
    """1-based line of the block's first code line in README.md."""
    code: str
    names: tuple[str, ...] | None
    """``None`` for a program; the provided names for a fragment."""

    @property
    def id(self) -> str:
        return f"L{self.line}{'-fragment' if self.names is not None else ''}"

    @property
    def module(self) -> str:
        return f"readme_block_{self.line:04d}"


def readme_blocks(text: str) -> list[Block]:
    """The ```python blocks of ``text``, with the fragment marker just before each."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        language = fence.group(1)
        end = index + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        if language == "python":
            before = next((ln for ln in reversed(lines[:index]) if ln.strip()), "")
            marker = _MARKER.match(before.strip())
            names = None
            if marker is not None:
                raw = marker.group("names") or ""
                names = tuple(n.strip() for n in raw.split(",") if n.strip())
            blocks.append(Block(index + 2, "\n".join(lines[index + 1 : end]) + "\n", names))
        index = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


# -- what fragments are given -------------------------------------------------------------------


@dataclass(frozen=True)
class Provided:
    annotation: str
    imports: tuple[str, ...]
    make: Callable[[World], Any]


def _card_notification(world: World) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {"eventTag": "card.status.active", "notify_id": "ntf_readme", "card_id": "cid_readme_1"}
    ).encode()
    timestamp = str(int(time.time()))
    signature = compute_signature(world.lemft.credentials.api_key, body, timestamp, "hex")
    return body, {"timestamp": timestamp, "signature": signature}


def _keysecure_request(world: World) -> Any:
    from starlette.requests import Request

    body, headers = world.keysecure.build_callback(
        "Card_update",
        {"card_no": "C0001", "before_status": "Activated", "after_status": "Frozen"},
    )
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/keysecure/callback",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _lemft_client(world: World) -> Any:
    from lemft_async import AsyncLemft

    return AsyncLemft.from_env()


def _payin_client(world: World) -> Any:
    from lemft_async.payin import AsyncPayin

    return AsyncPayin.from_env()


def _keysecure_client(world: World) -> Any:
    from lemft_async.keysecure import AsyncKeySecure

    return AsyncKeySecure.from_env()


PROVIDED: dict[str, Provided] = {
    "client": Provided("AsyncLemft", ("from lemft_async import AsyncLemft",), _lemft_client),
    "bin_id": Provided("str", (), lambda w: SEEDED_BIN),
    "payin": Provided("AsyncPayin", ("from lemft_async.payin import AsyncPayin",), _payin_client),
    "ks": Provided(
        "AsyncKeySecure", ("from lemft_async.keysecure import AsyncKeySecure",), _keysecure_client
    ),
    "request": Provided("Request", ("from starlette.requests import Request",), _keysecure_request),
    "raw_body": Provided("bytes", (), lambda w: _card_notification(w)[0]),
    "headers": Provided("dict[str, str]", (), lambda w: _card_notification(w)[1]),
    "API_KEY": Provided("str", (), lambda w: w.lemft.credentials.api_key),
    "OLD_API_KEY": Provided("str", (), lambda w: OLD_API_KEY),
}


def source_of(block: Block) -> str:
    """The module mypy checks and the test runs: the block, or its fragment wrapper."""
    header = f"# README.md line {block.line}\n"
    if block.names is None:
        return header + block.code
    unknown = [name for name in block.names if name not in PROVIDED]
    if unknown:
        raise LookupError(
            f"README.md line {block.line}: fragment names {unknown} are not provided; "
            f"known: {sorted(PROVIDED)} (tests/test_readme.py PROVIDED)"
        )
    imports = sorted({line for name in block.names for line in PROVIDED[name].imports})
    params = ", ".join(f"{name}: {PROVIDED[name].annotation}" for name in block.names)
    body = "".join(f"    {line}\n" if line.strip() else "\n" for line in block.code.splitlines())
    return (
        header
        + "".join(f"{line}\n" for line in imports)
        + f"\n\nasync def _fragment({params}) -> None:\n"
        + body
    )


# -- the sandboxes and the routing --------------------------------------------------------------


class _Router(httpx.AsyncBaseTransport):
    """Sandbox hosts to in-process sandboxes; any other host is refused (no network)."""

    def __init__(self, routes: dict[str, httpx.AsyncBaseTransport]) -> None:
        self.routes = routes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.routes.get(request.url.host)
        if target is None:
            raise httpx.ConnectError(f"README test: {request.url.host} is not a sandbox host")
        return await target.handle_async_request(request)


@dataclass
class World:
    lemft: Any
    payin: Any
    keysecure: Any
    opened: list[BaseClient]


@contextmanager
def sandboxed(monkeypatch: pytest.MonkeyPatch, redis_url: str | None) -> Iterator[World]:
    """Fresh sandboxes, the environment pointing at them, SDK clients routed to them."""
    from lemft_async.keysecure.sandbox import KeySecureSandbox
    from lemft_async.payin.sandbox import PayinSandbox
    from lemft_async.sandbox import Sandbox
    from lemft_async.sandbox._transport import SandboxTransport

    lemft, payin, keysecure = Sandbox(), PayinSandbox(), KeySecureSandbox()
    world = World(lemft, payin, keysecure, [])
    router = _Router(
        {
            LEMFT_HOST: SandboxTransport(lemft.app, faults=lemft.faults, stats=lemft.stats),
            httpx.URL(PAYIN_URL).host: httpx.ASGITransport(app=payin.app),
            KEYSECURE_HOST: httpx.ASGITransport(app=keysecure.app),
        }
    )
    original = BaseClient._open_http

    def routed(
        self: BaseClient,
        http_client: httpx.AsyncClient | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncClient:
        if http_client is None and transport is None:
            world.opened.append(self)
            transport = router
        return original(self, http_client, transport=transport)

    monkeypatch.setattr(BaseClient, "_open_http", routed)
    # The Payin gateway runs its timers inside the block's event loop: asyncio.run (the
    # block's own, or the test's for a fragment) enters it around the coroutine.
    real_run = asyncio.run

    def run_with_sandboxes(main: Any, **options: Any) -> Any:
        async def running() -> Any:
            async with payin:
                return await main

        return real_run(running(), **options)

    monkeypatch.setattr(asyncio, "run", run_with_sandboxes)
    credentials = lemft.credentials
    environment = {
        "LEMFT_CUSTOMER_ID": str(credentials.customer_id),
        "LEMFT_APP_ID": str(credentials.app_id),
        "LEMFT_KEY": credentials.key,
        "LEMFT_API_KEY": credentials.api_key,
        "LEMFT_ENVIRONMENT": "sandbox",
        "PAYIN_MCH_ID": payin.mch_id,
        "PAYIN_SECRET": payin.secret,
        "PAYIN_BASE_URL": PAYIN_URL,
        "KEYSECURE_API_KEY": keysecure.credentials["api_key"],
        "KEYSECURE_API_SECRET": keysecure.credentials["api_secret"],
        "KEYSECURE_ENVIRONMENT": "sandbox",
    }
    for name in ("LEMFT_BASE_URL", "KEYSECURE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if redis_url is not None:
        from redis.asyncio import Redis

        from_url = Redis.from_url

        def local(url: str, **options: Any) -> Any:
            return from_url(redis_url if url == "redis://localhost:6379/0" else url, **options)

        monkeypatch.setattr(Redis, "from_url", staticmethod(local))
    # In a fresh directory: a block's relative files (the job example's job.db) must not
    # land in the repository, where the next run would find them and skip every row.
    previous = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="readme_block_") as folder:
        os.chdir(folder)
        try:
            yield world
        finally:
            os.chdir(previous)


async def _close_left_open(world: World) -> None:
    for client in world.opened:
        if not client._closed:
            await client.aclose()


def _run(block: Block, world: World) -> None:
    code = compile(source_of(block), f"README.md:{block.line}", "exec")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(code, namespace)  # noqa: S102 - README code is ours, run on purpose
    if block.names is None:
        left_open = [type(c).__name__ for c in world.opened if not c._closed]
        asyncio.run(_close_left_open(world))
        assert not left_open, f"README.md line {block.line} leaves {left_open} open"
        return
    fragment = namespace["_fragment"]

    async def run_fragment() -> None:
        values = {name: PROVIDED[name].make(world) for name in block.names or ()}
        try:
            await fragment(**values)
        finally:
            await _close_left_open(world)

    asyncio.run(run_fragment())


# -- the tests ------------------------------------------------------------------------------------


def test_the_readme_has_python_blocks_and_fragments() -> None:
    assert len(BLOCKS) >= 15
    assert any(b.names is None for b in BLOCKS)
    assert any(b.names for b in BLOCKS)


def test_blocks_and_fragment_markers_are_found() -> None:
    text = (
        "```python\nprint(1)\n```\n\n<!-- fragment: client, bin_id -->\n```python\nx = 1\n```\n"
        "```bash\nls\n```\n<!-- fragment -->\n\n```python\ny = 2\n```\n"
    )
    program, fragment, bare = readme_blocks(text)
    assert (program.line, program.code, program.names) == (2, "print(1)\n", None)
    assert (fragment.line, fragment.names) == (7, ("client", "bin_id"))
    assert bare.names == ()
    assert "async def _fragment(client: AsyncLemft, bin_id: str) -> None:\n    x = 1\n" in (
        source_of(fragment)
    )
    with pytest.raises(LookupError, match="not provided"):
        source_of(Block(1, "pass\n", ("nobody",)))


def test_a_program_that_leaves_a_client_open_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    leaky = Block(1, "from lemft_async import AsyncLemft\n\nclient = AsyncLemft.from_env()\n", None)
    with sandboxed(monkeypatch, None) as world, pytest.raises(AssertionError, match="open"):
        _run(leaky, world)
    assert world.opened[0]._closed  # closed by the test all the same


def test_blocks_run_in_a_fresh_directory_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "from pathlib import Path\n\nPath('job.db').write_text('x')\n"
    seen: list[Path] = []
    for _ in range(2):
        with sandboxed(monkeypatch, None) as world:
            assert not Path("job.db").exists()  # nothing left by the run before
            _run(Block(1, code, None), world)
            seen.append(Path.cwd())
            assert Path("job.db").read_text() == "x"
    assert Path.cwd() not in seen
    assert ROOT not in seen
    assert seen[0] != seen[1]
    assert not seen[0].exists()


def test_hosts_other_than_the_sandboxes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import asyncio\n"
        "from lemft_async import APIConnectionError, AsyncLemft\n\n"
        "async def main() -> None:\n"
        "    async with AsyncLemft.from_env(environment='production', max_retries=0) as c:\n"
        "        try:\n"
        "            await c.wallets.list()\n"
        "        except APIConnectionError as exc:\n"
        "            assert 'api.lemft.com is not a sandbox host' in str(exc)\n"
        "        else:\n"
        "            raise AssertionError('the production host was reached')\n\n"
        "asyncio.run(main())\n"
    )
    with sandboxed(monkeypatch, None) as world:
        monkeypatch.delenv("LEMFT_ENVIRONMENT")
        _run(Block(1, code, None), world)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block_runs_against_the_sandboxes(
    block: Block, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    redis_url = None
    if "redis" in block.code.lower() and "Redis.from_url" in block.code:
        redis_url = request.getfixturevalue("redis_server").url
    with (
        sandboxed(monkeypatch, redis_url) as world,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always", ResourceWarning)
        _run(block, world)
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, f"README.md line {block.line} leaks: {leaks}"


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One ``mypy --strict`` run over every block; its errors by module."""
    folder = tmp_path_factory.mktemp("readme_blocks")
    for block in BLOCKS:
        (folder / f"{block.module}.py").write_text(source_of(block), encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "readme"),
            "--no-error-summary",
            "--show-error-codes",
            str(folder),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        name = Path(line.split(":", 1)[0]).stem
        errors.setdefault(name, []).append(line)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return errors


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block_passes_mypy_strict(block: Block, mypy_errors: dict[str, list[str]]) -> None:
    assert mypy_errors.get(block.module, []) == []


def test_mypy_finds_what_it_should(tmp_path: Path) -> None:
    # The check can fail: the Quickstart's old mistake (an optional id passed on) is caught.
    bad = tmp_path / "readme_bad.py"
    bad.write_text("def f(x: str | None) -> str:\n    return x\n", encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "return-value" in result.stdout or "Incompatible return value" in result.stdout
