"""A reversible toy cipher for the sandbox's encrypted fields. NOT KeySecure's scheme.

KeySecure encrypts card privacy data, CVV and PIN with AES/ECB/PKCS5Padding + Base64
under a key derived from the apiSecret in a way our docs do not show. The sandbox needs
*some* ciphertext so examples and tests can exercise the ``decrypt=``/``encrypt=`` hooks;
it uses an HMAC-SHA256 keystream XOR, Base64-encoded, with a ``SBX1`` marker. Never use
it for anything real.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["SandboxCipher"]

_MARKER = b"SBX1"


class SandboxCipher:
    """``encrypt``/``decrypt`` keyed with the sandbox's api_secret."""

    __slots__ = ("_key",)

    def __init__(self, secret: str) -> None:
        self._key = secret.encode("utf-8")

    def _stream(self, length: int) -> bytes:
        blocks = []
        for counter in range((length + 31) // 32):
            blocks.append(hmac.new(self._key, counter.to_bytes(8, "big"), hashlib.sha256).digest())
        return b"".join(blocks)[:length]

    def encrypt(self, plaintext: str) -> str:
        """Plaintext -> Base64 ciphertext."""
        data = plaintext.encode("utf-8")
        mixed = bytes(a ^ b for a, b in zip(data, self._stream(len(data)), strict=True))
        return base64.b64encode(_MARKER + mixed).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """Base64 ciphertext -> plaintext; ``ValueError`` if it is not sandbox ciphertext."""
        try:
            raw = base64.b64decode(ciphertext.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise ValueError("not sandbox ciphertext") from None
        if not raw.startswith(_MARKER):
            raise ValueError("not sandbox ciphertext")
        body = raw[len(_MARKER) :]
        try:
            return bytes(a ^ b for a, b in zip(body, self._stream(len(body)), strict=True)).decode(
                "utf-8"
            )
        except UnicodeDecodeError:
            raise ValueError("not sandbox ciphertext (wrong key?)") from None

    def __repr__(self) -> str:
        return "SandboxCipher(key=***)"
