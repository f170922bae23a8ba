"""``RedisDedupStore`` against a real redis-server (tests/redis_server.py fixture)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import anyio
import pytest

from lemft_async.webhooks import CardEvent, Router, WebhookReceiver

from ..core.test_dedup_renewal import run_slow_handler_scenario
from ..core.test_receiver_core import CASES, Case, _delivery, apis
from ..redis_server import RedisServer, require_redis_py
from ._helpers import NOW, SECRET, card_body, signed_headers

require_redis_py()

from redis.asyncio import Redis  # noqa: E402 - after the skip check

from lemft_async.webhooks import RedisDedupStore  # noqa: E402

pytestmark = pytest.mark.redis


@pytest.fixture(params=[False, True], ids=["bytes", "decoded"])
async def redis_client(
    redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url, decode_responses=request.param)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


async def test_claim_states(redis_client: Redis, prefix: str) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    assert await store.claim("k", "t1", 60) == "claimed"
    assert await store.claim("k", "t2", 60) == "in_progress"
    await store.mark_done("k", "t1", 3600)
    assert await store.claim("k", "t3", 60) == "done"


async def test_release_is_token_checked(redis_client: Redis, prefix: str) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    await store.claim("k", "mine", 60)
    await store.release("k", "someone-else")
    assert await store.claim("k", "t2", 60) == "in_progress"
    await store.release("k", "mine")
    assert await redis_client.exists(store.redis_key("k")) == 0
    assert await store.claim("k", "t3", 60) == "claimed"


async def test_lease_and_memory_are_redis_expiries(redis_client: Redis, prefix: str) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    await store.claim("k", "t", 60)
    assert 59_000 < await redis_client.pttl(store.redis_key("k")) <= 60_000
    await store.mark_done("k", "t", 86_400)
    assert 86_399_000 < await redis_client.pttl(store.redis_key("k")) <= 86_400_000


async def test_an_expired_lease_can_be_claimed_again(redis_client: Redis, prefix: str) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    await store.claim("k", "dead-worker", 60)
    await redis_client.pexpire(store.redis_key("k"), 1)  # as if 60 s had passed
    with anyio.fail_after(5):
        while await redis_client.exists(store.redis_key("k")):
            await anyio.sleep(0.005)
    assert await store.claim("k", "t2", 60) == "claimed"


async def test_keys_are_namespaced_by_prefix(redis_client: Redis, prefix: str) -> None:
    first = RedisDedupStore(redis_client, prefix=prefix + "a:")
    second = RedisDedupStore(redis_client, prefix=prefix + "b:")
    assert await first.claim("k", "t", 60) == "claimed"
    assert await second.claim("k", "t", 60) == "claimed"
    assert first.redis_key("k") == f"{prefix}a:k"


async def test_two_workers_sharing_redis_run_the_handler_once(
    redis_client: Redis, prefix: str
) -> None:
    calls: list[str] = []
    started = anyio.Event()
    finish = anyio.Event()

    def worker(name: str) -> WebhookReceiver:
        router = Router()

        @router.on(CardEvent)
        async def handle(event: CardEvent) -> None:
            calls.append(name)
            started.set()
            await finish.wait()

        store = RedisDedupStore(redis_client, prefix=prefix)
        return WebhookReceiver(router, api_key=SECRET, store=store, clock=lambda: NOW)

    a, b = worker("a"), worker("b")
    body = card_body()
    replies = {}

    async def deliver(name: str, receiver: WebhookReceiver) -> None:
        replies[name] = await receiver.handle(body, signed_headers(body))

    async with anyio.create_task_group() as tg:
        tg.start_soon(deliver, "a", a)
        await started.wait()
        await deliver("b", b)
        finish.set()
    assert (replies["a"].reason, replies["b"].reason) == ("ok", "in_progress")
    for _ in range(2):  # later redeliveries reach either worker
        assert (await b.handle(body, signed_headers(body))).reason == "duplicate"
    assert calls == ["a"]


async def test_failed_handler_releases_the_redis_claim(redis_client: Redis, prefix: str) -> None:
    router = Router()
    attempts: list[int] = []

    @router.on(CardEvent)
    async def flaky(event: CardEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")

    store = RedisDedupStore(redis_client, prefix=prefix)
    receiver = WebhookReceiver(router, api_key=SECRET, store=store, clock=lambda: NOW)
    body = card_body()
    assert (await receiver.handle(body, signed_headers(body))).status == 500
    assert (await receiver.handle(body, signed_headers(body))).reason == "ok"
    assert len(attempts) == 2


async def test_from_url_and_repr(redis_server: RedisServer, prefix: str) -> None:
    url = redis_server.url.replace("redis://", "redis://:hunter2-not-real@")
    store = RedisDedupStore.from_url(redis_server.url, prefix=prefix)
    try:
        assert await store.claim("k", "t", 60) == "claimed"
    finally:
        await store.aclose()
    with_password = RedisDedupStore.from_url(url)
    assert "hunter2" not in repr(with_password)
    assert "Redis" in repr(store)
    await with_password.aclose()


async def test_aclose_leaves_a_callers_client_open(redis_client: Redis, prefix: str) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    await store.aclose()
    assert await redis_client.ping()


async def test_an_unexpected_script_answer_is_an_error(
    redis_client: Redis, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)

    async def odd_script(**kwargs: object) -> bytes:
        return b"maybe"

    monkeypatch.setattr(store, "_claim", odd_script)
    with pytest.raises(RuntimeError, match="unexpected claim answer"):
        await store.claim("k", "t", 60)


async def test_prefix_must_be_text(redis_client: Redis) -> None:
    with pytest.raises(TypeError, match="prefix"):
        RedisDedupStore(redis_client, prefix=5)  # type: ignore[arg-type]


async def test_lease_must_be_positive(redis_client: Redis, prefix: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        await RedisDedupStore(redis_client, prefix=prefix).claim("k", "t", 0)


async def test_renew_is_token_checked_and_extends_the_lease(
    redis_client: Redis, prefix: str
) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    assert await store.claim("k", "mine", 1) == "claimed"
    assert await store.renew("k", "other", 60) is False
    assert await redis_client.pttl(store.redis_key("k")) <= 1_000
    assert await store.renew("k", "mine", 60) is True
    assert 59_000 < await redis_client.pttl(store.redis_key("k")) <= 60_000
    await store.mark_done("k", "mine", 3600)
    assert await store.renew("k", "mine", 60) is False  # done is not a claim
    assert await redis_client.pttl(store.redis_key("k")) > 3_000_000
    assert await store.renew("absent", "mine", 60) is False


@apis
async def test_redis_claim_outlives_a_slow_handler(
    make: Callable[..., Case], redis_client: Redis, prefix: str
) -> None:
    store = RedisDedupStore(redis_client, prefix=prefix)
    await run_slow_handler_scenario(make, store)
    keys = [key async for key in redis_client.scan_iter(match=prefix + "*")]
    assert len(keys) == 1
    assert await redis_client.get(keys[0]) in (b"done", "done")  # marked done


@apis
async def test_receivers_namespace_their_keys_in_a_shared_store(
    make: Callable[..., Case], redis_client: Redis
) -> None:
    store = RedisDedupStore(redis_client)
    namespace = {"lemft": "lemft:", "payin": "lemon:", "keysecure": "keysecure:"}
    name = next(n for n, f in CASES.items() if f is make)
    case = make(store=store)
    wire = case.signed(0)
    assert (await case.receiver.handle_delivery(_delivery(wire))).status == 200
    pattern = "lemft-async:dedup:" + namespace[name] + "*"
    keys = [key async for key in redis_client.scan_iter(match=pattern)]
    assert len(keys) == 1
    await redis_client.delete(*keys)


def test_default_prefix_names_no_api() -> None:
    assert RedisDedupStore.__init__.__kwdefaults__ == {"prefix": "lemft-async:dedup:"}
