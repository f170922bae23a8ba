"""Webhook verify + typed decode throughput vs the floor (ARCHITECTURE §9: <= 3x).

floor: ``hmac.new(...).hexdigest()`` + ``hmac.compare_digest`` + ``json.loads(body)``.
ours:  ``webhooks.construct_event`` on the same signed card notification (headers in
       mixed case, as a framework hands them over): verify, Decimal JSON, typed CardEvent.

Both run in the same process, interleaved in rounds (each round times the floor and
``construct_event`` back to back, in CPU time); the reported ratio is the median of the
per-round ratios, which stays stable when other load on the machine comes and goes. Prints both
rates and the ratio (construct time / floor time). ``--check`` exits 1 if the ratio
exceeds ``--max-ratio`` (default 3.0).

    .venv/bin/python bench/webhooks.py [--n 20000] [--rounds 20] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved

from lemft_async import webhooks
from lemft_async._signing import compute_signature

API_KEY = "bench-secret-not-real"

# The documented Card payload (reference §4) with the inferred envelope fields.
PAYLOAD = {
    "eventTag": "card.status.active",
    "notify_id": "ntf_8c1d0e5f3a2b4c6d",
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100005,
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_no": "4000000000000002",
    "balance": 10.25,
    "limit": 10,
    "expiry": "03/28",
    "cvv": "000",
    "pin": "",
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
    "close_at": "",
    "end_at": "",
    "mark": "",
}


def run(n: int, rounds: int) -> tuple[float, float]:
    """Seconds per call for (floor, construct_event): the floor's median round, and the
    floor times the median per-round ratio."""
    body = json.dumps(PAYLOAD, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    signature = compute_signature(API_KEY, body, timestamp)
    headers = {
        "Content-Type": "application/json",
        "Timestamp": timestamp,
        "Signature": signature,
        "EventTag": "card.status.active",
        "User-Agent": "lemft-notify",
    }
    key = API_KEY.encode()
    message = body + timestamp.encode()

    def floor() -> object:
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        hmac.compare_digest(expected, signature)
        return json.loads(body)

    def ours() -> object:
        return webhooks.construct_event(body, headers, api_key=API_KEY)

    event = ours()  # warm up, and prove the sample really verifies and decodes
    assert isinstance(event, webhooks.CardEvent)
    floor_time, our_time, _ratio, _spread = interleaved(ours, floor, max(1, n // rounds), rounds)
    return floor_time, our_time


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20_000, help="iterations per side")
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds")
    parser.add_argument("--check", action="store_true", help="exit 1 above --max-ratio")
    parser.add_argument("--max-ratio", type=float, default=3.0)
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1:
        parser.error("--n and --rounds must be >= 1")
    floor, ours = run(args.n, args.rounds)
    ratio = ours / floor
    print(
        f"floor (hmac + compare_digest + json.loads): {1 / floor:12,.0f}/s  {floor * 1e6:6.2f} us"
    )
    print(f"webhooks.construct_event (verify + typed):  {1 / ours:12,.0f}/s  {ours * 1e6:6.2f} us")
    print(f"ratio construct/floor: {ratio:.2f}x (target <= {args.max_ratio:g}x)")
    if args.check and ratio > args.max_ratio:
        print("FAIL: ratio above target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
