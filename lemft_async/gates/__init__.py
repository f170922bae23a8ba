"""Gates: how calls to one endpoint are serialized.

``LocalGate`` (the default) works within a process; ``RedisGate`` (extra ``redis``)
works across processes and hosts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._gate import Gate, GateKey, LocalGate, NullGate
from ._redis_errors import GateError, GateTimeoutError, GateUnavailableError

if TYPE_CHECKING:
    from .redis import RedisGate

__all__ = [
    "Gate",
    "GateError",
    "GateKey",
    "GateTimeoutError",
    "GateUnavailableError",
    "LocalGate",
    "NullGate",
    "RedisGate",
]


def __getattr__(name: str) -> Any:
    # RedisGate needs the optional redis extra: import it only when asked for.
    if name == "RedisGate":
        from .redis import RedisGate

        return RedisGate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
