"""RedisGate: argument checks, key naming, repr, asyncio-only, error pickling."""

from __future__ import annotations

import math
import pickle
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import pytest

from tests.redis_server import require_redis_py

require_redis_py()

import redis  # noqa: E402
from redis.asyncio import Connection, ConnectionPool, Redis  # noqa: E402

from lemft_async.gates import Gate, GateKey  # noqa: E402
from lemft_async.gates.redis import GateTimeoutError, GateUnavailableError, RedisGate  # noqa: E402

from ._helpers import KEY, OTHER_KEY  # noqa: E402

MakeGate = Callable[..., RedisGate]


@pytest.fixture
async def offline() -> AsyncIterator[Redis]:
    """A client that is never connected (construction does not touch the network)."""
    client = Redis.from_url("redis://:pw-not-real@127.0.0.1:1/0")
    yield client
    await client.aclose()


def test_defaults(offline: Redis) -> None:
    gate = RedisGate(offline)
    assert isinstance(gate, Gate)
    assert gate.lease == 10.0
    assert gate.poll_interval == 0.5
    assert gate.waiter_ttl == 2.0
    assert gate.acquire_timeout is None
    assert gate.key_prefix == "lemft:gate:"


def test_waiter_ttl_follows_the_poll_interval(offline: Redis) -> None:
    assert RedisGate(offline, poll_interval=1.5).waiter_ttl == 6.0
    assert RedisGate(offline, poll_interval=0.1, waiter_ttl=0.5).waiter_ttl == 0.5


@pytest.mark.parametrize("name", ["lease", "poll_interval", "release_timeout", "acquire_timeout"])
@pytest.mark.parametrize("value", [0, -1.0, math.nan, math.inf])
def test_durations_must_be_positive_and_finite(offline: Redis, name: str, value: float) -> None:
    options: dict[str, Any] = {name: value}
    with pytest.raises(ValueError, match=name):
        RedisGate(offline, **options)


@pytest.mark.parametrize("value", ["10", True, None])
def test_lease_must_be_a_number(offline: Redis, value: Any) -> None:
    with pytest.raises(TypeError, match="lease"):
        RedisGate(offline, lease=value)


def test_waiter_ttl_must_exceed_the_poll_interval(offline: Redis) -> None:
    with pytest.raises(ValueError, match="waiter_ttl"):
        RedisGate(offline, poll_interval=1.0, waiter_ttl=1.0)


def test_poll_interval_must_fit_in_the_socket_timeout() -> None:
    explicit = Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=1.0)
    with pytest.raises(ValueError, match=r"poll_interval \(1 s\).*socket_timeout \(1 s\)"):
        RedisGate(explicit, poll_interval=1.0)
    assert RedisGate(explicit, poll_interval=0.5).poll_interval == 0.5
    no_timeout = Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=None)
    assert RedisGate(no_timeout, poll_interval=30).poll_interval == 30


def test_the_connection_class_default_socket_timeout_counts() -> None:
    # Not given explicitly: the connection class's own default applies (redis-py 8: 5 s).
    class TwoSecondConnection(Connection):
        def __init__(self, *, socket_timeout: float | None = 2.0, **kwargs: Any) -> None:
            super().__init__(socket_timeout=socket_timeout, **kwargs)

    pool = ConnectionPool(connection_class=TwoSecondConnection, host="127.0.0.1", port=1)
    client = Redis(connection_pool=pool)
    with pytest.raises(ValueError, match=r"socket_timeout \(2 s\)"):
        RedisGate(client, poll_interval=2.0)
    assert RedisGate(client, poll_interval=1.0).poll_interval == 1.0


def test_other_argument_types_are_checked(offline: Redis) -> None:
    with pytest.raises(TypeError, match="key_prefix"):
        RedisGate(offline, key_prefix=b"lemft:")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="renew"):
        RedisGate(offline, renew=1)  # type: ignore[arg-type]


def test_the_client_must_be_an_asyncio_redis() -> None:
    with pytest.raises(TypeError, match=r"not the sync redis\.Redis"):
        RedisGate(redis.Redis())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"redis\.asyncio\.Redis, got object"):
        RedisGate(object())  # type: ignore[arg-type]


def test_hold_needs_a_gate_key(offline: Redis) -> None:
    with pytest.raises(TypeError, match="GateKey"):
        RedisGate(offline).hold("/v1/openApi/wallet/walletList")  # type: ignore[arg-type]


def test_redis_keys(offline: Redis) -> None:
    gate = RedisGate(offline, key_prefix="app1:")
    assert gate.redis_key(KEY) == f"app1:{{{KEY}}}"
    assert gate.redis_key(KEY) != gate.redis_key(OTHER_KEY)
    other_account = GateKey(KEY.base_url, KEY.customer_id, KEY.app_id + 1, KEY.path)
    assert gate.redis_key(KEY) != gate.redis_key(other_account)


def test_repr_shows_no_connection_details(offline: Redis) -> None:
    text = repr(RedisGate(offline, acquire_timeout=3))
    assert text == "RedisGate(redis=Redis, lease=10, key_prefix='lemft:gate:', acquire_timeout=3.0)"
    assert "pw-not-real" not in text
    assert "127.0.0.1" not in text


def test_hold_refuses_to_run_under_trio(offline: Redis) -> None:
    gate = RedisGate(offline)

    async def main() -> None:
        async with gate.hold(KEY):
            pytest.fail("RedisGate entered under trio")

    with pytest.raises(RuntimeError, match="needs asyncio"):
        anyio.run(main, backend="trio")


@pytest.mark.redis
async def test_a_hold_cannot_be_entered_twice(make_gate: MakeGate) -> None:
    holding = make_gate().hold(KEY)
    async with holding:
        with pytest.raises(RuntimeError, match="already entered"):
            await holding.__aenter__()


@pytest.mark.redis
async def test_gates_with_different_prefixes_are_independent(make_gate: MakeGate) -> None:
    first = make_gate(key_prefix="one:")
    same = make_gate(key_prefix="one:", acquire_timeout=0.2)
    other = make_gate(key_prefix="two:", acquire_timeout=0.2)
    async with first.hold(KEY):
        async with other.hold(KEY):
            pass
        with pytest.raises(GateTimeoutError):
            async with same.hold(KEY):
                pass


def test_gate_errors_pickle() -> None:
    error = GateTimeoutError(key=KEY, timeout=1.5)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is GateTimeoutError
    assert str(copy) == str(error)
    assert (copy.key, copy.path, copy.timeout) == (KEY, KEY.path, 1.5)

    unavailable = GateUnavailableError(key=KEY, cause=OSError("secret-ish detail"))
    assert "secret-ish" not in str(unavailable)
    assert str(pickle.loads(pickle.dumps(unavailable))) == str(unavailable)  # noqa: S301
