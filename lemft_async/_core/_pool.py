"""The ``httpx.AsyncClient`` the SDK creates: httpx's, minus a cost that buys nothing here.

httpx hands every response to its cookie jar, which first copies the request into a urllib
``Request`` and the headers into an ``email.Message`` (about 35 us a call on a 2-core VM,
a few percent of a loopback call) only to find no ``Set-Cookie`` header: LEMFT, Payin and
KeySecure answer none. ``LeanCookies`` skips exactly that case, for the standard jar only
(a custom ``CookieJar`` still sees every response). A ``Set-Cookie`` answer is stored as
before, and sent back as before.

The clients create their own pool from ``PoolClient``; ``DefaultAioHttpClient`` is one too.
An ``http_client=`` the caller built is used as it is.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any

import httpx

__all__ = ["LeanCookies", "PoolClient"]


class LeanCookies(httpx.Cookies):
    """``httpx.Cookies`` that does not parse an answer without a cookie header."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if (
            type(self.jar) is CookieJar
            and "set-cookie" not in headers
            and "set-cookie2" not in headers
        ):
            # What the standard jar would do with it: nothing.
            return
        super().extract_cookies(response)


class PoolClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` whose ``cookies`` are ``LeanCookies`` (the same API)."""

    def __init__(self, **kwargs: Any) -> None:
        cookies = kwargs.pop("cookies", None)
        super().__init__(**kwargs)
        self.cookies = cookies

    # The property is redefined (not httpx's private attribute written) so that setting
    # ``client.cookies = ...`` later keeps the lean jar too.
    @property
    def cookies(self) -> httpx.Cookies:
        return self._lean_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._lean_cookies = LeanCookies(cookies)
