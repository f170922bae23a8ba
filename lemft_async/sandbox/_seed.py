"""What a fresh sandbox holds: two wallets, three BINs, two holders, payout reference data.

All values are fake and obviously so; the credentials live in ``_credentials``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ._entities import BinProduct, Holder, Wallet
from ._payouts import PayMethod
from ._state import State

__all__ = ["DEFAULT_WALLETS", "seed"]

DEFAULT_WALLETS: Mapping[str, Decimal] = {"USD": Decimal("100000.00"), "HKD": Decimal("50000.00")}
"""Opening balances of the seeded wallets."""

_SEEDED_AT = "2024-01-31 09:49:02"

D = Decimal


def _bins() -> list[BinProduct]:
    return [
        BinProduct(
            bin_id="cpi_6530de6a2f1c7",
            bin="491090",
            bin_name="Sandbox USD Virtual",
            card_brand="VISA",
            currency="USD",
            card_type=2,
            open_card_fee=D("1.00"),
            recharge_fee_rate=D("0.015"),
            recharge_fee_min=D("0.50"),
            min_open_amount=D("0.00"),
            max_open_amount=D("5000.00"),
            min_recharge_amount=D("1.00"),
            max_recharge_amount=D("10000.00"),
            max_balance=D("20000.00"),
            single_trade_limit=D("5000.00"),
            daily_trade_limit=D("10000.00"),
            create_at=_SEEDED_AT,
        ),
        BinProduct(
            bin_id="cpi_6530de6a2f1c8",
            bin="532810",
            bin_name="Sandbox USD Physical",
            card_brand="MASTERCARD",
            currency="USD",
            card_type=1,
            open_card_fee=D("5.00"),
            recharge_fee_rate=D("0.02"),
            recharge_fee_min=D("1.00"),
            min_open_amount=D("10.00"),
            max_open_amount=D("5000.00"),
            min_recharge_amount=D("10.00"),
            max_recharge_amount=D("10000.00"),
            max_balance=D("50000.00"),
            single_trade_limit=D("10000.00"),
            daily_trade_limit=D("20000.00"),
            create_at=_SEEDED_AT,
        ),
        BinProduct(
            bin_id="cpi_6530de6a2f1c9",
            bin="491091",
            bin_name="Sandbox HKD Virtual",
            card_brand="VISA",
            currency="HKD",
            card_type=2,
            open_card_fee=D("8.00"),
            recharge_fee_rate=D("0.015"),
            recharge_fee_min=D("4.00"),
            min_open_amount=D("0.00"),
            max_open_amount=D("40000.00"),
            min_recharge_amount=D("10.00"),
            max_recharge_amount=D("80000.00"),
            max_balance=D("150000.00"),
            single_trade_limit=D("40000.00"),
            daily_trade_limit=D("80000.00"),
            create_at=_SEEDED_AT,
        ),
    ]


def _holders() -> list[Holder]:
    return [
        Holder(
            holder_id="hid_SandboxAda01",
            profile={
                "first_name": "Ada",
                "last_name": "Sandbox",
                "email": "ada@example.com",
                "mobile_prefix": "+852",
                "mobile": "55510001",
                "birthday": "1990-12-10",
                "country": "HK",
                "state": "Hong Kong Island",
                "city": "Hong Kong",
                "address": "1 Example Road",
                "post_code": "000000",
            },
            create_at=_SEEDED_AT,
        ),
        Holder(
            holder_id="hid_SandboxBob02",
            profile={
                "first_name": "Bob",
                "last_name": "Sandbox",
                "email": "bob@example.com",
                "mobile_prefix": "+1",
                "mobile": "5550100",
                "birthday": "1985-04-01",
                "country": "US",
                "state": "CA",
                "city": "San Francisco",
                "address": "2 Example Street",
                "post_code": "94105",
            },
            create_at=_SEEDED_AT,
        ),
    ]


def _pay_methods() -> list[PayMethod]:
    return [
        PayMethod("pmd_usd_swift", "USD SWIFT transfer", "USD", "US", D("0.001"), D("15.00"),
                  D("100.00"), D("100000.00")),
        PayMethod("pmd_usd_local", "USD local transfer", "USD", "US", D("0"), D("2.00"),
                  D("1.00"), D("50000.00")),
        PayMethod("pmd_hkd_fps", "HKD FPS transfer", "HKD", "HK", D("0"), D("5.00"),
                  D("1.00"), D("200000.00")),
    ]  # fmt: skip


def seed(state: State, wallets: Mapping[str, Decimal] | None = None) -> None:
    """Fill ``state`` with the default data set (``wallets`` overrides opening balances)."""
    balances = dict(DEFAULT_WALLETS if wallets is None else wallets)
    for index, (currency, balance) in enumerate(balances.items()):
        state.add_wallet(
            Wallet(
                wallet_id=100007 + index,
                wallet_sn=state.new_hex(32),
                wallet_name=currency,
                customer_id=state.customer_id,
                currency=currency,
                available_balance=Decimal(balance).quantize(Decimal("0.01")),
                freeze_balance=Decimal("0.00"),
                status=1,
                create_at=_SEEDED_AT,
            )
        )
    for product in _bins():
        state.bins[product.bin_id] = product
    for holder in _holders():
        state.holders[holder.holder_id] = holder
    for method in _pay_methods():
        state.pay_methods[method.pay_method_id] = method
    state.fund_sources.update(
        {
            "business_income": "Business income",
            "investment": "Investment",
            "loan": "Loan",
            "savings": "Savings",
        }
    )
    state.payment_purposes.update(
        {
            "goods_trade": "Goods trade",
            "services": "Services",
            "payroll": "Payroll",
            "marketing": "Marketing",
        }
    )
    state.payment_reasons.update(
        {
            "supplier_payment": "Supplier payment",
            "salary": "Salary",
            "service_fee": "Service fee",
            "refund": "Refund",
        }
    )
    state.exchange_rates.update(
        {
            ("USD", "HKD"): Decimal("7.8000"),
            ("HKD", "USD"): Decimal("0.128205"),
            ("USD", "EUR"): Decimal("0.920000"),
            ("EUR", "USD"): Decimal("1.086957"),
        }
    )
