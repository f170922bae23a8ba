"""A Starlette (or FastAPI) receiver for Lemon Payin callbacks, fed by the Payin sandbox.

    python examples/payin_receiver.py

``build_app`` is what you deploy: one route, GET and POST, that verifies the callback,
runs the handler once per event and answers exactly ``success``. ``main`` points the
sandbox gateway at it (in-process, no sockets), creates one pay-in that gets paid and one
that fails, then asks the gateway to send the paid one again (``execute_notify=True``):
the redelivery is answered ``success`` without running the handler a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from starlette.applications import Starlette
from starlette.routing import Route

from lemft_async.payin import (
    AsyncPayin,
    Notification,
    PayinNotification,
    PayinStatus,
    starlette_endpoint,
)
from lemft_async.payin.sandbox import PayinRecord, PayinSandbox

NOTIFY_URL = "https://merchant.example/payin/notify"


@dataclass
class Ledger:
    """Stands in for your database: what the handler recorded."""

    events: list[Notification] = field(default_factory=list)

    async def on_notification(self, notification: Notification) -> None:
        # Make this idempotent in your database too (e.g. unique on mch_order_no + outcome):
        # the receiver's store de-duplicates per process only.
        self.events.append(notification)
        if isinstance(notification, PayinNotification):
            state = "PAID" if notification.is_paid else f"not paid ({notification.status!r})"
            print(f"handler  {notification.mch_order_no}: {state}")


def build_app(payin: AsyncPayin, ledger: Ledger) -> Starlette:
    """The receiver app: mount the helper on your notify URL's path."""
    endpoint = starlette_endpoint(payin, ledger.on_notification)
    return Starlette(routes=[Route("/payin/notify", endpoint, methods=["GET", "POST"])])


def _fail_odd_rupees(record: PayinRecord) -> PayinStatus:
    # The sandbox's decision rule for this demo: odd rupee amounts fail.
    return PayinStatus.FAILED if (record.amount // 100) % 2 else PayinStatus.PAID


async def run() -> Ledger:
    """Pay one order, fail another, redeliver the paid one; return what the handler saw."""
    ledger = Ledger()
    sandbox = PayinSandbox(payin_outcome=_fail_odd_rupees)
    payin = sandbox.client()
    sandbox.receiver = build_app(payin, ledger)
    async with sandbox, payin:
        paid = await payin.create_order(amount=20000, notify_url=NOTIFY_URL)
        await payin.create_order(amount=10100, notify_url=NOTIFY_URL)
        await sandbox.wait_idle()

        await payin.query_order(mch_order_no=paid.mch_order_no, execute_notify=True)
        await sandbox.wait_idle()

        for callback in sandbox.outbox:
            answers = [a.body for a in callback.attempts]
            print(
                f"gateway  {callback.params['mchOrderNo']} status={callback.params['status']}"
                f" answered {answers}"
            )
    return ledger


def main() -> None:
    ledger = anyio.run(run)
    print(f"{len(ledger.events)} event(s) handled")


if __name__ == "__main__":
    main()
