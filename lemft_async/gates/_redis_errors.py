"""Errors a gate raises while acquiring a key. None of them means a request was sent.

Kept apart from ``redis.py`` so they can be imported (and caught) without redis installed.
"""

from __future__ import annotations

from typing import Any

from .._errors import LemftError
from .._gate import GateKey

__all__ = ["GateError", "GateTimeoutError", "GateUnavailableError"]


class GateError(LemftError):
    """The gate could not be acquired, so the request was NOT sent (safe to try again)."""

    def __init__(self, message: str, *, key: GateKey) -> None:
        self.key = key
        self.path = key.path
        super().__init__(f"{message} (path={key.path})")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only __init__: rebuild from the rendered message and attributes (pickling
        # across processes, e.g. from a worker pool).
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


class GateTimeoutError(GateError):
    """``acquire_timeout`` passed while other callers held or were queued for the key."""

    def __init__(self, *, key: GateKey, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            f"could not acquire the gate within {timeout:g} s (other calls to this endpoint "
            "held or were queued for it); the request was not sent",
            key=key,
        )


class GateUnavailableError(GateError):
    """The gate's backend (Redis) failed while acquiring; the cause is chained."""

    def __init__(self, *, key: GateKey, cause: BaseException) -> None:
        # The type name only: backend messages may echo connection details.
        super().__init__(
            f"the gate backend failed ({type(cause).__name__}); the request was not sent",
            key=key,
        )


def _rebuild(cls: type[GateError], text: str, state: dict[str, Any]) -> GateError:
    error = cls.__new__(cls)
    Exception.__init__(error, text)
    error.__dict__.update(state)
    return error
