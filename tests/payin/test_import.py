"""``import lemft_async.payin`` works without starlette; only the sandbox needs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_BLOCK_STARLETTE = textwrap.dedent(
    """
    import sys
    sys.modules["starlette"] = None  # makes any `import starlette...` fail
    import lemft_async.payin as payin
    print(payin.sign({"a": "1"}, "k"))
    try:
        payin.starlette_endpoint(object(), print)
    except ImportError:
        print("endpoint-needs-starlette")
    try:
        import lemft_async.payin.sandbox
    except ImportError:
        print("sandbox-needs-starlette")
    """
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_payin_imports_without_starlette() -> None:
    done = _run(_BLOCK_STARLETTE)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert len(lines[0]) == 32
    assert lines[1:] == ["endpoint-needs-starlette", "sandbox-needs-starlette"]


@pytest.mark.parametrize("module", ["lemft_async.payin", "lemft_async.payin.sandbox"])
def test_modules_import_cleanly(module: str) -> None:
    done = _run(f"import {module}")
    assert done.returncode == 0, done.stderr
