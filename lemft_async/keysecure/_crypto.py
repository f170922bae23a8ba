"""Hooks for KeySecure's encrypted fields (card privacy data, ``cvv``, ``pin``).

The docs name the cipher (AES/ECB/PKCS5Padding + Base64, keyed from the apiSecret via
their ``MerchantEncryptUtil``) but not how the key is derived from the secret, and our
reference set does not contain that utility. Rather than guess a key derivation and
silently produce wrong ciphertext, the SDK returns ciphertext as received and accepts
your own functions:

- ``decrypt(ciphertext_base64) -> plaintext`` (``str`` or ``bytes``; JSON for privacy data)
- ``encrypt(plaintext) -> ciphertext_base64``

Both may be plain or ``async`` functions. Give them per call or once to the client
(``AsyncKeySecure(decrypt=..., encrypt=...)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from .._core._codec import loads
from .._core._errors import APIResponseValidationError
from .._core._redact import mask_card_no
from ._models import CardPrivateInfo

__all__ = ["Decryptor", "EncryptedCardData", "Encryptor", "parse_private_info"]

_PATH = "/open-api/v1/card/{card_no}/private/info"

Decryptor = Callable[[str], str | bytes | Awaitable[str | bytes]]
Encryptor = Callable[[str], str | Awaitable[str]]


def parse_private_info(plaintext: str | bytes) -> CardPrivateInfo:
    """Decode the decrypted privacy JSON; a bad decrypt gives an error without the data."""
    try:
        data: Any = loads(plaintext)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise APIResponseValidationError(
            None,
            "decrypted card privacy data is not a JSON object (wrong key or scheme?)",
            None,
            _PATH,
        )
    try:
        return CardPrivateInfo.model_validate(data)
    except ValidationError:
        # Never let pydantic echo decrypted card data into an error message.
        raise APIResponseValidationError(
            None, "decrypted card privacy data has malformed fields", None, _PATH
        ) from None


class EncryptedCardData:
    """The ``data`` of Get Card Privacy Info: Base64 ciphertext, shown as ``***``."""

    __slots__ = ("card_no", "ciphertext")

    def __init__(self, *, card_no: str, ciphertext: str) -> None:
        self.card_no = card_no
        self.ciphertext = ciphertext

    def decrypt(self, decrypt: Callable[[str], str | bytes]) -> CardPrivateInfo:
        """Decrypt with a synchronous function and decode the JSON."""
        return parse_private_info(decrypt(self.ciphertext))

    def __repr__(self) -> str:
        return f"EncryptedCardData(card_no={mask_card_no(self.card_no)!r}, ciphertext=***)"

    __str__ = __repr__
