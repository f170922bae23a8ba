"""The sandbox serves the whole catalogue, and the e2e tests call every method of it."""

from __future__ import annotations

import re
from pathlib import Path

from lemft_async import ENDPOINTS
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox._routes import HANDLERS

CALL = re.compile(r"client\.(\w+)\.(\w+)\(")


def test_every_catalogue_operation_has_a_handler_at_its_path() -> None:
    assert set(HANDLERS) == set(ENDPOINTS)
    assert len(HANDLERS) == 39
    sandbox = Sandbox()
    for name, endpoint in ENDPOINTS.items():
        assert sandbox.core.routes[endpoint.path].operation == name


def test_the_e2e_tests_call_every_method() -> None:
    called: set[str] = set()
    for path in Path(__file__).parent.glob("test_e2e_*.py"):
        called.update(f"{ns}.{method}" for ns, method in CALL.findall(path.read_text()))
    missing = sorted(set(ENDPOINTS) - called)
    assert missing == []
