"""Synchronous twins of the async clients, written once for all three.

A sync client is its async twin running on a background loop (``LoopThread``): the same
namespaces, methods, models and errors, every call one coroutine of the async client. So
nothing is implemented twice: gate, retries, the unknown-outcome rule, pool and token
cache are the async client's own, shared by every thread that uses the sync client.

A sync namespace lists its methods with the descriptors below, each taking the async
method it mirrors; the descriptor gives the sync method the same parameters (ParamSpec)
and the awaited result type, so type checkers see exact signatures:

    class Orders(SyncResource):
        open_card = blocking(AsyncOrders.open_card)     # -> Order
        list = paged(AsyncOrders.list)                  # -> SyncPaginator[Order]
"""

from __future__ import annotations

import functools
import inspect
import types
import weakref
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import TracebackType
from typing import Any, ClassVar, Concatenate, Generic, TypeVar, cast, overload

import httpx
from typing_extensions import ParamSpec, Self

from ._client import BaseClient
from ._pagination import BasePaginator
from ._portal import LoopThread
from ._raw import RawResponse, to_raw
from ._sync_pages import SyncPage, SyncPaginator

__all__ = [
    "SyncClient",
    "SyncResource",
    "blocking",
    "copying",
    "direct",
    "mirrors_init",
    "namespace",
    "paged",
    "raw",
    "raw_namespace",
    "raw_paged",
]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A", bound=BaseClient)
S = TypeVar("S", bound="SyncClient[Any]")


class _Twin:
    """What a descriptor needs of its owner: the async object and the loop it runs on."""

    _async: Any
    _loop: LoopThread


class SyncResource(_Twin):
    """A sync namespace: its methods run the async namespace's on the client's loop.

    It keeps its client alive (``orders = Lemft.from_env().orders`` must go on working:
    a collected client would stop the loop)."""

    def __init__(self, target: Any, loop: LoopThread, owner: object = None) -> None:
        self._async = target
        self._loop = loop
        self._owner = owner

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._async!r}>"


class _OnTheClass:
    """What a twin descriptor shows when read on the class (help(), inspect.signature)."""

    _method: Callable[..., Any]
    __signature__: inspect.Signature

    def __repr__(self) -> str:
        return f"<sync twin of {self._method.__qualname__}{self.__signature__}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Callable only so that inspect and help() show the signature on the class.
        raise TypeError(f"{self._method.__qualname__}'s twin is called on a client instance")


class _Mirror(_OnTheClass, Generic[P, T]):
    """Base of the method descriptors: builds the bound sync method once per instance."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self._method = method
        self._name = getattr(method, "__name__", "method")
        self.__doc__ = method.__doc__
        # Read on the class too: help(Lemft.orders) and inspect.signature(Orders.open_card).
        self.__signature__ = _without_self(method)

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, obj: _Twin, owner: type[Any] | None = None) -> Callable[P, T]: ...
    def __get__(self, obj: _Twin | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        bound = self._bind(obj, types.MethodType(self._method, obj._async))
        functools.update_wrapper(bound, self._method)
        bound.__qualname__ = f"{type(obj).__name__}.{self._name}"
        bound.__signature__ = _without_self(self._method)  # type: ignore[attr-defined]
        obj.__dict__[self._name] = bound  # later lookups skip the descriptor
        return bound

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        raise NotImplementedError


class blocking(_Mirror[P, T]):
    """An async method, blocking until its result."""

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        super().__init__(method)

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            # Through ``obj``: a method kept alone keeps its namespace and client alive.
            return obj._loop.call(functools.partial(method, *args, **kwargs))

        return call


class direct(_Mirror[P, T]):
    """A method that is synchronous already (verifying a callback): called as it is."""

    def __init__(self, method: Callable[Concatenate[Any, P], T]) -> None:
        super().__init__(method)

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        return call


class paged(_Mirror[P, SyncPaginator[T]]):
    """A list method: its arguments are checked at once, pages fetched when read."""

    def __init__(self, method: Callable[Concatenate[Any, P], BasePaginator[T, Any]]) -> None:
        super().__init__(method)

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return SyncPaginator(obj._loop, method(*args, **kwargs), owner=obj)

        return call


class raw(_Mirror[P, RawResponse[T]]):
    """``with_raw_response`` of an async method."""

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        super().__init__(method)

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        method = to_raw(method)

        def call(*args: Any, **kwargs: Any) -> Any:
            return obj._loop.call(functools.partial(method, *args, **kwargs))

        return call


class raw_paged(_Mirror[P, RawResponse[SyncPage[T]]]):
    """``with_raw_response`` of a list method: the requested page, as a ``SyncPage``."""

    def __init__(self, method: Callable[Concatenate[Any, P], BasePaginator[T, Any]]) -> None:
        super().__init__(method)

    def _bind(self, obj: _Twin, method: Callable[..., Any]) -> Callable[..., Any]:
        fetch = to_raw(_awaited(method))

        def call(*args: Any, **kwargs: Any) -> Any:
            loop = obj._loop
            answer: RawResponse[Any] = loop.call(functools.partial(fetch, *args, **kwargs))
            return RawResponse(
                status_code=answer.status_code,
                headers=answer.headers,
                traceid=answer.traceid,
                retries_taken=answer.retries_taken,
                elapsed=answer.elapsed,
                parsed=SyncPage(loop, answer.parse(), owner=obj),
            )

        return call


def _awaited(method: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def fetch(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)

    return fetch


def _without_self(method: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(method)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


class namespace(Generic[R]):
    """A sync namespace over the async client's namespace of the same name."""

    def __init__(self, cls: Callable[[Any, LoopThread, object], R]) -> None:
        self._cls = cls
        self._name = ""
        self.__doc__ = getattr(cls, "__doc__", None)

    def __repr__(self) -> str:
        return f"<namespace {getattr(self._cls, '__name__', self._cls)!r}>"

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, obj: _Twin, owner: type[Any] | None = None) -> R: ...
    def __get__(self, obj: _Twin | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        value = self._cls(self._target(obj), obj._loop, obj)
        obj.__dict__[self._name] = value
        return value

    def _target(self, obj: _Twin) -> Any:
        return getattr(obj._async, self._name)


class raw_namespace(namespace[R]):
    """``with_raw_response``: the same async object, its methods returning ``RawResponse``."""

    def _target(self, obj: _Twin) -> Any:
        return obj._async


class copying(_OnTheClass, Generic[P]):
    """``with_options``: the async copy, wrapped as a sync client on the same loop."""

    def __init__(self, method: Callable[Concatenate[Any, P], Any]) -> None:
        self._method = method
        self.__doc__ = method.__doc__
        self.__signature__ = _without_self(method)

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, obj: S, owner: type[Any] | None = None) -> Callable[P, S]: ...
    def __get__(self, obj: S | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        method = self._method

        @functools.wraps(method)
        def with_options(*args: Any, **kwargs: Any) -> Any:
            return obj._copy(method(obj._async, *args, **kwargs))

        with_options.__signature__ = _without_self(method)  # type: ignore[attr-defined]
        return with_options


def mirrors_init(
    init: Callable[Concatenate[Any, P], None],
) -> Callable[[Callable[..., None]], Callable[Concatenate[Any, P], None]]:
    """Give a sync client's ``__init__`` the parameters of its async twin's."""

    def decorate(function: Callable[..., None]) -> Callable[Concatenate[Any, P], None]:
        function.__signature__ = inspect.signature(init)  # type: ignore[attr-defined]
        function.__doc__ = function.__doc__ or init.__doc__
        return function

    return decorate


class SyncClient(_Twin, Generic[A]):
    """The blocking twin of an async client: a context manager with ``close()``.

    The async client is built on the background loop, by the same constructor with the
    same arguments (and so the same environment variables and errors).
    """

    _async_class: ClassVar[type[BaseClient]]
    _async: A
    _origin: SyncClient[A] | None
    _finalizer: weakref.finalize[Any, Any] | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._start(functools.partial(self._async_class, *args, **kwargs))

    @classmethod
    def from_async(cls, factory: Callable[[], A]) -> Self:
        """The sync twin of the async client ``factory()`` builds on the background loop,
        e.g. ``Lemft.from_async(sandbox.client)``."""
        client = object.__new__(cls)
        client._start(factory)
        return client

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """The client with every omitted argument read from its environment variables."""
        return cls(**overrides)

    def _start(self, factory: Callable[[], Any]) -> None:
        if not callable(factory):
            raise TypeError(
                f"from_async() takes a function that builds the {self._async_class.__name__} "
                f"(e.g. sandbox.client, without calling it), got {type(factory).__name__}"
            )
        loop = LoopThread(type(self).__name__)
        try:
            client = loop.call(factory)
            if not isinstance(client, self._async_class):
                aclose = getattr(client, "aclose", None)
                if aclose is not None:  # built by the factory: ours to close
                    loop.call(aclose)
                raise TypeError(
                    f"from_async(): the factory built {type(client).__name__}, "
                    f"not {self._async_class.__name__}"
                )
        except BaseException:
            loop.stop()
            raise
        self._loop, self._async, self._origin = loop, cast(A, client), None
        loop.at_close(client.aclose)
        # A client dropped without close() still closes its pool and ends its thread.
        self._finalizer = weakref.finalize(self, loop.stop)

    def _copy(self, async_copy: A) -> Self:
        clone = object.__new__(type(self))
        clone._loop, clone._async, clone._finalizer = self._loop, async_copy, None
        clone._origin = self  # keeps the owner (and so the loop) alive while the copy is
        return clone

    @property
    def async_client(self) -> A:
        """The async client this one runs (for code that is async after all)."""
        return self._async

    @property
    def base_url(self) -> str:
        """The API's base URL (scheme and host lower case, no trailing slash)."""
        return self._async.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-request timeout."""
        return self._async.timeout

    @property
    def max_retries(self) -> int:
        """How many times a retryable failure is retried."""
        return self._async.max_retries

    def on_loop(self, manager: AbstractAsyncContextManager[T]) -> AbstractContextManager[T]:
        """An async context manager entered on this client's event loop, where its tasks
        must run: ``with payin.on_loop(PayinSandbox()) as sandbox: ...``."""
        return self._loop.enter(manager)

    def close(self) -> None:
        """Close the client: its pool (if it created it) and, for the original (not a
        ``with_options`` copy), its background loop, once the calls in flight finish."""
        if self._finalizer is not None:
            self._finalizer()  # stops the loop once: calls in flight finish, then aclose()
        elif not self._loop.stopped:
            self._loop.call(self._async.aclose)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._async!r})"
