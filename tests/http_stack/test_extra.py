"""Without the ``aiohttp`` extra: the SDK imports as before, ``DefaultAioHttpClient()`` says
which extra to install (the pattern of ``tests/test_extras.py``: each case in a subprocess
whose import system blocks the extra's modules)."""

from __future__ import annotations

import pytest

from ..test_extras import IMPORT_CASE, PRELUDE, _run


@pytest.mark.parametrize(
    ("blocked", "package"),
    [
        (["aiohttp"], "lemft_async"),
        (["httpx_aiohttp"], "lemft_async"),
        (["aiohttp", "httpx_aiohttp"], "lemft_async.payin"),
        (["aiohttp"], "lemft_async.keysecure"),
    ],
)
def test_making_the_client_without_the_extra_names_it(blocked: list[str], package: str) -> None:
    statement = f"from {package} import DefaultAioHttpClient; DefaultAioHttpClient()"
    done = _run(IMPORT_CASE.format(blocked=blocked, statement=statement))
    assert done.returncode == 0, done.stderr
    assert "DefaultAioHttpClient needs the 'aiohttp' extra" in done.stdout
    assert "pip install 'lemft-async[aiohttp]'" in done.stdout


def test_importing_the_sdk_never_loads_aiohttp() -> None:
    code = PRELUDE.format(blocked=["aiohttp", "httpx_aiohttp"]) + (
        "import lemft_async, lemft_async.payin, lemft_async.keysecure\n"
        "from lemft_async import DefaultAioHttpClient\n"
        "print(sorted(m for m in sys.modules if 'aiohttp' in m and 'lemft' not in m))\n"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_with_the_extra_the_transport_loads_on_first_use() -> None:
    code = (
        "import sys\n"
        "from lemft_async import DefaultAioHttpClient\n"
        "before = 'aiohttp' in sys.modules\n"
        "http = DefaultAioHttpClient()\n"
        "print(before, 'aiohttp' in sys.modules, type(http._transport).__name__)\n"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "AioHttpTransport"]
