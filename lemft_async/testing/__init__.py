"""Test your own code against the embedded sandboxes (extra ``testing``).

Installing ``lemft-async[testing]`` registers a pytest plugin (entry point ``pytest11``):
with no conftest code, a test can ask for

=====================  ==================================================================
fixture                what it is
=====================  ==================================================================
``lemft_sandbox``      a fresh ``lemft_async.sandbox.Sandbox``
``lemft_client``       an ``AsyncLemft`` wired to it in-process
``payin_sandbox``      a fresh, running ``PayinSandbox`` (settlements and callbacks run)
``payin_client``       an ``AsyncPayin`` wired to it
``keysecure_sandbox``  a fresh ``KeySecureSandbox``
``keysecure_client``   an ``AsyncKeySecure`` wired to it
=====================  ==================================================================

Knobs go in a marker named like the fixture: ``@pytest.mark.lemft_sandbox(latency=0.01,
drop_rate=0.1)``, ``@pytest.mark.lemft_client(max_retries=0)``. The fixtures are async and
work under anyio's pytest plugin (``@pytest.mark.anyio``) and under pytest-asyncio (auto
mode, or ``@pytest.mark.asyncio`` in strict mode).

To sign a test delivery yourself: ``lemft_async.webhooks.sign``,
``lemft_async.payin.sign_notification``, ``lemft_async.keysecure.sign_callback``; or let a
sandbox send it: ``await lemft_sandbox.deliver(event, to=your_asgi_app)``.
"""

FIXTURES = (
    "lemft_sandbox",
    "lemft_client",
    "payin_sandbox",
    "payin_client",
    "keysecure_sandbox",
    "keysecure_client",
)
"""The fixtures (and marker names) the plugin provides."""

__all__ = ["FIXTURES"]
