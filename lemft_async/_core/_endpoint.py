"""The endpoint type every catalogue is made of, ``path_overrides``, and path parameters.

Each API keeps its own table of endpoints (LEMFT's ``lemft_async._endpoints``, Payin's and
KeySecure's in their packages); this module knows no particular API.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar
from urllib.parse import quote

__all__ = [
    "Endpoint",
    "Method",
    "OperationKind",
    "build_path",
    "check_path_value",
    "check_request_path",
    "is_safe_path",
    "resolve_paths",
]

OperationKind = Literal["read", "write"]
Method = Literal["GET", "POST"]

E = TypeVar("E", bound="Endpoint")


@dataclass(frozen=True)
class Endpoint:
    """One operation of an API: where it lives and whether it changes state.

    ``kind`` drives retries: a ``read`` may be re-sent after an unknown outcome; a
    ``write`` never is (it raises ``OutcomeUnknownError``), because the server may have
    acted.
    """

    name: str
    """``namespace.method`` as called on the client, e.g. ``"cards.freeze"``."""
    path: str
    """Absolute path, version included; ``{name}`` marks a path parameter."""
    kind: OperationKind
    method: Method = "POST"
    documented: bool = False
    """True only where the path was read from the docs; False means inferred."""
    title: str = ""
    """The docs' title of the operation."""
    list_key: str | None = None
    """For list operations: the payload field holding the items (inferred unless documented)."""
    paginated: bool = False
    """True for page-numbered lists (methods return a paginator)."""
    auth: bool = True
    """False for the one call that fetches a credential (KeySecure's Get Token)."""

    @property
    def path_params(self) -> tuple[str, ...]:
        """The names of the path's ``{placeholders}``, in order."""
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.path) if name is not None
        )


def is_safe_path(path: object, *, encoded: bool = False) -> bool:
    """An absolute URL path httpx sends as written: no ``.``/``..`` segment (httpx would
    collapse it onto another endpoint), no query, fragment, ``%``, ``\\``, whitespace or
    control characters. ``{placeholders}`` are allowed (templates)."""
    return (
        isinstance(path, str)
        and path.startswith("/")
        and not any(c in path for c in ("?#\\" if encoded else "?#\\%"))
        and not any(c.isspace() or not c.isprintable() for c in path)
        and not any(part in (".", "..") for part in path.split("/"))
    )


def check_request_path(path: object) -> str:
    """A path given to a client's raw ``request()``: safe (see ``is_safe_path``), no template."""
    if not is_safe_path(path) or "{" in str(path) or "}" in str(path):
        raise ValueError(
            f"path must be an absolute path without '.'/'..' segments, query, fragment, "
            f"'%', '\\', braces, whitespace or control characters, got {path!r}"
        )
    return str(path)


def resolve_paths(
    table: Mapping[str, E],
    overrides: Mapping[str, str] | None,
    *,
    example: str,
    method_overrides: Mapping[str, str] | None = None,
) -> dict[str, E]:
    """``table`` with ``path_overrides`` (and ``method_overrides``) applied.

    Unknown operation names, anything but an absolute path (no query, no fragment, no
    ``..``), and a template with other placeholders than the original are refused;
    ``example`` shows the API's path style in the message.
    """
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError(f"path_overrides must be a mapping, got {type(overrides).__name__}")
    resolved = dict(table)
    for name, path in (overrides or {}).items():
        if name not in resolved:
            known = ", ".join(sorted(resolved))
            raise ValueError(
                f"path_overrides: unknown operation {name!r}; known operations: {known}"
            )
        if not is_safe_path(path):
            raise ValueError(
                f"path_overrides[{name!r}] must be an absolute path such as {example!r}, "
                f"got {path!r}"
            )
        if not _plain_placeholders(path):
            raise ValueError(
                f"path_overrides[{name!r}]: placeholders must be plain {{name}} (no format "
                f"spec, conversion, attribute or index), got {path!r}"
            )
        new = dataclasses.replace(resolved[name], path=path)
        if sorted(new.path_params) != sorted(resolved[name].path_params):
            raise ValueError(
                f"path_overrides[{name!r}] must use the placeholders "
                f"{sorted(resolved[name].path_params)}, got {sorted(new.path_params)}"
            )
        resolved[name] = new
    if method_overrides is not None and not isinstance(method_overrides, Mapping):
        raise TypeError(
            f"method_overrides must be a mapping, got {type(method_overrides).__name__}"
        )
    for name, method in (method_overrides or {}).items():
        if name not in resolved:
            raise ValueError(f"method_overrides: unknown operation {name!r}")
        checked: Method
        if method == "GET":
            checked = "GET"
        elif method == "POST":
            checked = "POST"
        else:
            raise ValueError(f"method_overrides[{name!r}] must be 'GET' or 'POST', got {method!r}")
        resolved[name] = dataclasses.replace(resolved[name], method=checked)
    return resolved


def _plain_placeholders(path: str) -> bool:
    try:
        fields = list(string.Formatter().parse(path))
    except ValueError:  # unbalanced braces
        return False
    return all(
        not spec and conversion is None and name.isidentifier()
        for _, name, spec, conversion in fields
        if name is not None
    )


_FORBIDDEN_IN_SEGMENT = frozenset("/\\?#%")


def check_path_value(name: str, value: object) -> str:
    """A value that goes into a URL path, as one segment; refused before any request.

    httpx collapses ``.`` and ``..`` segments, so ``client_token("..")`` would call another
    endpoint with our credentials. Empty values, ``.``/``..``, separators (``/``, ``\\``),
    ``?``, ``#``, ``%``, whitespace and control characters are ``ValueError``.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    text = str(value)
    if not text or text in (".", ".."):
        raise ValueError(f"{name} must be a non-empty identifier, got {text!r}")
    if any(c in _FORBIDDEN_IN_SEGMENT or c.isspace() or not c.isprintable() for c in text):
        raise ValueError(
            f"{name} must not contain '/', '\\', '?', '#', '%', whitespace or control characters"
        )
    return text


def build_path(endpoint: Endpoint, params: Mapping[str, object]) -> str:
    """Fill the endpoint's path template; each value is checked and encoded as one segment."""
    missing = [p for p in endpoint.path_params if p not in params]
    if missing:
        raise ValueError(f"{endpoint.name}: missing path parameter(s) {', '.join(missing)}")
    values = {k: quote(check_path_value(k, v), safe="") for k, v in params.items()}
    path = endpoint.path.format(**values)
    # A second guard: the filled path (its values percent-encoded) is still one safe path.
    if not is_safe_path(path, encoded=True):
        raise ValueError(f"{endpoint.name}: the filled path is not a safe path")
    return path
