"""A KeySecure callback receiver that answers ``Auth`` within the deadline (800 ms).

    python examples/keysecure_receiver.py

The demo wires the receiver to the embedded sandbox and sends it three callbacks: a small
purchase (approved by the handler), a large one whose "risk check" is too slow (answered
by the fallback at the deadline), and a card status change (acknowledged). In production,
serve ``build_app(client)`` with uvicorn and register its URL with KeySecure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio
from starlette.applications import Starlette

from lemft_async.keysecure import (
    AsyncKeySecure,
    AuthEvent,
    AuthReceiver,
    AuthReply,
    CardUpdateEvent,
    KeySecureEvent,
)
from lemft_async.keysecure.sandbox import KeySecureSandbox

LIMIT = Decimal("100.00")


async def on_auth(event: AuthEvent) -> AuthReply:
    """Approve small purchases at once; large ones need a (slow) risk check."""
    amount = event.data.amount or Decimal(0)
    if amount <= LIMIT:
        return AuthReply.approve()
    await anyio.sleep(5)  # stands in for a slow fraud service
    return AuthReply.approve()


async def on_event(event: KeySecureEvent) -> None:
    if isinstance(event, CardUpdateEvent):
        print(f"card status {event.data.before_status} -> {event.data.after_status}")


def build_app(ks: AsyncKeySecure, *, deadline: float = 0.8) -> Starlette:
    """The receiver as a Starlette app at ``/keysecure/callback``."""
    receiver = AuthReceiver(
        ks,  # verifies with the client's api_key / api_secret
        on_auth=on_auth,
        on_event=on_event,
        deadline=deadline,
        fallback=AuthReply.decline("risk check timed out"),  # non-zero: platform decides
    )
    return receiver.as_starlette_app("/keysecure/callback")


async def run(*, deadline: float = 0.8) -> dict[str, Any]:
    """Send the three callbacks through the sandbox; return the merchant's answers."""
    sandbox = KeySecureSandbox()
    async with sandbox.client() as ks:
        sandbox.register_callback(build_app(ks, deadline=deadline))
        small = await sandbox.emit_auth("C0001", Decimal("12.50"))
        print(f"Auth 12.50   -> {small.json()}")
        large = await sandbox.emit_auth("C0001", Decimal("2500.00"))
        print(f"Auth 2500.00 -> {large.json()} (fallback at the deadline)")
        update = await sandbox.emit_card_update("C0001", "Frozen", reason="user request")
        print(f"Card_update  -> {update.json()}")
        return {"small": small.json(), "large": large.json(), "update": update.json()}


def main() -> None:
    anyio.run(run)


if __name__ == "__main__":
    main()
