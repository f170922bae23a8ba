"""Exactly-once under at-least-once delivery: several arq workers (in-process ``Worker``s on
a real redis-server) process every task twice; exactly N cards exist at the end, and the
sandbox saw exactly N card orders (no duplicate was even sent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import OPEN_CARD
from tests.redis_server import REQUIRE_ENV, RedisServer, redis_required, require_redis_py
from tests.redis_server import redis_server as redis_server

pytestmark = pytest.mark.redis

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "arq_issue.py"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_arq_issue", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def require_arq() -> None:
    if importlib.util.find_spec("arq") is None:
        reason = "arq not installed (it is in the dev extra)"
        if redis_required():
            pytest.fail(f"{reason}; {REQUIRE_ENV}=1 requires it", pytrace=False)
        pytest.skip(reason)


@pytest.mark.parametrize("tasks", [30])
async def test_arq_workers_processing_every_task_twice_issue_exactly_n_cards(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch, tasks: int
) -> None:
    require_redis_py()
    require_arq()
    from lemft_async.gates.claims import RedisClaimStore

    refused: list[str] = []
    claim = RedisClaimStore.claim

    async def counting(self: RedisClaimStore, key: str, ttl: float) -> str | None:
        token = await claim(self, key, ttl)
        if token is None:
            refused.append(key)
        return token

    monkeypatch.setattr(RedisClaimStore, "claim", counting)
    run_with_arq = example().run_with_arq
    async with Sandbox(latency=0.005) as sandbox:
        result = await run_with_arq(sandbox, redis_server.url, tasks=tasks, workers=4)

        assert result["complete"] == 2 * tasks
        assert result["failed"] == 0
        assert len(sandbox.state.cards) == tasks
        assert sandbox.stats.requests[OPEN_CARD] == tasks
        assert all(sandbox.state.executions(oid) == 1 for oid in result["ids"])
        sandbox.state.check_conservation()
    assert refused  # copies did run at the same time: the claim turned the second away


async def test_the_example_runs_on_arq_when_redis_is_given(
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_redis_py()
    require_arq()
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    await example().main()
    out = capsys.readouterr().out
    assert "arq workers on" in out
    assert "exactly one card per task" in out
