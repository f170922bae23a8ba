"""Optional extras: one error that says which extra to install.

``require_extra("the sandbox", "sandbox", "starlette")`` raises ``MissingExtraError``
(an ``ImportError``) naming the extra and the ``pip`` line when a module of that extra
cannot be found. It only *looks* for the modules (``importlib.util.find_spec``), so it
imports nothing itself and can run at import time of a module that loads the extra lazily.
"""

from __future__ import annotations

import importlib.util

__all__ = ["MissingExtraError", "missing_extra", "require_extra"]


class MissingExtraError(ImportError):
    """An optional dependency is missing; the message names the extra to install."""


def missing_extra(what: str, extra: str, module: str) -> MissingExtraError:
    """The error for ``what`` needing ``extra`` (``module`` is the one not found)."""
    return MissingExtraError(
        f"{what} needs the {extra!r} extra: pip install 'lemft-async[{extra}]' "
        f"(module {module!r} is not installed)",
        name=module,
    )


def _found(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # blocked, or sys.modules[module] is None
        return False


def require_extra(what: str, extra: str, *modules: str) -> None:
    """Raise ``MissingExtraError`` unless every one of ``modules`` can be imported."""
    for module in modules:
        if not _found(module):
            raise missing_extra(what, extra, module)
