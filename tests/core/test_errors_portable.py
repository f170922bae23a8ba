"""Every exception class of the package survives a ``pickle`` round trip with its fields.

Task queues (arq, Celery) and process pools move exceptions between processes; an error
that cannot be pickled, or loses ``traceid`` on the way, breaks reconciliation there.
The classes are found by walking the package, so a new one cannot be forgotten.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import lemft_async
from lemft_async import APIError, GateKey, OutcomeUnknownError

# Classes whose constructor needs more than a message, with a realistic instance.
_KEY = GateKey("https://api.sandbox.lemft.com", 1, 2, "/v1/openApi/card/order/openCard")
# ``cls`` is Any: each factory calls one family of constructors with its own keywords.
FACTORIES: dict[str, Callable[[Any], BaseException]] = {
    "OutcomeUnknownError": lambda cls: cls(
        "lost",
        operation="orders.open_card",
        path="/v1/openApi/card/order/openCard",
        traceid="t" * 32,
        references={"out_order_id": "o-1"},
        cause=APIError(10005, "system error", "t" * 32, "/p", status_code=200),
    ),
    "APIError": lambda cls: cls(10001, "param error", "t" * 32, "/p", status_code=200),
    "PayinError": lambda cls: cls(
        "签名失败", ret_code="FAIL", err_code="0013", err_des="sign", path="/api", status_code=200
    ),
    "ResponseSignatureError": lambda cls: cls(
        "no sign", path="/api", status_code=200, mch_order_no="M1", payload={"retCode": "SUCCESS"}
    ),
    "WebhookVerificationFailed": lambda cls: cls("stale", "too old", "timestamp"),
    "WebhookPayloadInvalid": lambda cls: cls("invalid_data", "bad", (("data.x", "int"),)),
    "WebhookError": lambda cls: cls("bad", reason="bad_signature"),
    "APIConnectionError": lambda cls: cls("reset", path="/p", traceid="t" * 32),
    "GateTimeoutError": lambda cls: cls(key=_KEY, timeout=1.5),
    "GateUnavailableError": lambda cls: cls(key=_KEY, cause=ConnectionError("down")),
    "GateError": lambda cls: cls("busy", key=_KEY),
}


def _all_exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(lemft_async.__path__, "lemft_async."):
        if ".sandbox" in info.name or info.name.endswith(("cli", "__main__")):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("lemft_async"):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _factory(cls: type[BaseException]) -> Callable[[Any], BaseException]:
    for base in cls.__mro__:
        if base.__name__ in FACTORIES:
            return FACTORIES[base.__name__]
    return lambda c: c("something failed")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, BaseException):
        return type(a) is type(b) and str(a) == str(b) and _fields(a) == _fields(b)
    return bool(a == b)


def _fields(error: BaseException) -> dict[str, Any]:
    return {k: v for k, v in vars(error).items() if not k.startswith("__")}


CLASSES = _all_exception_classes()


def test_the_walk_finds_the_package_errors() -> None:
    names = {c.__name__ for c in CLASSES}
    assert {
        "OutcomeUnknownError",
        "PayinOutcomeUnknownError",
        "KeySecureOutcomeUnknownError",
    } <= names
    assert {"WebhookVerificationError", "GateTimeoutError", "APIResponseTooLargeError"} <= names
    assert len(CLASSES) > 30


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_survives_pickle_with_its_fields(cls: type[BaseException]) -> None:
    error = _factory(cls)(cls)
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(clone) is cls
    assert str(clone) == str(error)
    original, copied = _fields(error), _fields(clone)
    assert original.keys() == copied.keys()
    for key, value in original.items():
        assert _same(value, copied[key]), key


@pytest.mark.parametrize(
    "cls", [c for c in CLASSES if issubclass(c, OutcomeUnknownError)], ids=lambda c: c.__name__
)
def test_every_outcome_unknown_error_keeps_its_traceid_and_references(cls: type[Any]) -> None:
    error = FACTORIES["OutcomeUnknownError"](cls)
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert isinstance(clone, OutcomeUnknownError)
    assert clone.traceid == "t" * 32
    assert clone.references == {"out_order_id": "o-1"}
    assert isinstance(clone.cause, APIError)
    assert clone.cause.code == 10005
