"""``IssueJob`` against the in-process sandbox: journaling, resume, reconciliation, stop."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.jobs import (
    IssueJob,
    JobProgress,
    JournalRow,
    MemoryJournal,
    RowState,
    SpecError,
    SQLiteJournal,
)
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID, OPEN_CARD, ORDER_LIST, orders_for, specs


def requests(sandbox: Sandbox, path: str) -> int:
    return sandbox.stats.requests.get(path, 0)


async def test_a_job_issues_one_card_per_spec_and_journals_each_row(
    sandbox: Sandbox, client: AsyncLemft, tmp_path: Any
) -> None:
    job = IssueJob(client, journal=tmp_path / "job.db")
    report = await job.run(specs(12))

    assert report.ok
    assert report.counts == {"pending": 0, "issued": 12, "failed": 0, "unknown": 0}
    assert [row.key for row in report.rows] == [f"k{i}" for i in range(12)]
    assert report.sent == 12
    assert report.fastest_call is not None
    assert report.floor == pytest.approx(12 * report.fastest_call)
    assert len(sandbox.state.cards) == 12
    for row in report.rows:
        assert orders_for(sandbox, row.out_order_id) == 1
        assert row.card_id in sandbox.state.cards
        assert row.sends == 1
    totals = report.totals()["USD"]
    assert totals["amount"] == 120
    assert totals["fee"] == sum(row.fee_amount or 0 for row in report.rows) > 0
    async with SQLiteJournal(tmp_path / "job.db") as journal:
        stored = await journal.load()
    assert [(r.key, r.state, r.order_id) for r in stored] == [
        (r.key, RowState.ISSUED, r.order_id) for r in report.rows
    ]
    sandbox.state.check_conservation()


async def test_running_the_job_again_skips_issued_rows_and_sends_nothing(
    sandbox: Sandbox, client: AsyncLemft, tmp_path: Any
) -> None:
    first = await IssueJob(client, journal=tmp_path / "job.db").run(specs(5))
    sent = requests(sandbox, OPEN_CARD)

    again = await IssueJob(client, journal=tmp_path / "job.db").run(specs(5))

    assert again.ok
    assert again.skipped == 5
    assert again.sent == 0
    assert requests(sandbox, OPEN_CARD) == sent
    assert [r.out_order_id for r in again.rows] == [r.out_order_id for r in first.rows]


async def test_keys_default_to_the_position_and_out_order_ids_are_generated_once(
    client: AsyncLemft,
) -> None:
    journal = MemoryJournal()
    report = await IssueJob(client, journal=journal).run(specs(3, keyed=False))

    assert [r.key for r in report.rows] == ["#0", "#1", "#2"]
    assert len({r.out_order_id for r in report.rows}) == 3
    stored = journal.snapshot()
    assert {k: r.out_order_id for k, r in stored.items()} == {
        r.key: r.out_order_id for r in report.rows
    }


async def test_sending_is_journaled_before_each_request_goes_out(sandbox: Sandbox) -> None:
    events: list[tuple[str, str]] = []

    class Recording(MemoryJournal):
        async def save(self, row: JournalRow) -> None:
            await super().save(row)
            events.append((row.state.value, row.out_order_id))

    async def on_request(request: httpx.Request) -> None:
        if request.url.path == OPEN_CARD:
            events.append(("request", json.loads(request.content)["out_order_id"]))

    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), event_hooks={"request": [on_request]}
    )
    async with sandbox.client(http_client=http) as client:
        report = await IssueJob(client, journal=Recording(), concurrency=4).run(specs(10))
    await http.aclose()

    assert report.ok
    for row in report.rows:
        mine = [kind for kind, oid in events if oid == row.out_order_id]
        assert mine == ["sending", "request", "issued"]


async def test_journal_writes_overlap_calls_in_flight(sandbox: Sandbox) -> None:
    # Were writes made while holding the endpoint's gate, no openCard call could be in
    # flight during one. They are not: the rows queued behind a call write meanwhile.
    sandbox.faults.config.latency = 0.01
    in_flight = {"now": 0, "overlapping_saves": 0}

    class Watching(MemoryJournal):
        async def save(self, row: JournalRow) -> None:
            await anyio.sleep(0.003)  # a write that takes time, as a disk's does
            if in_flight["now"]:
                in_flight["overlapping_saves"] += 1
            await super().save(row)

    async def request(request: httpx.Request) -> None:
        if request.url.path == OPEN_CARD:
            in_flight["now"] += 1

    async def response(response: httpx.Response) -> None:
        if response.request.url.path == OPEN_CARD:
            in_flight["now"] -= 1

    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app),
        event_hooks={"request": [request], "response": [response]},
    )
    async with sandbox.client(http_client=http) as client:
        report = await IssueJob(client, journal=Watching(), concurrency=4).run(specs(12))
    await http.aclose()

    assert report.ok
    assert in_flight["overlapping_saves"] >= 12  # most of the 24 writes overlapped a call


async def test_a_lost_answer_is_reconciled_in_the_same_run_and_never_resent(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.inject("drop", operation="orders.open_card")  # carried out, answer lost
    report = await IssueJob(client, journal=MemoryJournal(), settle=0).run(specs(3))

    assert report.ok
    assert report.reconciled == 1
    assert requests(sandbox, OPEN_CARD) == 3
    assert all(orders_for(sandbox, r.out_order_id) == 1 for r in report.rows)
    assert report.rows[0].sends == 1


async def test_a_10005_that_did_nothing_is_reconciled_absent_and_sent_again(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.inject("error", operation="orders.open_card", applied=False)
    report = await IssueJob(client, journal=MemoryJournal(), settle=0).run(specs(2))

    assert report.ok
    first = report.rows[0]
    assert first.sends == 2  # the same out_order_id, sent again once it was proven absent
    assert orders_for(sandbox, first.out_order_id) == 1
    assert requests(sandbox, OPEN_CARD) == 3


async def test_with_no_rounds_an_unknown_outcome_is_left_for_the_next_run(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    journal = MemoryJournal()
    sandbox.inject("error", operation="orders.open_card", applied=True)
    report = await IssueJob(client, journal=journal, resolve_rounds=0).run(specs(2))

    assert not report.ok
    assert report.counts["unknown"] == 1
    assert isinstance(report.rows[0].error, OutcomeUnknownError)
    assert journal.snapshot()["k0"].state is RowState.UNKNOWN

    again = await IssueJob(client, journal=journal).run(specs(2))
    assert again.ok
    assert again.sent == 0
    assert again.reconciled == 1
    assert orders_for(sandbox, again.rows[0].out_order_id) == 1


async def test_rows_left_sending_by_a_crash_are_reconciled_before_anything_is_sent(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    # Row k0: the request went out and was carried out before the crash. Row k1: the
    # process died between journaling `sending` and sending. Row k2: never started.
    sent = await client.orders.open_card(bin_id=BIN_ID, amount="10.00", out_order_id="oid-0")
    rows = {}
    for index, oid in enumerate(("oid-0", "oid-1", "oid-2")):
        row = JournalRow(f"k{index}", index, oid, {"bin_id": BIN_ID, "amount": "10.00"})
        if index < 2:
            row.mark_sending()
        rows[row.key] = row
    journal = MemoryJournal(rows)

    report = await IssueJob(client, journal=journal).run(specs(3))

    assert report.ok
    assert report.reconciled == 2
    assert report.sent == 2
    assert report.rows[0].order_id == sent.order_id
    assert report.rows[0].sends == 1
    assert [orders_for(sandbox, oid) for oid in ("oid-0", "oid-1", "oid-2")] == [1, 1, 1]
    assert requests(sandbox, OPEN_CARD) == 3  # 1 before the "crash" + k1 + k2


async def test_a_reconciliation_that_fails_leaves_the_row_unknown_and_sends_nothing(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    row = JournalRow("k0", 0, "oid-0", {"bin_id": BIN_ID, "amount": "10.00"})
    row.mark_sending()
    journal = MemoryJournal({"k0": row})
    sandbox.inject("error", operation="orders.list", count=10)  # the list call keeps failing

    report = await IssueJob(client, journal=journal).run(specs(1), max_retries=0)

    assert report.counts["unknown"] == 1
    assert report.sent == 0
    assert requests(sandbox, OPEN_CARD) == 0
    assert requests(sandbox, ORDER_LIST) >= 1


async def test_failed_rows_are_resent_only_when_asked(sandbox: Sandbox, client: AsyncLemft) -> None:
    journal = MemoryJournal()
    sandbox.inject("error", operation="orders.open_card", applied=False)
    bad = [*specs(1), {"key": "big", "bin_id": BIN_ID, "amount": "9999999"}]  # over the limit

    first = await IssueJob(client, journal=journal, resolve_rounds=0).run(bad)
    assert first.counts == {"pending": 0, "issued": 0, "failed": 1, "unknown": 1}
    assert isinstance(first.by_state("failed")[0].error, ParamError)

    second = await IssueJob(client, journal=journal).run(bad)
    assert second.counts["failed"] == 1
    assert second.counts["issued"] == 1
    assert second.sent == 1  # the unknown row, after reconciling it absent; not the failed one
    error = second.by_state("failed")[0].error  # rebuilt from the journal: still typed
    assert isinstance(error, ParamError)
    assert error.code == 10001

    third = await IssueJob(client, journal=journal).run(bad, retry_failed=True)
    assert third.sent == 1
    assert third.counts["failed"] == 1


async def test_bad_specs_are_refused_before_anything_is_sent(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    bad: list[Any] = [
        {"bin_id": BIN_ID, "amount": 1.5},
        {"bin_id": BIN_ID, "amount": "10", "colour": "red"},
        "not a mapping",
        {"key": "k", "bin_id": BIN_ID, "amount": "10"},
        {"key": "k", "bin_id": BIN_ID, "amount": "10"},
    ]
    with pytest.raises(SpecError) as caught:
        await IssueJob(client, journal=MemoryJournal()).run(bad)
    assert len(caught.value.problems) == 4
    assert "specs[0]" in caught.value.problems[0]
    assert "float" in caught.value.problems[0]
    assert "colour" in caught.value.problems[1]
    assert "duplicate key 'k'" in caught.value.problems[3]
    assert sum(sandbox.stats.requests.values()) == 0


async def test_a_spec_that_differs_from_its_journaled_row_is_refused(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    journal = MemoryJournal()
    await IssueJob(client, journal=journal).run(specs(2))
    changed = specs(3)
    changed[1]["amount"] = "11.00"
    sent = requests(sandbox, OPEN_CARD)

    with pytest.raises(SpecError, match=r"specs\[1\] \(key 'k1'\) differs"):
        await IssueJob(client, journal=journal).run(changed)
    assert requests(sandbox, OPEN_CARD) == sent
    # The same amount written differently is the same spec.
    same = specs(2)
    same[0]["amount"] = "10"
    assert (await IssueJob(client, journal=journal).run(same)).skipped == 2


async def test_progress_reports_every_row_and_a_broken_callback_is_ignored(
    client: AsyncLemft,
) -> None:
    seen: list[JobProgress] = []

    async def record(progress: JobProgress) -> None:
        seen.append(progress)
        if progress.done == 2:
            raise RuntimeError("broken callback")

    report = await IssueJob(client, journal=MemoryJournal()).run(specs(4), on_progress=record)

    assert report.ok
    assert [p.done for p in seen] == [1, 2, 3, 4]
    assert seen[-1].issued == 4
    assert seen[-1].total == 4
    assert seen[-1].rate > 0
    assert seen[-1].eta == 0


async def test_bad_job_settings_are_refused(client: AsyncLemft) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        IssueJob(client, journal=MemoryJournal(), concurrency=0)
    with pytest.raises(ValueError, match="resolve_rounds"):
        IssueJob(client, journal=MemoryJournal(), resolve_rounds=-1)
    with pytest.raises(ValueError, match="settle"):
        IssueJob(client, journal=MemoryJournal(), settle=-1)
    with pytest.raises(TypeError, match="journal"):
        IssueJob(client, journal=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await IssueJob(client, journal=MemoryJournal()).run(specs(1), colour=1)  # type: ignore[call-arg]


async def test_the_report_in_plain_json_types(client: AsyncLemft) -> None:
    report = await IssueJob(client, journal=MemoryJournal()).run(specs(2))
    data = report.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["totals"]["USD"]["amount"] == "20.00"
    assert [row["state"] for row in data["rows"]] == ["issued", "issued"]
    assert "issued=2" in repr(report)
    empty = JobProgress(0, 3, 0, 0, 0, 0.0, None)
    assert empty.eta is None
    assert empty.rate == 0.0
