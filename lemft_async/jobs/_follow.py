"""The follow-up steps of a job's issued rows (``IssueJob.run(then=...)``).

Each step is a pipeline stage with its own queue (``concurrency`` slots) on its own
endpoint, so the follow-ups of row i overlap the sends of the rows after it. Each
step's result is journaled as soon as it is known (``done``/``failed``); a step the
journal holds as done is never repeated, so a resumed run picks up where the follow-ups
stopped and never re-opens the card.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio

from ..resources._followups import (
    FollowUp,
    FollowUpError,
    WaitForOrder,
    no_card_yet,
    wait_for_order,
)
from ._rows import Journal, JournalRow

if TYPE_CHECKING:
    from .._client import AsyncLemft

__all__ = ["JobSteps"]


class JobSteps:
    """The steps of one run, with a slot limiter per stage."""

    def __init__(
        self,
        client: AsyncLemft,
        steps: Sequence[FollowUp],
        journal: Journal,
        options: Mapping[str, Any],
        concurrency: int,
    ) -> None:
        self.client = client
        self.journal = journal
        self.options = dict(options)
        self.steps = [(step, anyio.CapacityLimiter(concurrency)) for step in steps]

    def left(self, row: JournalRow) -> list[tuple[FollowUp, anyio.CapacityLimiter]]:
        """The steps ``row`` has not done (with their stage's slots)."""
        return [(s, slot) for s, slot in self.steps if row.followups.get(s.name) != "done"]

    async def run(self, row: JournalRow, *, stopping: Callable[[], bool]) -> None:
        """The steps not done yet, each result journaled; stops at the first failure, and
        starts no step once the job is stopping."""
        for step, slot in self.left(row):
            if stopping():
                return
            try:
                await self._step(step, slot, row)
            except Exception as exc:  # the card was issued: the step failed, not the row
                row.mark_step(step.name, exc)
                await self.journal.save(row)
                return
            row.mark_step(step.name)
            await self.journal.save(row)

    async def _step(self, step: FollowUp, slot: anyio.CapacityLimiter, row: JournalRow) -> None:
        if isinstance(step, WaitForOrder):
            if not row.order_id:  # a row another journal marked issued without one
                raise FollowUpError("the row has no order_id", step=step.name)
            detail = await wait_for_order(self.client, step, row.order_id, slot, self.options)
            row.mark_order(detail.order_info)
            return
        if not row.card_id:
            raise no_card_yet(None)
        async with slot:
            row.card = await self.client.cards.retrieve(row.card_id, **self.options)
