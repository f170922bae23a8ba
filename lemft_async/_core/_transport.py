"""The transport base class: ``call()`` owns the attempt loop every client shares.

One logical call is ``(prepare -> send -> decode -> parse) x attempts``. Each API supplies
what is its own by overriding methods: ``hold`` (what an attempt waits for: LEMFT's
endpoint gate), ``send`` (build, sign and send one attempt),
``decode`` (its envelope), ``classify`` (its business codes, then ``classify_http``),
``recover`` (LEMFT's clock re-sync, KeySecure's token refresh) and ``prepare``. What holds
for every client is written here, once:

- only what the table calls retryable is retried, at most ``max_retries`` times, after the
  server's ``Retry-After`` or a full-jitter backoff;
- a write whose outcome is unknown (the request may have arrived) is never re-sent: it
  raises the API's ``OutcomeUnknownError`` with ``traceid``, operation, path and the
  references to reconcile with;
- a write the server accepted whose answer does not fit its model is such an unknown
  outcome too (the answer is parsed inside the attempt, so the rule cannot be skipped);
- an answer that breaks the decoder is an unreadable answer, never a raw exception;
- errors are never chained to httpx exceptions (their ``.request`` holds the signed body);
  an ``APIError`` carries the answer's ``headers`` and the call's ``traceid``;
- the per-call ``headers`` (``default_headers``/``extra_headers``) go after the API's own,
  and a ``with_raw_response`` capture (``_raw``) records the finished call;
- a client built with ``instrument=``/``event_hooks=`` has a ``telemetry``: each step tells
  the call's observer (``_telemetry``). Without, ``call.observer`` is ``None`` and each
  step pays one ``if``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, TypeVar

import anyio
import httpx
from pydantic import ValidationError
from typing_extensions import NotRequired, Unpack

from ._call import NO_REFERENCES, Call
from ._calllog import CallLog
from ._checks import check_max_response_bytes
from ._clock import Clock
from ._endpoint import Endpoint
from ._errors import APIError, APIResponseValidationError, LemftError, OutcomeUnknownError
from ._exchange import DEFAULT_MAX_RESPONSE_BYTES, exchange
from ._http_errors import as_sdk_error
from ._logging import logger
from ._onepass import OnePass
from ._options import FRAMING_HEADERS
from ._raw import hide_capture, restore_capture
from ._redact import scrub
from ._retry import Disposition, RetryPolicy, classify_http

if TYPE_CHECKING:
    from ._telemetry import Telemetry

__all__ = ["BaseTransport", "Call", "Recovery", "Sleep", "TransportOptions", "fields_of"]

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[object]]

_RETRYABLE = (Disposition.RETRY, Disposition.RETRY_IF_READ)
_MAX_URLS = 256  # more than every endpoint table; the rest are built per call


class Recovery:
    """What ``recover`` may answer: the cause was fixed, so retry now."""

    RETRY = "retry"
    """Not counted against ``max_retries`` (KeySecure: new token, clock re-synced)."""
    RETRY_COUNTED = "retry_counted"
    """Counted against ``max_retries`` (LEMFT's 10003 clock re-sync)."""


def fields_of(error: ValidationError) -> str:
    """The failing field locations of a validation error, never the values (card data)."""
    return ", ".join(".".join(str(p) for p in e["loc"]) or "(root)" for e in error.errors())


class TransportOptions(TypedDict):
    """What every transport is built from (an API's transport adds its own credentials)."""

    http: httpx.AsyncClient
    base_url: str
    user_agent: str
    retry_policy: NotRequired[RetryPolicy | None]
    clock: NotRequired[Clock | None]
    sleep: NotRequired[Sleep | None]
    max_response_bytes: NotRequired[int]
    telemetry: NotRequired[Telemetry | None]


class BaseTransport:
    """Connection pool, target and retry policy of one client (shared by its copies)."""

    label: ClassVar[str] = ""
    """Prefix of this API's log lines and operation labels (``"payin "``)."""
    outcome_unknown_error: ClassVar[type[OutcomeUnknownError]] = OutcomeUnknownError
    default_sleep: ClassVar[Sleep] = staticmethod(anyio.sleep)
    log: ClassVar[logging.Logger] = logger
    protected_headers: ClassVar[frozenset[str]] = FRAMING_HEADERS
    """Lower-case names ``extra_headers``/``default_headers`` may not set (signing, auth)."""

    def __init__(self, **options: Unpack[TransportOptions]) -> None:
        self.http = options["http"]
        self.base_url = options["base_url"]
        self.user_agent = options["user_agent"]
        self.retry_policy = options.get("retry_policy") or RetryPolicy()
        self.clock = options.get("clock") or Clock()
        self._sleep = options.get("sleep")
        self.max_response_bytes = check_max_response_bytes(
            options.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)
        )
        self.calllog = CallLog(type(self).log, type(self).label)
        self.telemetry = options.get("telemetry")
        """Spans, metrics and event hooks (``None``: off, and free)."""
        # Each endpoint's URL parsed once (httpx parses a str on every request, ~30 us).
        self._urls: dict[str, httpx.URL] = {}

    @property
    def sleep(self) -> Sleep:
        """How backoff waits: the injected ``sleep``, else the class default (anyio's)."""
        return self._sleep or type(self).default_sleep

    @sleep.setter
    def sleep(self, value: Sleep | None) -> None:
        self._sleep = value

    # -- the steps an API overrides ----------------------------------------------------------

    def secrets(self) -> tuple[str, ...]:
        """Credentials a server message might echo; ``server_text`` hides them."""
        return ()

    def server_text(self, value: object) -> str:
        """A server's free-text message as it may appear in an error: credentials it echoes
        and card numbers masked; anything but text is dropped."""
        return scrub(value, self.secrets()) if isinstance(value, str) else ""

    async def prepare(self, call: Call[Any]) -> None:
        """Before each attempt, outside the error handling (a failure here is final)."""

    def hold(self, call: Call[Any]) -> AbstractAsyncContextManager[object] | None:
        """What ``send`` runs inside: LEMFT's endpoint gate; ``None`` for no gate."""
        return None

    async def send(self, call: Call[Any]) -> httpx.Response:
        """Send one attempt (``request`` does the HTTP part), inside ``hold(call)``."""
        raise NotImplementedError

    def decode(self, response: httpx.Response, call: Call[Any]) -> Any:
        """The answer's payload, or raise the API's typed error."""
        raise NotImplementedError

    def classify(self, error: BaseException) -> Disposition:
        """This API's business codes first, then the shared rows."""
        return classify_http(error)

    async def recover(
        self, error: BaseException, disposition: Disposition, call: Call[Any]
    ) -> str | None:
        """A ``Recovery`` when the cause was fixed (retry now), or ``None``."""
        return None

    # -- the loop ------------------------------------------------------------------------------

    def call(
        self,
        endpoint: Endpoint,
        content: Any,
        *,
        parse: Callable[[Any], T] | None = None,
        path: str | None = None,
        max_retries: int,
        timeout: httpx.Timeout | None = None,
        traceid: str | None = None,
        references: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Awaitable[T]:
        """Send one logical call: await it for ``parse(payload)``; it raises a typed error.

        ``headers`` are sent after the API's own (``protected_headers`` already refused).
        A running ``with_raw_response`` capture records the finished call.

        A plain method returning the call's one coroutine (``_call``): a call waiting its
        turn at a gate keeps no frame of this method alive.
        """
        call: Call[T] = Call(
            endpoint,
            endpoint.path if path is None else path,
            content,
            parse,
            max_retries,
            timeout,
            traceid or None,
            references or NO_REFERENCES,
            headers,
        )
        if self.telemetry is None:
            return self._call(call)
        return self.telemetry.observe(call, self._call)

    async def _call(self, call: Call[T]) -> T:
        """The attempt loop, in one frame (see ``call``)."""
        capture, token = hide_capture()
        began = 0.0 if capture is None else time.perf_counter()
        observer = call.observer
        try:
            while True:
                await self.prepare(call)
                call.response = None
                started = time.perf_counter()
                if observer is not None:
                    observer.attempt_started(started)
                try:
                    # The gate is entered here, not in send(): a call waiting its turn
                    # keeps only this frame (and the gate's) alive.
                    hold = self.hold(call)
                    if hold is None:
                        call.response = await self.send(call)
                    else:
                        async with hold:
                            call.response = await self.send(call)
                    payload = self._decoded(call.response, call)
                except (APIError, httpx.RequestError) as exc:
                    # RequestError, not just TransportError: an answer httpx cannot decode
                    # (DecodingError) must also be classified, never escape raw.
                    error: BaseException = exc
                else:
                    result = self._parsed(payload, call)
                    seconds = time.perf_counter() - started
                    self.calllog.ok(call, seconds)
                    if observer is not None:
                        await observer.attempt_ended(None, seconds)
                    break
                seconds = time.perf_counter() - started
                self.calllog.attempt_failed(call, error, seconds)
                if observer is not None:
                    await observer.attempt_ended(error, seconds)
                await self._after_failure(error, call)
                if observer is not None:
                    observer.retrying(error)
        except APIError as exc:
            # The answer's headers and the call's traceid, for errors built without them.
            if exc.headers is None and call.response is not None:
                exc.headers = call.response.headers
            if exc.traceid is None:
                exc.traceid = call.traceid
            raise
        finally:
            restore_capture(token)
        if capture is not None:
            capture.record(call, time.perf_counter() - began)
        return result

    async def _after_failure(self, error: BaseException, call: Call[Any]) -> None:
        """Return to retry; raise the typed error otherwise."""
        disposition = self.classify(error)
        if call.is_write and isinstance(error, APIError) and (error.status_code or 0) >= 500:
            # A business code inside an HTTP error answer may come from an intermediary
            # or a failing server: that the server did not act is not known.
            disposition = Disposition.RETRY_IF_READ
        else:
            recovery = await self.recover(error, disposition, call)
            if recovery is not None:
                if recovery == Recovery.RETRY_COUNTED:
                    call.retries += 1
                return
        if call.is_write and disposition in (
            Disposition.RETRY_IF_READ,
            Disposition.UNKNOWN_IF_WRITE,
        ):
            cause = as_sdk_error(error, path=call.endpoint.path, traceid=call.traceid)
            raise self.outcome_unknown(
                call,
                f"outcome unknown after {type(cause).__name__}: {cause}; not re-sent",
                cause,
            ) from cause
        if disposition not in _RETRYABLE or call.retries >= call.max_retries:
            final = as_sdk_error(error, path=call.endpoint.path, traceid=call.traceid)
            self.calllog.failed(call, final)
            raise final from None
        delay = self.retry_after(error, call.response)
        if delay is None:
            delay = self.retry_policy.delay(call.retries)
        self.calllog.retry(call, error, delay)
        call.retries += 1
        await self.sleep(delay)

    def outcome_unknown(
        self, call: Call[Any], message: str, cause: LemftError
    ) -> OutcomeUnknownError:
        """This API's ``OutcomeUnknownError`` for ``call``: traceid, operation, path, refs.

        Logged at WARNING (operation, references, traceid; never the body): someone has to
        reconcile it, and a 3 a.m. reader must find what with.
        """
        self.calllog.unknown(call, cause)
        return self.outcome_unknown_error(
            message,
            operation=call.endpoint.name,
            path=call.endpoint.path,
            traceid=call.traceid,
            references=call.references,
            cause=cause,
        )

    def resync_clock_once(self, call: Call[Any], code: object) -> bool:
        """After a timestamp refusal (LEMFT 10003, KeySecure 1005): adopt the server's
        clock from the answer's ``Date`` header, at most once per call; True if it did."""
        if "resynced" in call.done or call.response is None:
            return False
        call.done.add("resynced")
        if not self.clock.resync(call.response.headers.get("date")):
            return False
        self.calllog.resynced(call, code, self.clock.offset)
        return True

    def retry_after(self, error: BaseException, response: httpx.Response | None) -> float | None:
        """The server's ``Retry-After`` seconds for an API answer (capped), else ``None``."""
        if response is None or not isinstance(error, APIError):
            return None
        value = response.headers.get("retry-after")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            return None
        if not seconds >= 0:  # also refuses NaN
            return None
        return min(seconds, self.retry_policy.max_retry_after)

    async def request(self, call: Call[Any], method: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange for ``call``, under its deadline and the response size cap;
        logs a write cancelled after it was sent. ``call.headers`` come after the API's."""
        if call.headers:
            merged = httpx.Headers(kwargs.get("headers"))
            merged.update(call.headers)
            kwargs["headers"] = merged
        if call.observer is not None:
            await call.observer.sending()
        try:
            return await exchange(
                self.http,
                method,
                self._url(call),
                timeout=call.timeout,
                max_bytes=self.max_response_bytes,
                **kwargs,
            )
        except anyio.get_cancelled_exc_class():
            if call.is_write:
                self.calllog.cancelled_write(call)
            raise

    # -- helpers ---------------------------------------------------------------------------

    def _url(self, call: Call[Any]) -> httpx.URL | str:
        """The request's URL, parsed once per URL text: keyed by the whole text, so a
        copy with another ``base_url`` (which shares this dict) never gets this one's
        host. At most ``_MAX_URLS`` are kept (raw ``request(path)`` paths have no end)."""
        text = self.base_url + call.path
        url = self._urls.get(text)
        if url is None:
            if call.path != call.endpoint.path or len(self._urls) >= _MAX_URLS:
                return text
            url = self._urls[text] = httpx.URL(text)
        return url

    def _decoded(self, response: httpx.Response, call: Call[Any]) -> Any:
        """``decode``; anything unexpected it raises is an unreadable answer.

        An answer that breaks the decoder (absurd nesting, an out-of-range number) came
        back from a server that may have acted: it is classified like any undecodable
        body (retried for reads, an unknown outcome for writes), never escapes raw.
        """
        try:
            return self.decode(response, call)
        except (APIError, httpx.RequestError):
            raise
        except Exception as exc:
            broken = type(exc).__name__
        # Raised outside the except block: the decoder's exception (a JSONDecodeError holds
        # the whole body) must not stay on __context__.
        raise APIResponseValidationError(
            None,
            f"the answer could not be decoded ({broken})",
            call.traceid,
            call.endpoint.path,
            status_code=response.status_code,
        )

    def _parsed(self, payload: Any, call: Call[T]) -> T:
        """``call.parse(payload)``. A success answer that does not fit its model is an
        ``APIResponseValidationError`` for a read; for a write the server accepted the
        request (the money may have moved), so it is an unknown outcome, never a failure.
        """
        if call.parse is None:
            return payload  # type: ignore[no-any-return]
        if type(payload) is OnePass:
            return payload.value  # type: ignore[no-any-return]
        try:
            return call.parse(payload)
        except (ValidationError, APIResponseValidationError, ValueError, TypeError) as exc:
            detail = (
                f"fields: {fields_of(exc)}"
                if isinstance(exc, ValidationError)
                else (exc.message if isinstance(exc, APIError) else type(exc).__name__)
            )
        # Outside the except block: pydantic's error keeps the input (card data) and must
        # not stay on __context__.
        status = call.response.status_code if call.response is not None else None
        problem = APIResponseValidationError(
            None,
            f"the answer of {call.endpoint.name} does not fit its model ({detail})",
            call.traceid,
            call.endpoint.path,
            status_code=status,
        )
        if not call.is_write:
            raise problem
        raise self.outcome_unknown(
            call,
            f"the server accepted {call.endpoint.name} but {problem.message}; it was most "
            "likely carried out: reconcile before retrying",
            problem,
        )
