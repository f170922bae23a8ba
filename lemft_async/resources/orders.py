"""``client.orders``: issue cards and top them up (both move money), and read orders."""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._claims import ClaimStore
from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    ID,
    MONEY,
    OPT_ID,
    OPT_INT,
    OPT_TEXT,
    OUT_ORDER_ID,
    TIME_RANGE,
    AsyncAPIResource,
    RequestOptions,
    Spec,
    check_money,
    check_text,
    new_out_order_id,
    opt,
    out_order_id_param,
    req,
)
from ..types.orders import Order, OrderDetail
from ._bulk import BulkOutcome, BulkProgress, run_bulk
from ._followups import FollowUp, check_followups, stages_of
from ._handoff import hand_off
from ._once import open_card_once

__all__ = ["AsyncOrders", "new_out_order_id"]


class AsyncOrders(AsyncAPIResource):
    _namespace = "orders"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "open_card": Spec(
            bin_id=ID,
            amount=req(check_money, allow_zero=True),
            out_order_id=OUT_ORDER_ID,
            holder_id=OPT_ID,
            card_type=OPT_INT,
            mark=opt(check_text, max_length=255),
        ),
        "recharge": Spec(card_id=ID, amount=MONEY, out_order_id=OUT_ORDER_ID),
        "list": Spec(
            out_order_id=OPT_TEXT, card_id=OPT_ID, order_type=OPT_INT, status=OPT_INT, **TIME_RANGE
        ),
        "retrieve": Spec(order_id=ID),
    }

    @cached_property
    def with_raw_response(self) -> AsyncOrdersWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncOrdersWithRawResponse(self)

    async def open_card(
        self,
        *,
        bin_id: str,
        amount: Any,
        out_order_id: str | None = None,
        holder_id: str | None = None,
        card_type: int | None = None,
        mark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Order:
        """Issue a card with an initial balance of ``amount`` (inferred: ``card/order/openCard``).

        Moves money: the wallet is debited ``amount`` + fee. ``out_order_id`` is generated
        when not given and is on the result. If the outcome is unknown (timeout, 10005, 5xx)
        this raises ``OutcomeUnknownError`` carrying it, and never re-sends.
        """
        return await self._get(
            "open_card", Order, locals(), wrapper="order_info", echo="out_order_id"
        )

    async def open_card_once(
        self,
        *,
        out_order_id: str,
        bin_id: str,
        amount: Any,
        holder_id: str | None = None,
        card_type: int | None = None,
        mark: str | None = None,
        claims: ClaimStore | None = None,
        claim_ttl: float = 30.0,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Order:
        """Issue the card of ``out_order_id`` unless it exists: safe to call twice, even
        at the same time from two workers (task queues deliver at least once).

        Claims the ``out_order_id`` in ``claims`` (default: one in-memory store per
        process; ``lemft_async.gates.claims.RedisClaimStore`` across hosts), reconciles
        through ``orders.list``, and sends ``open_card`` only when the order is absent.
        Returns the order, found or new. ``OutcomeUnknownError`` when the outcome of a
        send, or the reconciliation, could not be told; ``ClaimHeldError`` when another
        worker held the claim for over ``claim_ttl`` seconds, ``ClaimLostError`` when the
        claim was lost while waiting for the endpoint (nothing sent by this call in both).
        """
        return await open_card_once(self, locals(), claims=claims, claim_ttl=claim_ttl)

    async def recharge(
        self,
        *,
        card_id: str,
        amount: Any,
        out_order_id: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Order:
        """Top up a card by ``amount`` (inferred: ``card/order/recharge``). Moves money; see
        ``open_card`` for ``out_order_id`` and unknown outcomes."""
        return await self._get(
            "recharge", Order, locals(), wrapper="order_info", echo="out_order_id"
        )

    def list(
        self,
        *,
        out_order_id: str | None = None,
        card_id: str | None = None,
        order_type: int | None = None,
        status: int | None = None,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Order]:
        """List card orders (inferred: ``card/order/orderList``). Filter by ``out_order_id``
        to reconcile after an ``OutcomeUnknownError``."""
        return self._list("list", Order, locals())

    async def retrieve(
        self,
        order_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OrderDetail:
        """Get a card order with its bills (documented: ``card/order/getOrder``)."""
        return await self._get("retrieve", OrderDetail, locals())

    async def open_cards(
        self,
        specs: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = 8,
        on_progress: Callable[[BulkProgress], Awaitable[None] | None] | None = None,
        then: Sequence[FollowUp] = (),
        **options: Unpack[RequestOptions],
    ) -> builtins.list[BulkOutcome[Order]]:
        """Issue many cards concurrently; one outcome per spec, in order.

        Each spec holds ``open_card`` keyword arguments. A failure (including
        ``OutcomeUnknownError``) is recorded on its outcome and does not stop the others.
        Every spec gets its ``out_order_id`` before anything is sent, so each outcome can be
        reconciled. ``concurrency`` bounds the calls waiting at once; since the server
        serves one call per endpoint at a time, a small number keeps the pipe full.
        The per-call options (``timeout``, ``max_retries``, ``extra_headers``) apply to
        every call (a spec may set its own).

        ``then`` lists follow-up steps run per card once its order is placed:
        ``WaitForOrder(polls=, interval=)`` reads the order back until it completes
        (``outcome.order``), ``ReadCard()`` reads its card (``outcome.card``). They run as
        pipeline stages, each on its own endpoint, overlapping the opening of the next
        cards. A failed follow-up leaves ``outcome.ok`` true and sets ``failed_step`` and
        ``followup_error``.
        """
        self._client._call_settings(options)  # checked before anything is sent
        steps = check_followups(then)
        prepared: list[dict[str, Any]] = []
        for index, spec in enumerate(specs):
            if not isinstance(spec, Mapping):
                raise TypeError(f"specs[{index}] must be a mapping of open_card arguments")
            item = dict(spec)
            item["out_order_id"] = out_order_id_param(item.get("out_order_id"))
            prepared.append(item)
        client = self._client
        # Each answer's after-work (decoding, progress) runs once the next call is sent.
        handoff = client.with_options(gate=hand_off(client.gate))
        issue_one = handoff.orders.open_card

        async def issue(spec: dict[str, Any]) -> Order:
            client._check_open()  # the copy does not know when the client is closed
            return await issue_one(**{**options, **spec})

        return await run_bulk(
            prepared,
            issue,
            concurrency=concurrency,
            on_progress=on_progress,
            stages=stages_of(handoff, steps, dict(options)),
        )


class AsyncOrdersWithRawResponse:
    """``client.orders.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncOrders) -> None:
        self.open_card = to_raw(resource.open_card)
        self.recharge = to_raw(resource.recharge)
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
