"""Starlette / FastAPI integration, and importing without the optional packages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from starlette.applications import Starlette
from starlette.routing import Mount

from lemft_async import webhooks
from lemft_async.webhooks import ACK_BODY, CardEvent, Router, WebhookReceiver

from ._helpers import NOW, OTHER_SECRET, SECRET, card_body, signed_headers


def make_receiver(**options: object) -> tuple[WebhookReceiver, list[CardEvent]]:
    router = Router()
    seen: list[CardEvent] = []
    router.add(CardEvent, seen.append)
    receiver = WebhookReceiver(router, api_key=SECRET, clock=lambda: NOW, **options)  # type: ignore[arg-type]
    return receiver, seen


async def post(
    app: object, path: str, content: bytes | AsyncIterator[bytes], headers: dict[str, str]
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as http:
        return await http.post(path, content=content, headers=headers)


def fastapi_app(receiver: WebhookReceiver) -> FastAPI:
    app = FastAPI()

    @app.post("/lemft/webhooks")
    async def lemft_webhooks(request: Request) -> Response:
        return await webhooks.handle_starlette(request, receiver)

    return app


async def test_fastapi_route_with_the_helper() -> None:
    receiver, seen = make_receiver()
    body = card_body()
    response = await post(fastapi_app(receiver), "/lemft/webhooks", body, signed_headers(body))
    assert (response.status_code, response.content) == (200, ACK_BODY)
    assert len(seen) == 1
    forged = await post(
        fastapi_app(receiver), "/lemft/webhooks", body, signed_headers(body, secret=OTHER_SECRET)
    )
    assert forged.status_code == 401
    assert forged.json()["message"] == "bad_signature"


async def test_starlette_route_factory() -> None:
    receiver, seen = make_receiver()
    app = Starlette(routes=[webhooks.starlette_route("/hooks", receiver, name="lemft")])
    body = card_body()
    response = await post(app, "/hooks", body, signed_headers(body))
    assert response.content == ACK_BODY
    assert len(seen) == 1
    assert app.url_path_for("lemft") == "/hooks"


async def test_receiver_mounted_as_a_plain_asgi_app() -> None:
    receiver, seen = make_receiver()
    app = Starlette(routes=[Mount("/hooks", app=receiver)])
    body = card_body()
    # Starlette redirects "/hooks" to "/hooks/" for a Mount; senders must use the latter.
    response = await post(app, "/hooks/", body, signed_headers(body))
    assert response.content == ACK_BODY
    assert len(seen) == 1


async def test_helper_enforces_the_body_limit_declared_and_streamed() -> None:
    receiver, seen = make_receiver(max_body_size=64)
    body = card_body()
    declared = await post(fastapi_app(receiver), "/lemft/webhooks", body, signed_headers(body))
    assert declared.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 16):
            yield body[i : i + 16]

    streamed = await post(fastapi_app(receiver), "/lemft/webhooks", chunks(), signed_headers(body))
    assert streamed.status_code == 413
    assert seen == []


async def test_helper_reads_a_streamed_body_within_the_limit() -> None:
    receiver, seen = make_receiver()
    body = card_body()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 16):
            yield body[i : i + 16]

    response = await post(fastapi_app(receiver), "/lemft/webhooks", chunks(), signed_headers(body))
    assert response.status_code == 200
    assert len(seen) == 1


async def test_helper_needs_a_receiver() -> None:
    app = FastAPI()

    @app.post("/x")
    async def endpoint(request: Request) -> Response:
        return await webhooks.handle_starlette(request, Router())  # type: ignore[arg-type]

    with pytest.raises(TypeError, match="WebhookReceiver"):
        await post(app, "/x", b"{}", {})


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_import_works_without_starlette_and_redis() -> None:
    result = _run_python(
        f"""
        import sys
        sys.modules["starlette"] = None  # makes `import starlette` fail
        sys.modules["redis"] = None
        from lemft_async import webhooks
        from lemft_async._signing import compute_signature
        body = b'{{"eventTag":"card.status.active","card_id":"c1"}}'
        signature = compute_signature("k-not-real", body, "{NOW}")
        headers = {{"timestamp": "{NOW}", "signature": signature}}
        event = webhooks.construct_event(body, headers, api_key="k-not-real", now={NOW})
        assert type(event).__name__ == "CardEvent"
        assert "starlette" not in [m for m in sys.modules if sys.modules[m] is not None]
        try:
            webhooks.RedisDedupStore
        except ImportError as exc:
            assert "lemft-async[redis]" in str(exc)
            print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_unknown_module_attribute() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        webhooks.NoSuchThing  # noqa: B018
