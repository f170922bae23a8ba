"""The optional C accelerators (``_scan.c``, ``_fields.c``), each used when it was built.

Each has a pure pydantic-core / Python counterpart that gives the same results.
``LEMFT_NO_EXTENSION=1`` in the environment at import leaves them unused (as it leaves them
unbuilt at install), which is how the test suite checks the counterparts too.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["accelerator"]


def accelerator(name: str) -> ModuleType | None:
    """``lemft_async._core.<name>`` when built and not switched off, else ``None``."""
    if os.environ.get("LEMFT_NO_EXTENSION"):
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:  # built without a C compiler or Python's headers
        return None
