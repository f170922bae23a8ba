"""The examples use public names only: what they show, a user can write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


def _private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found += [
            n
            for n in names
            if n.startswith("lemft_async") and any(p.startswith("_") for p in n.split("."))
        ]
    return found


def test_the_checker_finds_a_private_import() -> None:
    source = "from lemft_async._signing import compute_signature\nimport lemft_async._core\n"
    assert _private_imports(source) == [
        "lemft_async._signing",
        "lemft_async._signing.compute_signature",
        "lemft_async._core",
    ]
    assert _private_imports("from lemft_async import webhooks\n") == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_example_imports_a_private_module(path: Path) -> None:
    assert _private_imports(path.read_text(encoding="utf-8")) == []
