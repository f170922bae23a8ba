"""``orders.open_card_once``: one card per ``out_order_id``, however often a task queue
delivers the task, even to two workers at the same moment.

1. **Claim** the ``out_order_id`` in a claim store (in-memory per process by default,
   ``RedisClaimStore`` across hosts). Only the holder goes on; another worker waits for
   the claim to go, then starts again at 1 (and usually finds the order at 2). While the
   holder works, its claim is renewed every ``claim_ttl / 3`` seconds (a failed renewal
   is retried: only the store saying "not yours" loses it); if it dies, the claim frees
   itself within ``claim_ttl``.
2. **Reconcile** (``orders.list(out_order_id=...)``): found -> return that order, nothing
   sent; not provably absent -> ``OutcomeUnknownError``, nothing sent.
3. **Send** ``orders.open_card`` with that ``out_order_id``. Inside the endpoint's gate,
   after any wait there, the claim is checked once more (``_once_lease``): lost ->
   ``ClaimLostError``, nothing sent.
4. A refusal of the send (an error answer) is looked up once more: a delivery whose claim
   expired may have created the order meanwhile, and the server then refuses the
   duplicate ``out_order_id`` (*inferred*: the docs name no code; the sandbox answers
   10001). Found -> that order; absent -> the refusal; unknown -> ``OutcomeUnknownError``.

A definite outcome (the order, or an error answer) releases the claim. An unknown one
(lost answer, 10005, timeout, cancellation mid-call) keeps it until it expires, so a
redelivery does not reconcile while the server may still be working on the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from .._core._checks import check_text
from .._core._claims import ClaimHeldError, ClaimStore, MemoryClaimStore, check_ttl
from .._core._logging import logger
from .._errors import APIError, OutcomeUnknownError
from ..jobs._reconcile import reconcile
from ..types.orders import Order
from ._once_lease import CheckedGate, Lease

if TYPE_CHECKING:
    from .orders import AsyncOrders

__all__ = ["DEFAULT_CLAIMS", "open_card_once"]

DEFAULT_CLAIMS = MemoryClaimStore()
"""The claim store used when none is given: shared by every client of this process."""

_POLL_FIRST, _POLL_MAX = 0.02, 0.5


async def open_card_once(
    orders: AsyncOrders,
    arguments: Mapping[str, Any],
    *,
    claims: ClaimStore | None,
    claim_ttl: float,
) -> Order:
    """The body of ``AsyncOrders.open_card_once`` (``arguments`` are its locals)."""
    out_order_id = arguments["out_order_id"]
    if out_order_id is None:
        raise TypeError("open_card_once needs out_order_id= (the task's own, stable id)")
    check_text("out_order_id", out_order_id, max_length=64)
    orders._params("open_card", arguments)  # every argument checked before any request
    options: dict[str, Any] = dict(arguments["options"])
    orders._client._call_settings(options)
    ttl = check_ttl(claim_ttl)
    store = DEFAULT_CLAIMS if claims is None else claims
    if not isinstance(store, ClaimStore):
        raise TypeError("claims must be a ClaimStore (claim/renew/release)")
    client = orders._client
    key = f"open_card:{client.customer_id}:{client.app_id}:{out_order_id}"
    send = {
        name: arguments[name]
        for name in ("bin_id", "amount", "out_order_id", "holder_id", "card_type", "mark")
    }
    send["extra_body"] = arguments["extra_body"]

    deadline = anyio.current_time() + ttl + 1.0  # by then a dead holder's claim has expired
    delay = _POLL_FIRST
    while True:
        started = anyio.current_time()
        token = await store.claim(key, ttl)
        if token is not None:
            lease = Lease(store, key, token, ttl, claimed_at=started)
            return await _as_holder(orders, lease, token, send, options)
        if anyio.current_time() >= deadline:
            raise ClaimHeldError(
                f"another worker held the claim on out_order_id {out_order_id} for over "
                f"{ttl:g} s; nothing was sent",
                key=key,
            )
        await anyio.sleep(delay)
        delay = min(delay * 2, _POLL_MAX)


async def _as_holder(
    orders: AsyncOrders,
    lease: Lease,
    token: str,
    send: dict[str, Any],
    options: dict[str, Any],
) -> Order:
    sent = [False]  # set once open_card is called: only then can an outcome be open
    error: Exception | None = None
    cancelled = False
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lease.keep_renewing)
            try:
                order = await _reconcile_then_send(orders, lease, send, options, sent)
            except Exception as exc:
                error = exc  # raised below, outside the task group (not as a group)
            except BaseException:
                cancelled = True
                raise
            finally:
                tg.cancel_scope.cancel()
    finally:
        # Cancelled mid-call, or an unknown outcome of our send: the server may still be
        # working on it, so the claim is left to expire instead of being released.
        keep = sent[0] and (cancelled or isinstance(error, OutcomeUnknownError))
        if not keep:
            with anyio.CancelScope(shield=True):
                await lease.store.release(lease.key, token)
    if error is not None:
        raise error
    return order


async def _reconcile_then_send(
    orders: AsyncOrders,
    lease: Lease,
    send: dict[str, Any],
    options: dict[str, Any],
    sent: list[bool],
) -> Order:
    out_order_id = send["out_order_id"]
    found = await reconcile(orders, out_order_id, **options)
    if found.found:
        assert found.order is not None
        return found.order
    if not found.absent:
        raise _unknown("could not tell whether the order exists", found.error, out_order_id)
    # A copy of the client whose gate checks the claim once this call's turn has come.
    client = orders._client
    checked = client.with_options(gate=CheckedGate(client.gate, lease.check))
    sent[0] = True
    try:
        return await checked.orders.open_card(**send, **options)
    except APIError as refused:
        again = await reconcile(orders, out_order_id, **options)
        if again.found:
            assert again.order is not None
            logger.warning(
                "open_card was refused (%s) but the order of this out_order_id exists: "
                "another delivery created it; returning that order",
                type(refused).__name__,
            )
            return again.order
        if again.absent:
            raise
        raise _unknown(
            f"open_card was refused ({type(refused).__name__}) and whether another delivery "
            "created the order could not be told",
            again.error,
            out_order_id,
            sent=True,
        ) from refused


def _unknown(
    what: str, cause: Exception | None, out_order_id: str, *, sent: bool = False
) -> OutcomeUnknownError:
    return OutcomeUnknownError(
        what
        + (f" ({type(cause).__name__})" if cause else "")
        + ("" if sent else "; nothing was sent"),
        operation="orders.open_card_once",
        path=None,
        out_order_id=out_order_id,
        cause=cause,
    )
