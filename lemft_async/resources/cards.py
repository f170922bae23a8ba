"""``client.cards``: card details, lifecycle (activate, freeze, unfreeze, cancel) and trades."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import AsyncAPIResource, check_id, check_int, check_text, check_time, optional
from ..types.cards import Card, CardTrade, MerchantScore

__all__ = ["AsyncCards"]


class AsyncCards(AsyncAPIResource):
    _namespace = "cards"

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
    ) -> AsyncPaginator[Card]:
        """List cards (inferred: ``card/card/cardList``)."""
        params = {
            "card_id": optional(check_id, "card_id", card_id),
            "bin_id": optional(check_id, "bin_id", bin_id),
            "holder_id": optional(check_id, "holder_id", holder_id),
            "status": optional(check_int, "status", status),
        }
        return self._paginate(
            "list", params, Card, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

    async def retrieve(self, card_id: str, *, extra_body: Mapping[str, Any] | None = None) -> Card:
        """Get a card, including its number, CVV and expiry (inferred: ``card/card/getCard``).

        The result holds cardholder data: its ``repr`` masks it, your logs must too.
        """
        return await self._call(
            "retrieve",
            {"card_id": check_id("card_id", card_id)},
            Card,
            extra_body=extra_body,
            wrapper="card_info",
        )

    async def _status_change(
        self, method: str, card_id: str, remark: str | None, extra_body: Mapping[str, Any] | None
    ) -> Card:
        params = {
            "card_id": check_id("card_id", card_id),
            "remark": optional(check_text, "remark", remark, max_length=255),
        }
        card = await self._call(method, params, Card, extra_body=extra_body, wrapper="card_info")
        if card.card_id is None:
            card.card_id = params["card_id"]
        return card

    async def activate(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Card:
        """Activate a card (inferred: ``card/card/activate``). A write: never re-sent on an
        unknown outcome."""
        return await self._status_change("activate", card_id, remark, extra_body)

    async def freeze(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Card:
        """Freeze a card (inferred: ``card/card/freeze``)."""
        return await self._status_change("freeze", card_id, remark, extra_body)

    async def unfreeze(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Card:
        """Unfreeze a card (inferred: ``card/card/unfreeze``)."""
        return await self._status_change("unfreeze", card_id, remark, extra_body)

    async def cancel(
        self,
        card_id: str,
        *,
        remark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Card:
        """Request closure of a card (发起销卡; inferred: ``card/card/cancel``).

        Closure is asynchronous: the card goes to *closing*, then *closed* (a Card
        notification with ``card.status.closed`` tells you when).
        """
        return await self._status_change("cancel", card_id, remark, extra_body)

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
    ) -> AsyncPaginator[CardTrade]:
        """List card transactions (inferred: ``card/card/tradeList``)."""
        params = {
            "card_id": optional(check_id, "card_id", card_id),
            "trade_type": optional(check_int, "trade_type", trade_type),
            "start_time": optional(check_time, "start_time", start_time),
            "end_time": optional(check_time, "end_time", end_time),
        }
        return self._paginate(
            "list_trades",
            params,
            CardTrade,
            page_no=page_no,
            page_size=page_size,
            extra_body=extra_body,
        )

    async def merchant_score(
        self,
        *,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> MerchantScore:
        """Your merchant card-trade score (商户交易评分).

        Inferred path: ``card/card/merchantTradeScore``.
        """
        params = {
            "start_time": optional(check_time, "start_time", start_time),
            "end_time": optional(check_time, "end_time", end_time),
        }
        return await self._call(
            "merchant_score", params, MerchantScore, extra_body=extra_body, wrapper="score_info"
        )
