"""Telemetry off costs nothing: no observer, no OpenTelemetry import; bad values refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from lemft_async import AsyncLemft
from lemft_async._core._extras import MissingExtraError
from lemft_async._core._telemetry import CallObserver
from lemft_async.sandbox import Sandbox
from lemft_async.telemetry import Instrumentation


async def test_a_plain_client_builds_no_observer(
    lemft_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any) -> None:
        raise AssertionError("an observer was built for an uninstrumented call")

    monkeypatch.setattr(CallObserver, "__init__", forbidden)
    async with lemft_sandbox.client() as client:
        assert client._transport.telemetry is None
        await client.wallets.list()
    async with lemft_sandbox.client(instrument=False, event_hooks={}) as client:
        assert client._transport.telemetry is None
    async with lemft_sandbox.client(event_hooks={"request": [print]}) as client:
        with pytest.raises(AssertionError, match="observer was built"):
            await client.wallets.list()


def test_an_uninstrumented_process_never_imports_opentelemetry() -> None:
    script = textwrap.dedent(
        """
        import sys
        import anyio
        from lemft_async.sandbox import Sandbox

        async def main() -> None:
            async with Sandbox() as sandbox:
                await sandbox.client().wallets.list()

        anyio.run(main)
        print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
        """
    )
    out = subprocess.run(  # noqa: S603 - our interpreter, constant code
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_instrument_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    with pytest.raises(MissingExtraError, match=r"lemft-async\[otel\]"):
        AsyncLemft(
            customer_id=1, app_id=1, key="k", api_key="a", environment="sandbox", instrument=True
        )


@pytest.mark.parametrize("value", ["yes", 1.5, object()])
def test_instrument_of_an_unknown_kind_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="instrument must be"):
        AsyncLemft(
            customer_id=1, app_id=1, key="k", api_key="a", environment="sandbox", instrument=value
        )


def test_a_provider_may_be_passed_directly() -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.trace import TracerProvider

    tracer_provider, meter_provider = TracerProvider(), MeterProvider()
    for value in (
        tracer_provider,
        meter_provider,
        Instrumentation(tracer_provider=tracer_provider),
    ):
        client = AsyncLemft(
            customer_id=1, app_id=1, key="k", api_key="a", environment="sandbox", instrument=value
        )
        assert client._transport.telemetry is not None
        assert client._transport.telemetry.otel is not None
