"""A KeySecure write the server accepted but whose answer does not fit its model.

The transfer happened (code 0): reporting it as a plain decoding failure would invite a
second transfer. It is an unknown outcome carrying the reference to reconcile with.
"""

from __future__ import annotations

from typing import Any

import pytest

from lemft_async import APIResponseValidationError
from lemft_async.keysecure import KeySecureOutcomeUnknownError
from tests.keysecure.conftest import TOKEN_PATH, envelope, make_client, token_response

TRANSFER = "/open-api/v1/account/transfer"


async def test_an_accepted_transfer_with_an_unfit_answer_is_outcome_unknown(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    route = api.post(TRANSFER).mock(return_value=envelope({"transfer_no": {"not": "text"}}))
    async with make_client() as ks:
        with pytest.raises(KeySecureOutcomeUnknownError) as info:
            await ks.accounts.transfer(
                cardholder_no="U1", type="In", balance="10.00", transfer_unique_no="T-77"
            )
    assert route.call_count == 1
    assert info.value.references["transfer_unique_no"] == "T-77"
    assert isinstance(info.value.cause, APIResponseValidationError)
    assert "most likely carried out" in str(info.value)


async def test_a_read_with_an_unfit_answer_stays_a_validation_error(api: Any) -> None:
    api.get(TOKEN_PATH).mock(return_value=token_response())
    api.get("/open-api/v1/card/C1/detail").mock(return_value=envelope({"card_no": {"not": "text"}}))
    async with make_client() as ks:
        with pytest.raises(APIResponseValidationError):
            await ks.cards.retrieve("C1")
