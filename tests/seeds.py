"""The response examples printed in the LEMFT docs (lemft-openapi.md §5), exactly as printed.

One copy for every test that decodes them: as raw bytes (what the server sends) and as the
``data`` dicts (for respx answers built with ``json.dumps``, which writes the same numbers).
"""

from __future__ import annotations

import json
from typing import Any

# The docs' getOrder response example (lemft-openapi.md §5), exactly as printed.
SEED_GET_ORDER_RESPONSE = b"""{
    "code": 0,
    "message": "success",
    "data": {
        "order_info": {
            "order_id": "ord_MEP9vKJi",
            "bin_id": "cpi_6530de6a2f1c7",
            "holder_id": "",
            "out_order_id": "out_10002000004",
            "card_type": 2,
            "order_type": 2,
            "amount": 20,
            "fee": 0.4,
            "currency": "USD",
            "card_id": "cid_YqcDBySrmt9iLFJy",
            "status": 1,
            "track_code": "",
            "track_supplier": "",
            "track_at": "out_10002000004",
            "complete_at": "2025-02-19 05:33:57",
            "create_at": "2025-02-19 05:33:57"
        },
        "order_bill_list": [
            {
                "bill_type": 2,
                "in_out_type": 2,
                "transaction_time": "2025-02-19 05:33:56",
                "bill_list": [
                    {
                        "bill_category": 3,
                        "amount": 20
                    },
                    {
                        "bill_category": 4,
                        "amount": 0.4
                    }
                ]
            }
        ]
    }
}"""

# The docs' walletList response example, exactly as printed.
SEED_WALLET_LIST_RESPONSE = b"""{
    "code": 0,
    "message": "success",
    "data": {
        "total": 2,
        "page_no": 1,
        "page_size": 10,
        "wallet_list": [
            {
                "wallet_id": 100008,
                "wallet_sn": "d55d8975d44c4b89ab67dad7f6661b01",
                "wallet_name": "HKD",
                "customer_id": 10001001,
                "currency": "HKD",
                "available_balance": 10020,
                "freeze_balance": 0,
                "status": 1,
                "create_at": "2024-01-31 09:49:02"
            },
            {
                "wallet_id": 100007,
                "wallet_sn": "f5ac9324657f47568a58428e2cdad955",
                "wallet_name": "USD",
                "customer_id": 10001001,
                "currency": "USD",
                "available_balance": 9865.29,
                "freeze_balance": 0,
                "status": 1,
                "create_at": "2024-01-31 09:49:02"
            }
        ]
    }
}"""

DOC_ORDER_DETAIL: dict[str, Any] = json.loads(SEED_GET_ORDER_RESPONSE)["data"]
"""The ``data`` of the getOrder example (floats are fine here: re-encoded by json.dumps)."""

DOC_WALLET_LIST: dict[str, Any] = json.loads(SEED_WALLET_LIST_RESPONSE)["data"]
"""The ``data`` of the walletList example."""
