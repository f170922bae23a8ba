"""Without an extra, its features say which extra to install (never a bare traceback).

Each case runs in a subprocess whose ``sys.meta_path`` blocks the extra's modules, so it
works whether or not they are installed here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import sys
BLOCKED = {blocked!r}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in BLOCKED:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
"""

IMPORT_CASE = (
    PRELUDE
    + """
try:
    {statement}
except ImportError as exc:
    print('ImportError:', exc)
else:
    print('imported')
"""
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our interpreter, constant code
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("blocked", "statement", "extra"),
    [
        (["starlette", "uvicorn"], "import lemft_async.sandbox", "sandbox"),
        (["starlette", "uvicorn"], "import lemft_async.payin.sandbox", "sandbox"),
        (["starlette", "uvicorn"], "import lemft_async.keysecure.sandbox", "sandbox"),
        (["redis"], "from lemft_async.gates import RedisGate", "redis"),
        (["redis"], "from lemft_async.webhooks import RedisDedupStore", "redis"),
        (
            ["uvicorn"],
            "from lemft_async.sandbox.serve import _server; _server(None, 'error')",
            "sandbox",
        ),
    ],
)
def test_missing_extra_names_the_extra(blocked: list[str], statement: str, extra: str) -> None:
    done = _run(IMPORT_CASE.format(blocked=blocked, statement=statement))
    assert done.returncode == 0, done.stderr
    assert f"needs the '{extra}' extra: pip install 'lemft-async[{extra}]'" in done.stdout


def test_the_sdk_itself_needs_no_extra() -> None:
    code = PRELUDE.format(blocked=["starlette", "uvicorn", "redis", "rich"]) + (
        "import lemft_async, lemft_async.gates, lemft_async.webhooks, lemft_async.cli\n"
        "import lemft_async.payin, lemft_async.keysecure\n"
        "print('ok')\n"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


CLI_CASE = (
    PRELUDE
    + """
from lemft_async.cli import main
sys.exit(main({argv!r}))
"""
)


@pytest.mark.parametrize(
    ("blocked", "argv", "extra"),
    [
        (["rich"], ["demo", "--cards", "2", "--latency", "0"], "cli"),
        (["uvicorn"], ["sandbox", "serve", "--port", "0"], "sandbox"),
        (["starlette"], ["demo", "--cards", "2", "--latency", "0", "--json"], "sandbox"),
        (["rich"], ["wallets", "list"], "cli"),
        (["rich"], ["orders", "get", "ord_x"], "cli"),
    ],
)
def test_cli_without_an_extra_exits_2_naming_it(
    blocked: list[str], argv: list[str], extra: str
) -> None:
    done = _run(CLI_CASE.format(blocked=blocked, argv=argv))
    assert done.returncode == 2, done.stderr
    assert f"pip install 'lemft-async[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_json_works_without_rich() -> None:
    argv = ["demo", "--cards", "3", "--latency", "0", "--json"]
    done = _run(CLI_CASE.format(blocked=["rich"], argv=argv))
    assert done.returncode == 0, done.stderr
    assert '"issued": 3' in done.stdout
