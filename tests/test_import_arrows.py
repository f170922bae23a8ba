"""The import arrows of ARCHITECTURE §2: one core, three peers, independent sandboxes.

Read from the source (every ``import`` statement, at any depth, including those inside
functions), so a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lemft_async"
SANDBOXES = ("sandbox", "payin/sandbox", "keysecure/sandbox")
# The SDK's own tables and checks a sandbox must not borrow: it is a second implementation.
SDK_TABLES = (
    "lemft_async._endpoints",
    "lemft_async._resource",
    "lemft_async._config",
    "lemft_async._core._endpoint",
    "lemft_async._core._checks",
    "lemft_async.payin._endpoints",
    "lemft_async.payin._validation",
    "lemft_async.payin._client",
    "lemft_async.keysecure._endpoints",
    "lemft_async.keysecure._params",
    "lemft_async.keysecure._config",
)
# Public modules a peer may use (their errors and helpers are documented there).
PUBLIC = ("lemft_async.webhooks",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of every module ``path`` imports from inside the package."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
            found.extend(n for n in names if n.startswith("lemft_async"))
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith("lemft_async"))
    return found


def _files(under: str = "") -> list[Path]:
    return sorted((PACKAGE / under).rglob("*.py"))


def _in(path: Path, *folders: str) -> bool:
    rel = path.relative_to(PACKAGE).as_posix()
    return any(rel.startswith(folder + "/") for folder in folders)


def _is_module(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _is_public(name: str, module: str) -> bool:
    # ``lemft_async.webhooks`` and its public names, not its private modules.
    return _is_module(name, module) and not any(
        part.startswith("_") for part in name[len(module) :].split(".")
    )


@pytest.mark.parametrize("peer", ["payin", "keysecure"])
def test_peers_import_only_the_core_themselves_and_public_names(peer: str) -> None:
    bad = []
    for path in _files(peer):
        if _in(path, f"{peer}/sandbox"):
            continue
        for name in _imports(path):
            allowed = (
                _is_module(name, f"lemft_async.{peer}")
                or _is_module(name, "lemft_async._core")
                or any(_is_public(name, p) for p in PUBLIC)
            )
            if not allowed:
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert bad == []


def test_the_core_knows_no_particular_api() -> None:
    bad = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _files("_core")
        for name in _imports(path)
        if not (_is_module(name, "lemft_async._core") or name.startswith("lemft_async._version"))
    ]
    assert bad == []


def test_no_sandbox_imports_an_sdk_catalogue_or_validator() -> None:
    bad = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for folder in SANDBOXES
        for path in _files(folder)
        for name in _imports(path)
        if any(_is_module(name, table) for table in SDK_TABLES)
    ]
    assert bad == []


def test_nothing_in_the_sdk_imports_a_sandbox() -> None:
    # The CLI (`lemft demo`, `lemft sandbox serve`) and the pytest plugin of the `testing`
    # extra are the front ends whose job is to run a sandbox; both import it lazily.
    sandbox_modules = tuple(f"lemft_async.{f.replace('/', '.')}" for f in SANDBOXES)
    bad = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _files()
        if not _in(path, *SANDBOXES, "testing") and path.name != "cli.py"
        for name in _imports(path)
        if any(_is_module(name, s) for s in sandbox_modules)
    ]
    assert bad == []


def test_the_checker_sees_relative_and_lazy_imports() -> None:
    # The rules above are only as good as _imports: it must resolve what they rely on.
    cli = _imports(PACKAGE / "cli.py")
    assert "lemft_async.sandbox" in cli or any(n.startswith("lemft_async.sandbox.") for n in cli)
    client = _imports(PACKAGE / "payin" / "_client.py")
    assert any(_is_module(n, "lemft_async._core") for n in client)
