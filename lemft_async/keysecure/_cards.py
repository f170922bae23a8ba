"""``client.cards``: apply, list, details, privacy data, activation, status, PIN, PCI token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from typing_extensions import Unpack

from .._core._checks import build_params
from .._core._errors import APIResponseValidationError
from .._core._options import RequestOptions
from .._core._raw import to_raw
from ._constants import CardStatus, CardType
from ._crypto import Decryptor, EncryptedCardData, Encryptor, parse_private_info
from ._models import (
    Card,
    CardApplyResult,
    CardDetail,
    CardPrivateInfo,
    ClientAccessToken,
    OperationResult,
)
from ._pagination import KeySecurePaginator
from ._params import (
    TimeValue,
    check_digits,
    check_id,
    check_unique_no,
    time_range,
)
from ._resource import KeySecureResource, maybe_await

__all__ = ["AsyncCards", "AsyncCardsWithRawResponse"]

# Documented: physical cards need every field but address_line2; a virtual card's
# address, when given, needs the address part.
_ADDRESS_VIRTUAL = ("postal_code", "country", "state", "city", "address_line1")
_ADDRESS_PHYSICAL = ("first_name", "last_name", "phone_code", "phone", *_ADDRESS_VIRTUAL)
_SETTABLE = (CardStatus.ACTIVATED.value, CardStatus.FROZEN.value, CardStatus.DELETE.value)


def _text(value: str | CardType | CardStatus) -> str:
    return value.value if isinstance(value, CardType | CardStatus) else value


def _check_address(address_info: Mapping[str, Any] | None, card_type: str) -> dict[str, Any] | None:
    if address_info is None:
        if card_type == CardType.PHYSICAL.value:
            raise ValueError("address_info is required for a Physical card")
        return None
    if not isinstance(address_info, Mapping):
        raise TypeError(f"address_info must be a mapping, got {type(address_info).__name__}")
    needed = _ADDRESS_PHYSICAL if card_type == CardType.PHYSICAL.value else _ADDRESS_VIRTUAL
    missing = [k for k in needed if not str(address_info.get(k) or "").strip()]
    if missing:
        raise ValueError(f"address_info is missing {', '.join(missing)}")
    phone_code = address_info.get("phone_code")
    if phone_code is not None and not (isinstance(phone_code, str) and phone_code.isdigit()):
        raise ValueError("address_info.phone_code must be digits only, without '+'")
    return dict(address_info)


class AsyncCards(KeySecureResource):
    """Cards: both integration modes unless noted."""

    @cached_property
    def with_raw_response(self) -> AsyncCardsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncCardsWithRawResponse(self)

    async def apply(
        self,
        *,
        cardholder_no: str,
        card_type: CardType | str,
        card_unique_no: str | None = None,
        package_no: str | None = None,
        card_bin_no: str | None = None,
        address_info: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CardApplyResult:
        """Apply for a card (``POST /card/apply``): ``package_no`` in credit-extension mode,
        ``card_bin_no`` in authorization mode. A write: never re-sent on an unknown outcome.

        ``card_unique_no`` (your reference, at most 64 characters) is generated when not
        given and is on the result and on ``KeySecureOutcomeUnknownError.card_unique_no``.
        """
        kind = _text(card_type)
        check_id("card_type", kind)
        if package_no is None and card_bin_no is None:
            raise ValueError("pass package_no (credit mode) or card_bin_no (authorization mode)")
        unique = check_unique_no("card_unique_no", card_unique_no or uuid.uuid4().hex)
        body = build_params(
            {
                "cardholder_no": check_id("cardholder_no", cardholder_no),
                "card_unique_no": unique,
                "card_type": kind,
                "package_no": None if package_no is None else check_id("package_no", package_no),
                "card_bin_no": (
                    None if card_bin_no is None else check_id("card_bin_no", card_bin_no)
                ),
                "address_info": _check_address(address_info, kind),
            },
            extra_body,
        )
        result = await self._model("cards.apply", CardApplyResult, body=body, **options)
        if not result.card_unique_no:
            result.card_unique_no = unique
        return result

    def list(
        self,
        *,
        start_time: TimeValue,
        end_time: TimeValue,
        cardholder_no: str | None = None,
        card_unique_no: str | None = None,
        card_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[Card]:
        """Cards created between ``start_time`` and ``end_time`` (at most 90 days apart;
        ``date``, ``datetime`` or ``yyyy-MM-dd[ HH:mm:ss]`` text in the client's timezone)."""
        start, end = time_range(start_time, end_time, self._client._utc_offset)
        body = build_params(
            {
                "cardholder_no": cardholder_no,
                "card_unique_no": card_unique_no,
                "card_no": card_no,
                "start_time": start,
                "end_time": end,
            },
            extra_body,
        )
        return self._paginate("cards.list", body, Card, page=page, size=size, **options)

    async def retrieve(self, card_no: str, **options: Unpack[RequestOptions]) -> CardDetail:
        """Card details (``GET /card/{card_no}/detail``)."""
        return await self._model(
            "cards.retrieve",
            CardDetail,
            path_params={"card_no": check_id("card_no", card_no)},
            **options,
        )

    async def private_info(
        self, card_no: str, **options: Unpack[RequestOptions]
    ) -> EncryptedCardData:
        """Card privacy data as received: AES ciphertext (PCI must be enabled, else 1013).

        See ``private_info_decrypted`` to decrypt with your own function.
        """
        number = check_id("card_no", card_no)
        data = await self._call("cards.private_info", path_params={"card_no": number}, **options)
        if not isinstance(data, str) or not data:
            raise APIResponseValidationError(
                None,
                "card privacy data: expected a ciphertext string in data",
                None,
                "/open-api/v1/card/{card_no}/private/info",
            )
        return EncryptedCardData(card_no=number, ciphertext=data)

    async def private_info_decrypted(
        self, card_no: str, *, decrypt: Decryptor | None = None, **options: Unpack[RequestOptions]
    ) -> CardPrivateInfo:
        """Card privacy data decrypted with ``decrypt`` (or the client's ``decrypt=``)."""
        decryptor = decrypt or self._client._decrypt
        if decryptor is None:
            raise ValueError(
                "decrypt is required: pass decrypt=... here or to AsyncKeySecure (the AES "
                "key derivation is not in the docs the SDK was built from)"
            )
        encrypted = await self.private_info(card_no, **options)
        return parse_private_info(await maybe_await(decryptor(encrypted.ciphertext)))

    async def _encrypted(
        self, name: str, plain: str | None, cipher: str | None, length: int, enc: Encryptor | None
    ) -> str:
        if (plain is None) == (cipher is None):
            raise ValueError(f"pass exactly one of {name} or encrypted_{name}")
        if cipher is not None:
            return check_id(f"encrypted_{name}", cipher)
        digits = check_digits(name, plain, length)
        encryptor = enc or self._client._encrypt
        if encryptor is None:
            raise ValueError(
                f"encrypt is required to send a plaintext {name}: pass encrypt=... or "
                f"encrypted_{name}=... (plaintext {name} is never sent)"
            )
        return check_id(f"encrypted_{name}", await maybe_await(encryptor(digits)))

    async def activate(
        self,
        *,
        card_no: str,
        cardholder_no: str,
        card_last_no: str,
        cvv: str | None = None,
        encrypted_cvv: str | None = None,
        encrypt: Encryptor | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Activate a physical card in ``ToActivate`` (``POST /card/active``). A write.

        Give the 3-digit ``cvv`` plus an ``encrypt`` function, or ``encrypted_cvv``.
        """
        body = {
            "cardholder_no": check_id("cardholder_no", cardholder_no),
            "card_no": check_id("card_no", card_no),
            "cvv": await self._encrypted("cvv", cvv, encrypted_cvv, 3, encrypt),
            "card_last_no": check_digits("card_last_no", card_last_no, 4),
        }
        return await self._model(
            "cards.activate", OperationResult, body=build_params(body, extra_body), **options
        )

    async def update_status(
        self,
        card_no: str,
        *,
        status: CardStatus | str,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set ``Activated``, ``Frozen`` or ``Delete`` (``POST /card/status/update``). A write."""
        target = _text(status)
        if target not in _SETTABLE:
            raise ValueError(f"status must be one of {', '.join(_SETTABLE)}, got {target!r}")
        body = {"card_no": check_id("card_no", card_no), "status": target}
        return await self._model(
            "cards.update_status", OperationResult, body=build_params(body, extra_body), **options
        )

    async def freeze(
        self,
        card_no: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """``update_status(card_no, status="Frozen")``."""
        return await self.update_status(
            card_no, status=CardStatus.FROZEN, extra_body=extra_body, **options
        )

    async def unfreeze(
        self,
        card_no: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """``update_status(card_no, status="Activated")``."""
        return await self.update_status(
            card_no, status=CardStatus.ACTIVATED, extra_body=extra_body, **options
        )

    async def set_pin(
        self,
        *,
        card_no: str,
        cardholder_no: str,
        pin: str | None = None,
        encrypted_pin: str | None = None,
        encrypt: Encryptor | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set a physical card's 6-digit PIN (``POST /card/pin/set``). A write.

        The server also refuses runs of identical or sequential digits (4016); that rule's
        exact reading is not documented, so it is left to the server.
        """
        body = {
            "card_no": check_id("card_no", card_no),
            "cardholder_no": check_id("cardholder_no", cardholder_no),
            "pin": await self._encrypted("pin", pin, encrypted_pin, 6, encrypt),
        }
        return await self._model(
            "cards.set_pin", OperationResult, body=build_params(body, extra_body), **options
        )

    async def client_token(
        self, card_no: str, **options: Unpack[RequestOptions]
    ) -> ClientAccessToken:
        """One-time Client Access Token for the PCI iframe
        (``GET /merchant/client/{card_no}/token``)."""
        return await self._model(
            "cards.client_token",
            ClientAccessToken,
            path_params={"card_no": check_id("card_no", card_no)},
            **options,
        )


class AsyncCardsWithRawResponse:
    """``AsyncCards.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncCards) -> None:
        self.apply = to_raw(resource.apply)
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
        self.private_info = to_raw(resource.private_info)
        self.private_info_decrypted = to_raw(resource.private_info_decrypted)
        self.activate = to_raw(resource.activate)
        self.update_status = to_raw(resource.update_status)
        self.freeze = to_raw(resource.freeze)
        self.unfreeze = to_raw(resource.unfreeze)
        self.set_pin = to_raw(resource.set_pin)
        self.client_token = to_raw(resource.client_token)
