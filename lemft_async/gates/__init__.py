"""Gates: how calls to one endpoint are serialized.

``LocalGate`` (the default) works within a process; ``RedisGate`` (extra ``redis``)
works across processes and hosts.
"""

from .._gate import Gate, GateKey, LocalGate, NullGate

__all__ = ["Gate", "GateKey", "LocalGate", "NullGate"]
