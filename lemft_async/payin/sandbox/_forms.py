"""The gateway's reading of a request form, hostile input answered as XxPay does."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from ._gateway import GatewayFailure

__all__ = ["MAX_BODY", "form_fields", "read_body"]

MAX_BODY = 1 << 20
"""Largest form body read (far above any request); longer ones are answered ``FAIL``."""
_MAX_FIELDS = 1000
_FORM_TYPE = "application/x-www-form-urlencoded"


async def read_body(request: Request) -> bytes:
    """The body, read to its end (the connection stays usable); at most
    ``MAX_BODY + 1`` bytes are kept."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if size <= MAX_BODY:
            chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def form_fields(request: Request, raw: bytes) -> dict[str, str]:
    """The request's form fields; a ``GatewayFailure`` (``0012``/``0014``) for hostile
    input: a non-form ``Content-Type``, an oversized or non-UTF-8 body, too many fields."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type != _FORM_TYPE:
        raise GatewayFailure("0014", f"request Content-Type must be {_FORM_TYPE}")
    if len(raw) > MAX_BODY:
        raise GatewayFailure("0014", "request body too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise GatewayFailure("0012", "post data is not UTF-8") from None
    try:
        return dict(parse_qsl(text, strict_parsing=False, max_num_fields=_MAX_FIELDS))
    except ValueError:
        raise GatewayFailure("0014", "request has too many parameters") from None
