"""``redis`` is an optional extra: importing the gates must not need it.

Run in a subprocess with ``redis`` made unimportable (``sys.modules['redis'] = None``), so
this test works whether or not redis-py is installed here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = """
import sys
{block}
import lemft_async.gates
from lemft_async.gates import LocalGate
from lemft_async.gates._redis_errors import GateTimeoutError
print("gates ok")
try:
    from lemft_async.gates.redis import RedisGate
except ImportError as exc:
    print("ImportError:", exc)
else:
    print("RedisGate ok")
"""


def _run(block: str) -> str:
    code = textwrap.dedent(SCRIPT.format(block=block))
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_without_redis_the_gates_import_and_redis_gate_says_how_to_install() -> None:
    out = _run("sys.modules['redis'] = None  # as if not installed")
    assert "gates ok" in out
    assert "RedisGate ok" not in out
    assert "ImportError:" in out
    assert "pip install 'lemft-async[redis]'" in out


def test_with_redis_the_gate_imports() -> None:
    try:
        import redis  # noqa: F401
    except ImportError:  # pragma: no cover - the dev extra installs it
        import pytest

        pytest.skip("redis-py not installed")
    out = _run("")
    assert "gates ok" in out
    assert "RedisGate ok" in out
