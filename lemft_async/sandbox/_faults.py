"""Fault injection: random (seeded) and one-shot faults, and where each one strikes.

- ``latency`` (app): every admitted request is held this long while in flight.
- ``error`` (app): answer 10005; the state change was applied first with probability
  ``error_applied_rate`` (default 0.5), so both sides of an unknown outcome occur.
- ``slow`` (app): commit, then wait ``slow_seconds`` before answering.
- ``malformed`` (app): commit, then answer HTTP 200 with a truncated body.
- ``drop`` (in-process transport; served: the app): commit, then lose the answer
  (``httpx.RemoteProtocolError``; served, the response is aborted after its headers).
- ``connect_fail`` (in-process transport): ``httpx.ConnectError``, nothing was sent.

Random faults roll the sandbox's seeded RNG only for knobs that are on, so turning one
knob on does not change when another strikes. ``inject()`` queues deterministic one-shot
faults, which win over the random ones.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field

from ._credentials import check_rate, check_seconds

__all__ = ["FAULT_KINDS", "FaultConfig", "Faults"]

FAULT_KINDS = ("error", "drop", "connect_fail", "slow", "malformed")


@dataclass
class FaultConfig:
    """The knobs; change them at any time (``sandbox.faults.config.error_rate = 0.1``)."""

    latency: float = 0.0
    error_rate: float = 0.0
    error_applied_rate: float = 0.5
    drop_rate: float = 0.0
    connect_fail_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    malformed_rate: float = 0.0
    paths: frozenset[str] | None = None
    """Paths the *random* faults (not latency) apply to; ``None`` = every path."""

    def __post_init__(self) -> None:
        for name in ("latency", "slow_seconds"):
            check_seconds(name, getattr(self, name))
        for name in ("error_rate", "error_applied_rate", "drop_rate", "connect_fail_rate"):
            check_rate(name, getattr(self, name))
        check_rate("slow_rate", self.slow_rate)
        check_rate("malformed_rate", self.malformed_rate)

    def rate(self, kind: str) -> float:
        value: float = getattr(self, f"{kind}_rate")
        return value


@dataclass
class _Shot:
    kind: str
    path: str | None
    applied: bool | None


@dataclass
class Faults:
    """Decides, per request, which fault (if any) strikes."""

    config: FaultConfig
    rng: random.Random
    _shots: list[_Shot] = field(default_factory=list)

    def inject(
        self, kind: str, *, path: str | None = None, count: int = 1, applied: bool | None = None
    ) -> None:
        """Queue ``count`` one-shot faults of ``kind`` for ``path`` (any path when None)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, got {kind!r}")
        if count < 1:
            raise ValueError("count must be >= 1")
        self._shots.extend(_Shot(kind, path, applied) for _ in range(count))

    @property
    def queued(self) -> int:
        return len(self._shots)

    def _take(self, kind: str, path: str) -> _Shot | None:
        for index, shot in enumerate(self._shots):
            if shot.kind == kind and (shot.path is None or shot.path == path):
                return self._shots.pop(index)
        return None

    def strikes(self, kind: str, path: str) -> bool:
        """True if a ``kind`` fault hits this request (one-shot first, then the rate)."""
        if self._shots and self._take(kind, path) is not None:
            return True
        rate = self.config.rate(kind)
        if rate <= 0:
            return False
        if self.config.paths is not None and path not in self.config.paths:
            return False
        return self.rng.random() < rate

    def error(self, path: str) -> bool | None:
        """``None`` if no 10005 fault; else whether the state change is applied first."""
        if self._shots:
            shot = self._take("error", path)
            if shot is not None:
                if shot.applied is not None:
                    return shot.applied
                return self.rng.random() < self.config.error_applied_rate
        rate = self.config.error_rate
        if rate <= 0 or (self.config.paths is not None and path not in self.config.paths):
            return None
        if self.rng.random() >= rate:
            return None
        return self.rng.random() < self.config.error_applied_rate


def resolve_fault_paths(
    targets: Collection[str] | None, operations: dict[str, str]
) -> frozenset[str] | None:
    """Operation names (``"orders.open_card"``) or paths -> the set of paths."""
    if targets is None:
        return None
    paths = set()
    for target in targets:
        if target.startswith("/"):
            paths.add(target)
        elif target in operations:
            paths.add(operations[target])
        else:
            raise ValueError(f"unknown operation {target!r} in fault_operations")
    return frozenset(paths)
