"""Every typed endpoint against the sandbox, and the client-side checks made before sending."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypedDict

import pytest

from lemft_async.keysecure import (
    ENDPOINTS,
    Account,
    AsyncKeySecure,
    CardBin,
    CardError,
    CardholderError,
    CardholderStatus,
    CardPackage,
    CardStatus,
    CardType,
    ConsumptionType,
    EncryptedCardData,
    KeySecureParamError,
    TransferType,
)
from lemft_async.keysecure.sandbox import KeySecureSandbox

UTC8 = timezone(timedelta(hours=8))
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "phone_code": "44",
    "phone": "2071234567",
    "postal_code": "N1 9GU",
    "country": "GB",
    "state": "London",
    "city": "London",
    "address_line1": "1 Example Street",
}


def today(sandbox: KeySecureSandbox) -> date:
    return datetime.fromtimestamp(sandbox.clock(), UTC8).date()


class Window(TypedDict):
    start_time: date
    end_time: date


def window(sandbox: KeySecureSandbox) -> Window:
    day = today(sandbox)
    return {"start_time": day - timedelta(days=30), "end_time": day + timedelta(days=1)}


async def refused_before_sending(
    sandbox: KeySecureSandbox, call: Callable[[], Awaitable[Any]], exc: type[Exception], match: str
) -> None:
    before = sum(sandbox.stats.requests.values())
    with pytest.raises(exc, match=match):
        await call()
    assert sum(sandbox.stats.requests.values()) == before


# -- cardholders ----------------------------------------------------------------------------


async def test_cardholders(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    created = await ks.cardholders.apply(
        cardholder_unique_no="MERCHANT_USER_900", sumsub_share_token="share-token-not-real"
    )
    assert created.cardholder_no
    assert created.cardholder_unique_no == "MERCHANT_USER_900"
    updated = await ks.cardholders.apply(
        cardholder_no=created.cardholder_no,
        cardholder_unique_no="MERCHANT_USER_900",
        sumsub_share_token="share-token-not-real",
    )
    assert updated.cardholder_no == created.cardholder_no
    with pytest.raises(CardholderError) as info:
        await ks.cardholders.apply(
            cardholder_unique_no="MERCHANT_USER_900", sumsub_share_token="share-token-not-real"
        )
    assert info.value.code == 2001

    page = await ks.cardholders.list(**window(sandbox))
    numbers = {h.cardholder_no for h in page}
    assert {"U0001", "U0002", "U0003", created.cardholder_no} <= numbers
    one = await ks.cardholders.list(**window(sandbox), cardholder_unique_no="MERCHANT_USER_002")
    assert [h.cardholder_no for h in one] == ["U0002"]

    detail = await ks.cardholders.retrieve("U0001")
    assert detail.status is CardholderStatus.APPROVED
    assert detail.total_balance == Decimal("1000.00")
    assert detail.time_utc is not None
    assert detail.time_utc.tzinfo is not None
    with pytest.raises(CardholderError, match="2002"):
        await ks.cardholders.retrieve("U9999")


async def test_cardholder_checks(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    await refused_before_sending(
        sandbox,
        lambda: ks.cardholders.apply(cardholder_unique_no="x" * 65, sumsub_share_token="t"),
        ValueError,
        "at most 64",
    )
    await refused_before_sending(
        sandbox,
        lambda: ks.cardholders.apply(cardholder_unique_no="u", sumsub_share_token=""),
        ValueError,
        "sumsub_share_token",
    )


# -- cards ----------------------------------------------------------------------------------


async def test_card_apply_list_retrieve(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    virtual = await ks.cards.apply(cardholder_no="U0002", card_type="Virtual", package_no="P0001")
    assert virtual.card_no
    assert virtual.card_unique_no  # generated reference comes back
    physical = await ks.cards.apply(
        cardholder_no="U0002",
        card_type=CardType.PHYSICAL,
        card_bin_no="C_BIN_002",
        card_unique_no="MY-CARD-1",
        address_info=ADDRESS,
    )
    assert physical.card_unique_no == "MY-CARD-1"

    cards = [c async for c in ks.cards.list(**window(sandbox), cardholder_no="U0002")]
    assert {c.card_no for c in cards} == {"C0003", virtual.card_no, physical.card_no}
    assert physical.card_no is not None
    detail = await ks.cards.retrieve(physical.card_no)
    assert detail.status is CardStatus.TO_ACTIVATE
    assert detail.card_type is CardType.PHYSICAL
    seeded = await ks.cards.retrieve("C0001")
    assert seeded.fee_detail is not None
    assert seeded.fee_detail.open_cost == Decimal("5.00")
    with pytest.raises(CardError, match="4001"):
        await ks.cards.retrieve("C9999")


@pytest.mark.parametrize(
    ("options", "exc", "match"),
    [
        ({"card_type": "Virtual"}, ValueError, "package_no"),
        ({"card_type": "Physical", "package_no": "P0002"}, ValueError, "address_info is required"),
        (
            {"card_type": "Physical", "package_no": "P0002", "address_info": {"city": "X"}},
            ValueError,
            "missing first_name",
        ),
        (
            {
                "card_type": "Virtual",
                "package_no": "P1",
                "address_info": {**ADDRESS, "phone_code": "+44"},
            },
            ValueError,
            "phone_code",
        ),
        (
            {"card_type": "Virtual", "package_no": "P1", "card_unique_no": "u" * 65},
            ValueError,
            "64",
        ),
        ({"card_type": "", "package_no": "P1"}, ValueError, "card_type"),
        ({"card_type": "Virtual", "package_no": "P1", "address_info": ["x"]}, TypeError, "mapping"),
    ],
)
async def test_card_apply_checks(
    sandbox: KeySecureSandbox,
    ks: AsyncKeySecure,
    options: dict[str, Any],
    exc: type[Exception],
    match: str,
) -> None:
    await refused_before_sending(
        sandbox, lambda: ks.cards.apply(cardholder_no="U0001", **options), exc, match
    )


async def test_private_info_ciphertext_and_decrypt_hook(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure
) -> None:
    encrypted = await ks.cards.private_info("C0001")
    assert isinstance(encrypted, EncryptedCardData)
    assert "4242424242424242" not in encrypted.ciphertext
    assert encrypted.ciphertext not in repr(encrypted)
    info = encrypted.decrypt(sandbox.decrypt)
    assert info.pan == "4242424242424242"
    assert info.cvv == "123"
    assert "4242424242424242" not in repr(info)
    assert "'123'" not in repr(info)

    async def async_decrypt(ciphertext: str) -> str:
        return sandbox.decrypt(ciphertext)

    decrypted = await ks.cards.private_info_decrypted("C0001", decrypt=async_decrypt)
    assert decrypted.exp_month == "12"
    with pytest.raises(ValueError, match="decrypt is required"):
        await ks.cards.private_info_decrypted("C0001")
    async with sandbox.client(decrypt=sandbox.decrypt) as configured:
        assert (await configured.cards.private_info_decrypted("C0001")).card_no == "C0001"


async def test_wrong_decrypt_gives_a_clean_error(ks: AsyncKeySecure) -> None:
    from lemft_async import APIResponseValidationError

    with pytest.raises(APIResponseValidationError, match="wrong key"):
        await ks.cards.private_info_decrypted("C0001", decrypt=lambda c: "garbage")


async def test_activate_status_and_pin(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    card = sandbox.state.cards["C0002"]
    result = await ks.cards.activate(
        card_no="C0002",
        cardholder_no="U0001",
        card_last_no=card.pan[-4:],
        cvv=card.cvv,
        encrypt=sandbox.encrypt,
    )
    assert result.result is True
    assert card.status == "Activated"

    assert (await ks.cards.set_pin(
        card_no="C0002", cardholder_no="U0001", encrypted_pin=sandbox.encrypt("482915")
    )).result is True  # fmt: skip
    assert card.pin == "482915"
    with pytest.raises(CardError, match="4016"):
        await ks.cards.set_pin(
            card_no="C0002", cardholder_no="U0001", pin="123456", encrypt=sandbox.encrypt
        )
    with pytest.raises(CardError, match="4017"):
        await ks.cards.set_pin(
            card_no="C0001", cardholder_no="U0001", pin="482915", encrypt=sandbox.encrypt
        )

    assert (await ks.cards.freeze("C0002")).result is True
    assert card.status == "Frozen"
    assert (await ks.cards.unfreeze("C0002")).result is True
    assert (await ks.cards.update_status("C0002", status="Delete")).result is True
    with pytest.raises(CardError, match="4005"):
        await ks.cards.freeze("C0002")


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda ks: ks.cards.update_status("C0001", status="Pending"), ValueError, "status"),
        (
            lambda ks: ks.cards.activate(
                card_no="C", cardholder_no="U", card_last_no="12", cvv="1"
            ),
            ValueError,
            "card_last_no|cvv",
        ),
        (
            lambda ks: ks.cards.activate(card_no="C", cardholder_no="U", card_last_no="1234"),
            ValueError,
            "exactly one of cvv",
        ),
        (
            lambda ks: ks.cards.activate(
                card_no="C", cardholder_no="U", card_last_no="1234", cvv="123"
            ),
            ValueError,
            "encrypt is required",
        ),
        (
            lambda ks: ks.cards.set_pin(card_no="C", cardholder_no="U", pin="12345"),
            ValueError,
            "6 digits",
        ),
        (
            lambda ks: ks.cards.set_pin(card_no="C", cardholder_no="U", pin=123456),
            TypeError,
            "pin must be a str",
        ),
        (
            lambda ks: ks.cards.set_pin(card_no="C", cardholder_no="U", pin="1", encrypted_pin="x"),
            ValueError,
            "exactly one of pin",
        ),
        (lambda ks: ks.cards.retrieve(""), ValueError, "card_no"),
        (lambda ks: ks.cards.client_token(None), TypeError, "card_no"),
    ],
)
async def test_card_checks(
    sandbox: KeySecureSandbox,
    ks: AsyncKeySecure,
    call: Callable[[AsyncKeySecure], Awaitable[Any]],
    exc: type[Exception],
    match: str,
) -> None:
    await refused_before_sending(sandbox, lambda: call(ks), exc, match)


async def test_client_token(ks: AsyncKeySecure) -> None:
    token = await ks.cards.client_token("C0001")
    assert token.client_access_token
    assert token.expires_in == 300
    assert token.client_access_token not in repr(token)


# -- consumptions, accounts, catalog --------------------------------------------------------


async def test_consumptions(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    page = await ks.consumptions.list(**window(sandbox), card_no="C0001")
    by_no = {c.consume_no: c for c in page}
    assert by_no["T0001"].amount == Decimal("12.50")
    assert by_no["T0002"].type is ConsumptionType.REFUND
    one = await ks.consumptions.retrieve("T0001")
    assert one.remark == "coffee"
    assert one.local_currency == "USD"


async def test_transfers_and_accounts(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    moved = await ks.accounts.transfer(
        cardholder_no="U0002", type=TransferType.OUT, balance=Decimal("250.25")
    )
    assert moved.before_balance == Decimal("1000.00")
    assert moved.after_balance == Decimal("749.75")
    assert moved.transfer_unique_no
    assert len(moved.transfer_unique_no) <= 64
    accounts = await ks.accounts.retrieve("U0002")
    assert accounts == [
        Account(
            cardholder_no="U0002",
            symbol="TUSDT",
            symbol_chain="TRON",
            balance=Decimal("749.75"),
            usd_balance=Decimal("749.75"),
            bonus_balance=Decimal("0.00"),
            usd_bonus_balance=Decimal("0.00"),
        )
    ]
    flow = await ks.accounts.list_transfers(**window(sandbox), cardholder_no="U0002")
    assert [t.transfer_unique_no for t in flow] == [moved.transfer_unique_no]
    with pytest.raises(Exception, match="3002"):
        await ks.accounts.transfer(cardholder_no="U0002", type="Out", balance="100000")


@pytest.mark.parametrize(
    ("balance", "exc", "match"),
    [
        (1.5, TypeError, "float"),
        ("1.005", ValueError, "2 decimal"),
        ("0", ValueError, "> 0"),
        ("-3", ValueError, "> 0"),
        ("abc", ValueError, "not a number"),
    ],
)
async def test_transfer_amount_checks(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, balance: Any, exc: type[Exception], match: str
) -> None:
    await refused_before_sending(
        sandbox,
        lambda: ks.accounts.transfer(cardholder_no="U0001", type="In", balance=balance),
        exc,
        match,
    )


async def test_transfer_type_is_checked(sandbox: KeySecureSandbox, ks: AsyncKeySecure) -> None:
    await refused_before_sending(
        sandbox,
        lambda: ks.accounts.transfer(cardholder_no="U0001", type="Sideways", balance="1"),
        ValueError,
        "'In' or 'Out'",
    )


async def test_packages_and_bins(ks: AsyncKeySecure) -> None:
    packages = await ks.packages.list(type=CardType.PHYSICAL)
    assert [p.package_no for p in packages] == ["P0002"]
    assert isinstance(packages.items[0], CardPackage)
    assert packages.items[0].consumption_limit is not None
    bins = [b async for b in ks.bins.list(size=1)]
    assert [b.card_bin_no for b in bins] == ["C_BIN_001", "C_BIN_002"]
    assert isinstance(bins[0], CardBin)
    assert bins[0].currencies == ["USD"]


# -- list arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "exc", "match"),
    [
        ("2026-01-01", "2026-04-02", ValueError, "90 days"),
        ("2026-02-01", "2026-01-01", ValueError, "after start_time"),
        ("2026-01-01 10:00:00", "2026-01-01 10:00:00", ValueError, "after start_time"),
        ("2026/01/01", "2026-01-02", ValueError, "yyyy-MM-dd"),
        ("2026-02-30", "2026-03-01", ValueError, "yyyy-MM-dd"),
        (20260101, "2026-01-02", TypeError, "start_time"),
    ],
)
async def test_time_range_checks(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, start: Any, end: Any, exc: type, match: str
) -> None:
    await refused_before_sending(
        sandbox, lambda: ks.cards.list(start_time=start, end_time=end), exc, match
    )


@pytest.mark.parametrize(
    ("page", "size", "exc", "match"),
    [(-1, 10, ValueError, "page"), (0, 0, ValueError, "size"), (0, 101, ValueError, "size"),
     (True, 10, TypeError, "page"), (0, 1.5, TypeError, "size")],
)  # fmt: skip
async def test_page_checks(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure, page: Any, size: Any, exc: type, match: str
) -> None:
    await refused_before_sending(sandbox, lambda: ks.bins.list(page=page, size=size), exc, match)


async def test_list_body_shape_and_extra_body(sandbox: KeySecureSandbox) -> None:
    seen: list[Any] = []
    async with sandbox.client() as ks:
        original = ks._transport.call

        async def spy(endpoint: Any, content: Any, **kwargs: Any) -> Any:
            seen.append(None if content is None else json.loads(content))
            return await original(endpoint, content, **kwargs)

        ks._transport.call = spy  # type: ignore[method-assign]
        await ks.cards.list(
            start_time=date(2026, 1, 1),
            end_time=datetime(2026, 1, 31, 12, 30, 15, 999),
            page=2,
            size=100,
            extra_body={"future_filter": "x"},
        )
        with pytest.raises(ValueError, match="repeats"):
            await ks.cards.list(
                start_time="2026-01-01", end_time="2026-01-02", extra_body={"start_time": "x"}
            )
        with pytest.raises(ValueError, match="page/size"):
            await ks.bins.list(extra_body={"page": 3})
    assert next(b for b in seen if b is not None) == {
        "start_time": "2026-01-01",
        "end_time": "2026-01-31 12:30:15",
        "future_filter": "x",
        "page": 2,
        "size": 100,
    }


async def test_aware_datetimes_are_converted_to_the_header_zone(sandbox: KeySecureSandbox) -> None:
    async with sandbox.client(timezone="UTC+8") as ks:
        captured: list[Any] = []
        original = ks._transport.call

        async def spy(endpoint: Any, content: Any, **kwargs: Any) -> Any:
            captured.append(None if content is None else json.loads(content))
            return await original(endpoint, content, **kwargs)

        ks._transport.call = spy  # type: ignore[method-assign]
        start = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
        await ks.cards.list(start_time=start, end_time=start + timedelta(days=1))
    captured = [b for b in captured if b is not None]
    assert captured[0]["start_time"] == "2026-01-01 08:00:00"
    assert captured[0]["end_time"] == "2026-01-02 08:00:00"

    async with sandbox.client(timezone="Asia/Shanghai") as other:
        with pytest.raises(ValueError, match="timezone-aware"):
            await other.cards.list(start_time=start, end_time=start + timedelta(days=1))


async def test_server_side_param_error_is_typed(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure
) -> None:
    # Card types are open (the platform may add some), so the server is the judge.
    with pytest.raises(KeySecureParamError) as info:
        await ks.cards.apply(cardholder_no="U0001", card_type="Plastic", package_no="P0001")
    assert info.value.code == 1004
    assert "card_type" in info.value.message


async def test_every_catalogue_operation_has_a_typed_method(
    sandbox: KeySecureSandbox, ks: AsyncKeySecure
) -> None:
    span = window(sandbox)
    card = sandbox.state.cards["C0002"]
    await ks.get_token()
    await ks.cardholders.apply(cardholder_unique_no="TOUR-1", sumsub_share_token="t-not-real")
    await ks.cardholders.list(**span)
    await ks.cardholders.retrieve("U0001")
    await ks.cards.apply(cardholder_no="U0001", card_type="Virtual", package_no="P0001")
    await ks.cards.list(**span)
    await ks.cards.retrieve("C0001")
    await ks.cards.private_info("C0001")
    await ks.cards.activate(
        card_no="C0002",
        cardholder_no="U0001",
        card_last_no=card.pan[-4:],
        encrypted_cvv=sandbox.encrypt(card.cvv),
    )
    await ks.cards.update_status("C0001", status=CardStatus.FROZEN)
    await ks.cards.set_pin(
        card_no="C0002", cardholder_no="U0001", encrypted_pin=sandbox.encrypt("802413")
    )
    await ks.cards.client_token("C0001")
    await ks.consumptions.retrieve("T0001")
    await ks.consumptions.list(**span)
    await ks.accounts.transfer(cardholder_no="U0001", type="In", balance=1)
    await ks.accounts.retrieve("U0001")
    await ks.accounts.list_transfers(**span)
    await ks.packages.list()
    await ks.bins.list()
    assert set(sandbox.stats.requests) == set(ENDPOINTS)
    assert sum(sandbox.stats.rejections.values()) == 0


async def test_card_writes_take_extra_body(sandbox: KeySecureSandbox) -> None:
    seen: list[Any] = []
    async with sandbox.client() as ks:
        original = ks._transport.call

        async def spy(endpoint: Any, content: Any, **kwargs: Any) -> Any:
            seen.append(None if content is None else json.loads(content))
            return await original(endpoint, content, **kwargs)

        ks._transport.call = spy  # type: ignore[method-assign]
        await ks.cards.freeze("C0001", extra_body={"reason": "lost"})
        await ks.cards.unfreeze("C0001", extra_body={"reason": "found"})
        sent = len(seen)
        with pytest.raises(ValueError, match="repeats"):
            await ks.cards.update_status("C0002", status="Frozen", extra_body={"status": "x"})
        with pytest.raises(ValueError, match="repeats"):
            await ks.cards.set_pin(
                card_no="C0002",
                cardholder_no="U0001",
                encrypted_pin="x",
                extra_body={"card_no": "C0001"},
            )
        assert len(seen) == sent  # refused before sending
    bodies = [b for b in seen if b is not None and "status" in b]
    assert bodies[0] == {"card_no": "C0001", "status": "Frozen", "reason": "lost"}
    assert bodies[1] == {"card_no": "C0001", "status": "Activated", "reason": "found"}
