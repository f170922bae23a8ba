"""KeySecure: get an Access-Token, list cards, get one card (against the embedded sandbox).

    python examples/keysecure_cards.py

Against the real platform, build the client yourself instead of ``sandbox.client()``:
``AsyncKeySecure(api_key=..., api_secret=..., environment="sandbox")``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import anyio

from lemft_async.keysecure import AsyncKeySecure
from lemft_async.keysecure.sandbox import KeySecureSandbox


async def show_cards(ks: AsyncKeySecure) -> dict[str, Any]:
    """The flow itself; works with any ``AsyncKeySecure``."""
    token = await ks.get_token()  # fetched once, cached until shortly before it expires
    print(f"access token expires at {token.expires_at}")

    today = date.today()
    page = await ks.cards.list(start_time=today - timedelta(days=30), end_time=today)
    for card in page:
        print(f"{card.card_unique_no:<10} {card.card_type} {card.status} ****{card.card_last_no}")

    first = page.items[0]
    assert first.card_no is not None
    detail = await ks.cards.retrieve(first.card_no)
    fee = detail.fee_detail.open_cost if detail.fee_detail else None
    print(f"{detail.card_unique_no}: package {detail.package_name_en!r}, open cost {fee}")
    return {"cards": len(page.items), "detail": detail, "token_fetches": ks.token_fetch_count}


async def run() -> dict[str, Any]:
    """Run the flow against a fresh sandbox."""
    sandbox = KeySecureSandbox()
    async with sandbox.client() as ks:
        return await show_cards(ks)


def main() -> None:
    anyio.run(run)


if __name__ == "__main__":
    main()
