"""``client.webhooks``: the module functions bound to the client's signing secret."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core._webhook_telemetry import ReceiverTelemetry
from ._construct import construct_event
from ._events import WebhookEvent
from ._headers import HeadersLike
from ._receiver import WebhookReceiver
from ._router import Router
from ._verify import DEFAULT_TOLERANCE, WebhookScheme, verify

if TYPE_CHECKING:
    from .._client import AsyncLemft

__all__ = ["AsyncWebhooks"]


class AsyncWebhooks:
    """Webhook helpers using the client's ``api_key`` (the request signing secret).

    The scheme's signature encoding follows the client's ``signature_encoding`` (both are
    *inferred* to share LEMFT's one signing rule); pass ``scheme=`` to change anything.
    """

    def __init__(self, client: AsyncLemft, *, scheme: WebhookScheme | None = None) -> None:
        self._client = client
        self.scheme = scheme or WebhookScheme(encoding=client._transport.signature_encoding)

    @property
    def _api_key(self) -> str:
        return self._client._transport.credentials.api_key

    def verify(
        self,
        raw_body: bytes,
        headers: HeadersLike,
        *,
        tolerance: float | None = DEFAULT_TOLERANCE,
        now: float | None = None,
    ) -> None:
        """``webhooks.verify`` with the client's secret."""
        verify(
            raw_body,
            headers,
            api_key=self._api_key,
            tolerance=tolerance,
            scheme=self.scheme,
            now=now,
        )

    def construct_event(
        self,
        raw_body: bytes,
        headers: HeadersLike,
        *,
        tolerance: float | None = DEFAULT_TOLERANCE,
        kind: str | None = None,
        now: float | None = None,
    ) -> WebhookEvent:
        """``webhooks.construct_event`` with the client's secret."""
        return construct_event(
            raw_body,
            headers,
            api_key=self._api_key,
            tolerance=tolerance,
            kind=kind,
            scheme=self.scheme,
            now=now,
        )

    def receiver(self, router: Router, **options: Any) -> WebhookReceiver:
        """A ``WebhookReceiver`` (ASGI app) for ``router`` using the client's secret (and,
        for a client built with ``instrument=``, its OpenTelemetry providers)."""
        options.setdefault("scheme", self.scheme)
        receiver = WebhookReceiver(router, api_key=self._api_key, **options)
        telemetry = self._client._transport.telemetry
        if telemetry is not None and telemetry.otel is not None:
            # An instrumented client's receiver reports to the same providers.
            receiver._telemetry = ReceiverTelemetry("lemft", telemetry.otel)
        return receiver

    def __repr__(self) -> str:
        return f"AsyncWebhooks(client={self._client!r})"
