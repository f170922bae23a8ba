"""Every ``examples/*.py`` with a ``main()`` runs in-process against the sandbox.

Examples starting with ``payin_``, ``keysecure_`` or ``fastapi_`` are run by their owners'
test suites and skipped here (not collected at all).
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import anyio
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OWNED_ELSEWHERE = ("payin_", "keysecure_", "fastapi_")


def _has_main(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "def main(" in text


def _examples() -> list[Path]:
    return sorted(
        path
        for path in EXAMPLES.glob("*.py")
        if not path.name.startswith(OWNED_ELSEWHERE) and _has_main(path)
    )


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sandbox_examples_are_collected() -> None:
    names = {path.name for path in _examples()}
    assert {"quickstart.py", "bulk_issue.py", "reconcile_unknown_outcome.py"} <= names


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem)
def test_example_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = _load(path).main
    if inspect.iscoroutinefunction(main):
        result = anyio.run(main)
    else:
        result = main()
        if inspect.isawaitable(result):

            async def wait() -> object:
                return await result

            result = anyio.run(wait)
    assert result in (None, 0)
    assert capsys.readouterr().out.strip()  # it told the reader something
