"""``client.cards``: card details, lifecycle (activate, freeze, unfreeze, cancel) and trades."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    ID,
    OPT_ID,
    OPT_INT,
    REMARK,
    TIME_RANGE,
    AsyncAPIResource,
    RequestOptions,
    Spec,
)
from ..types.cards import Card, CardTrade, MerchantScore

__all__ = ["AsyncCards", "AsyncCardsWithRawResponse"]

_STATUS_CHANGE = Spec(card_id=ID, remark=REMARK)


class AsyncCards(AsyncAPIResource):
    _namespace = "cards"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "list": Spec(card_id=OPT_ID, bin_id=OPT_ID, holder_id=OPT_ID, status=OPT_INT),
        "retrieve": Spec(card_id=ID),
        "activate": _STATUS_CHANGE,
        "freeze": _STATUS_CHANGE,
        "unfreeze": _STATUS_CHANGE,
        "cancel": _STATUS_CHANGE,
        "list_trades": Spec(card_id=OPT_ID, trade_type=OPT_INT, **TIME_RANGE),
        "merchant_score": Spec(**TIME_RANGE),
    }

    @cached_property
    def with_raw_response(self) -> AsyncCardsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncCardsWithRawResponse(self)

    def list(
        self,
        *,
        card_id: str | None = None,
        bin_id: str | None = None,
        holder_id: str | None = None,
        status: int | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Card]:
        """List cards (inferred: ``card/card/cardList``)."""
        return self._list("list", Card, locals())

    async def retrieve(
        self,
        card_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Card:
        """Get a card, including its number, CVV and expiry (inferred: ``card/card/getCard``).

        The result holds cardholder data: its ``repr`` masks it, your logs must too.
        """
        return await self._get("retrieve", Card, locals(), wrapper="card_info")

    async def _status_change(self, method: str, arguments: Mapping[str, Any]) -> Card:
        return await self._get(method, Card, arguments, wrapper="card_info", echo="card_id")

    async def activate(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Card:
        """Activate a card (inferred: ``card/card/activate``). A write: never re-sent on an
        unknown outcome."""
        return await self._status_change("activate", locals())

    async def freeze(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Card:
        """Freeze a card (inferred: ``card/card/freeze``)."""
        return await self._status_change("freeze", locals())

    async def unfreeze(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Card:
        """Unfreeze a card (inferred: ``card/card/unfreeze``)."""
        return await self._status_change("unfreeze", locals())

    async def cancel(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Card:
        """Request closure of a card (发起销卡; inferred: ``card/card/cancel``).

        Closure is asynchronous: the card goes to *closing*, then *closed* (a Card
        notification with ``card.status.closed`` tells you when).
        """
        return await self._status_change("cancel", locals())

    def list_trades(
        self,
        *,
        card_id: str | None = None,
        trade_type: int | None = None,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[CardTrade]:
        """List card transactions (inferred: ``card/card/tradeList``)."""
        return self._list("list_trades", CardTrade, locals())

    async def merchant_score(
        self,
        *,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> MerchantScore:
        """Your merchant card-trade score (商户交易评分).

        Inferred path: ``card/card/merchantTradeScore``.
        """
        return await self._get("merchant_score", MerchantScore, locals(), wrapper="score_info")


class AsyncCardsWithRawResponse:
    """``client.cards.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncCards) -> None:
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
        self.activate = to_raw(resource.activate)
        self.freeze = to_raw(resource.freeze)
        self.unfreeze = to_raw(resource.unfreeze)
        self.cancel = to_raw(resource.cancel)
        self.list_trades = to_raw(resource.list_trades)
        self.merchant_score = to_raw(resource.merchant_score)
