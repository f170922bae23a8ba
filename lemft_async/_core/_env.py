"""Constructor arguments from the environment, the same rule for every client.

An argument that is omitted (``None``) is read from its variable (``LEMFT_KEY``,
``PAYIN_SECRET``, ``KEYSECURE_API_KEY``...); a keyword argument always wins. A required
value found nowhere is one ``ValueError`` naming every missing variable. The target host
follows the same rule: ``environment=`` / ``base_url=``, else ``<PREFIX>_ENVIRONMENT`` /
``<PREFIX>_BASE_URL``; both at once (in either place) is an error. Error messages name
variables, never their values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["EnvOption", "from_environment"]


@dataclass(frozen=True)
class EnvOption:
    """One constructor argument that may come from the environment."""

    argument: str
    variable: str
    required: bool = True


def from_environment(
    given: Mapping[str, Any],
    options: tuple[EnvOption, ...],
    *,
    prefix: str,
    environ: Mapping[str, str] | None = None,
    host: bool = True,
) -> dict[str, Any]:
    """``given`` with each omitted (``None``) option filled from its variable.

    With ``host``, ``environment``/``base_url`` are resolved too: given ones win; if
    neither is given, ``<prefix>_ENVIRONMENT`` or ``<prefix>_BASE_URL`` is used (not both).
    """
    env = os.environ if environ is None else environ
    resolved = dict(given)
    missing: list[EnvOption] = []
    for option in options:
        if resolved.get(option.argument) is not None:
            continue
        value = env.get(option.variable)
        if value:
            resolved[option.argument] = value
        elif option.required:
            missing.append(option)
    if missing:
        arguments = ", ".join(f"{o.argument}=" for o in missing)
        variables = ", ".join(o.variable for o in missing)
        raise ValueError(f"missing configuration: pass {arguments} or set {variables}")
    if host and resolved.get("environment") is None and resolved.get("base_url") is None:
        environment = env.get(f"{prefix}_ENVIRONMENT")
        base_url = env.get(f"{prefix}_BASE_URL")
        if environment and base_url:
            raise ValueError(f"set {prefix}_ENVIRONMENT or {prefix}_BASE_URL, not both")
        if environment:
            resolved["environment"] = environment
        elif base_url:
            resolved["base_url"] = base_url
    return resolved
