"""What each sandbox endpoint does to the state (business rules from the endpoint pages).

Error codes: 1004 (parameter, message starts with the field name), 1019/1020 (time
range), 1013 is not simulated (PCI is always on), 2001/2002 (cardholder), 4005/4016/4017
(card status, PIN rule, PIN on a virtual card) as documented; 4001 (card not found),
3001 (duplicate transfer) and 3002 (insufficient balance) are the sandbox's own choices
because the 3xxx/4xxx texts are not in our copy of the docs.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ._cipher import SandboxCipher
from ._state import (
    DAY_MS,
    CardRecord,
    HolderRecord,
    SandboxError,
    SandboxState,
    TransferRecord,
    money,
)

__all__ = ["Context", "SandboxOps"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@dataclass
class Context:
    """Per-request facts: server time and the zone from the ``Timezone`` header."""

    now_ms: int
    tz: timezone
    token_lifetime_ms: int
    issue_token: Callable[[int], str]


def _text(body: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise SandboxError(1004, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise SandboxError(1004, f"{name} must be a string")
    return value


def _need(body: Mapping[str, Any], name: str) -> str:
    value = _text(body, name)
    assert value is not None
    return value


def _page(body: Mapping[str, Any]) -> tuple[int, int]:
    page, size = body.get("page", 0), body.get("size", 10)
    if not isinstance(page, int) or isinstance(page, bool) or page < 0:
        raise SandboxError(1004, "page must be an integer >= 0")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 100:
        raise SandboxError(1004, "size must be between 1 and 100")
    return page, size


def _bound(body: Mapping[str, Any], name: str, tz: timezone, *, end: bool) -> int:
    text = _need(body, name)
    try:
        if _DATE.match(text):
            moment = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=tz)
            if end:  # a date as end means the whole day (inclusive)
                moment += timedelta(days=1) - timedelta(milliseconds=1)
        elif _DATETIME.match(text):
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        else:
            raise ValueError(text)
    except ValueError:
        raise SandboxError(
            1004, f"{name} format must be yyyy-MM-dd or yyyy-MM-dd HH:mm:ss"
        ) from None
    return int(moment.timestamp() * 1000)


def _range(body: Mapping[str, Any], tz: timezone) -> tuple[int, int]:
    start = _bound(body, "start_time", tz, end=False)
    end = _bound(body, "end_time", tz, end=True)
    if end <= start:
        raise SandboxError(1019, "Query end time must be after start time")
    if end - start > 91 * DAY_MS:
        raise SandboxError(1020, "Query time range too large")
    return start, end


def _listing(items: Sequence[dict[str, Any]], body: Mapping[str, Any]) -> dict[str, Any]:
    page, size = _page(body)
    return {"list": list(items[page * size : (page + 1) * size])}


def _match(body: Mapping[str, Any], item: Mapping[str, Any], *names: str) -> bool:
    return all(not body.get(n) or item.get(n) == body.get(n) for n in names)


class SandboxOps:
    """Dispatch by operation name (the names in ``_routes.ROUTES``)."""

    def __init__(self, state: SandboxState, cipher: SandboxCipher) -> None:
        self.state = state
        self.cipher = cipher

    def run(
        self, operation: str, params: Mapping[str, str], body: Mapping[str, Any], ctx: Context
    ) -> Any:
        handler = getattr(self, "op_" + operation.replace(".", "_"), None)
        if handler is None:
            raise SandboxError(1001, "System error, please try again later")
        return handler(params, body, ctx)

    # -- token ----------------------------------------------------------------------------

    def op_token_get(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        expires = ctx.now_ms + ctx.token_lifetime_ms
        return {"access_token": ctx.issue_token(expires), "expired_time": expires}

    # -- cardholders ----------------------------------------------------------------------

    def op_cardholders_apply(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        unique = _need(body, "cardholder_unique_no")
        _need(body, "sumsub_share_token")
        number = _text(body, "cardholder_no", required=False)
        if number is not None:
            holder = self.state.holder(number)
            if holder.cardholder_unique_no != unique:
                raise SandboxError(1004, "cardholder_unique_no does not match the cardholder")
            holder.status = "In_progress"
        else:
            if any(h.cardholder_unique_no == unique for h in self.state.holders.values()):
                raise SandboxError(2001, "Cardholder already exists")
            number = self.state.next_no("U")
            holder = HolderRecord(number, unique, "", "In_progress", ctx.now_ms)
            self.state.holders[number] = holder
            self.state.balances[number] = Decimal("0")
        return {"cardholder_no": number, "cardholder_unique_no": unique}

    def op_cardholders_list(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        start, end = _range(body, ctx.tz)
        items = [
            h.as_item()
            for h in self.state.holders.values()
            if start <= h.time <= end
            and _match(body, h.as_item(), "cardholder_no", "cardholder_unique_no")
        ]
        return _listing(items, body)

    def op_cardholders_retrieve(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        holder = self.state.holder(params["cardholder_no"])
        balance = self.state.balances.get(holder.cardholder_no, Decimal("0"))
        cards = [
            c.as_item()
            for c in self.state.cards.values()
            if c.cardholder_no == holder.cardholder_no
        ]
        return {**holder.as_item(), "total_balance": money(balance), "card_list": cards}

    # -- cards ----------------------------------------------------------------------------

    def op_cards_apply(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        holder = self.state.holder(_need(body, "cardholder_no"))
        unique = _need(body, "card_unique_no")
        kind = _need(body, "card_type")
        package = _text(body, "package_no", required=False)
        bin_no = _text(body, "card_bin_no", required=False)
        if package is None and bin_no is None:
            raise SandboxError(1004, "card_bin_no or package_no is required")
        if kind not in ("Virtual", "Physical"):
            raise SandboxError(1004, "card_type is invalid")
        if kind == "Physical" and not isinstance(body.get("address_info"), dict):
            raise SandboxError(1004, "address_info is required for a physical card")
        if len(unique) > 64 or any(c.card_unique_no == unique for c in self.state.cards.values()):
            raise SandboxError(1004, "card_unique_no is invalid or already used")
        number = self.state.next_no("C")
        digits = f"{secrets.randbelow(10**15):015d}"
        card = CardRecord(
            number, unique, holder.cardholder_no, kind,
            "Activated" if kind == "Virtual" else "ToActivate",
            "4" + digits, f"{secrets.randbelow(1000):03d}", ctx.now_ms,
            package_no=package, card_bin_no=bin_no,
        )  # fmt: skip
        self.state.cards[number] = card
        return {"card_no": number, "card_unique_no": unique}

    def op_cards_list(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        start, end = _range(body, ctx.tz)
        items = [
            c.as_item()
            for c in self.state.cards.values()
            if start <= c.time <= end
            and _match(body, c.as_item(), "cardholder_no", "card_unique_no", "card_no")
        ]
        return _listing(items, body)

    def op_cards_retrieve(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        card = self.state.card(params["card_no"])
        package = next((p for p in self.state.packages if p["package_no"] == card.package_no), {})
        return {
            **card.as_item(),
            "card_name": "SANDBOX CARD",
            "package_name_en": package.get("package_en_name", ""),
            "package_name_cn": package.get("package_cn_name", ""),
            "fee_detail": package.get("fee_detail", {}),
        }

    def op_cards_private_info(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        card = self.state.card(params["card_no"])
        plain = {
            "card_no": card.card_no,
            "card_unique_no": card.card_unique_no,
            "cvv": card.cvv,
            "pan": card.pan,
            "exp_year": card.exp_year,
            "exp_month": card.exp_month,
        }
        return self.cipher.encrypt(json.dumps(plain, separators=(",", ":")))

    def _decrypt(self, body: Mapping[str, Any], name: str) -> str:
        try:
            return self.cipher.decrypt(_need(body, name))
        except ValueError:
            raise SandboxError(1004, f"{name} cannot be decrypted") from None

    def op_cards_activate(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        card = self.state.card(_need(body, "card_no"))
        if card.cardholder_no != _need(body, "cardholder_no"):
            raise SandboxError(1004, "cardholder_no does not own this card")
        if card.status != "ToActivate":
            raise SandboxError(4005, "Card status does not allow this operation")
        if self._decrypt(body, "cvv") != card.cvv or _need(body, "card_last_no") != card.pan[-4:]:
            raise SandboxError(1004, "cvv or card_last_no does not match")
        card.status = "Activated"
        return {"result": True}

    def op_cards_update_status(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        card = self.state.card(_need(body, "card_no"))
        target = _need(body, "status")
        if target not in ("Activated", "Frozen", "Delete"):
            raise SandboxError(1004, "status is invalid")
        if card.status in ("Delete", "Pending", "Fail", "ToActivate"):
            raise SandboxError(4005, "Card status does not allow this operation")
        card.status = target
        return {"result": True}

    def op_cards_set_pin(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        card = self.state.card(_need(body, "card_no"))
        if card.cardholder_no != _need(body, "cardholder_no"):
            raise SandboxError(1004, "cardholder_no does not own this card")
        if card.card_type != "Physical":
            raise SandboxError(4017, "PIN can only be set on a physical card")
        if card.status != "Activated":
            raise SandboxError(4005, "Card status does not allow this operation")
        pin = self._decrypt(body, "pin")
        if len(pin) != 6 or not pin.isdigit() or len(set(pin)) == 1 or pin in "0123456789":
            raise SandboxError(4016, "PIN does not meet the rules")
        card.pin = pin
        return {"result": True}

    def op_cards_client_token(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        self.state.card(params["card_no"])
        return {"client_access_token": secrets.token_hex(16), "expires_in": 300}

    # -- consumptions ---------------------------------------------------------------------

    def op_consumptions_list(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        start, end = _range(body, ctx.tz)
        items = [
            c.as_item()
            for c in self.state.consumptions.values()
            if start <= c.time <= end
            and _match(body, c.as_item(), "cardholder_no", "consume_no", "card_no")
        ]
        return _listing(items, body)

    def op_consumptions_retrieve(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        record = self.state.consumptions.get(params["consume_no"])
        if record is None:
            raise SandboxError(4001, "Consumption does not exist")
        return record.as_item()

    # -- accounts -------------------------------------------------------------------------

    def op_accounts_transfer(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        holder = self.state.holder(_need(body, "cardholder_no"))
        unique = _need(body, "transfer_unique_no")
        kind = _need(body, "type")
        if kind not in ("In", "Out"):
            raise SandboxError(1004, "type is invalid")
        try:
            amount = Decimal(_need(body, "balance"))
        except InvalidOperation:
            raise SandboxError(1004, "balance is invalid") from None
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or amount <= 0 or (isinstance(exponent, int) and exponent < -2):
            raise SandboxError(1004, "balance is invalid")
        if any(t.transfer_unique_no == unique for t in self.state.transfers):
            raise SandboxError(3001, "Duplicate transfer_unique_no")
        before = self.state.balances.get(holder.cardholder_no, Decimal("0"))
        after = before + amount if kind == "In" else before - amount
        if after < 0:
            raise SandboxError(3002, "Insufficient balance")
        self.state.balances[holder.cardholder_no] = after
        record = TransferRecord(
            self.state.next_no("TR"), unique, holder.cardholder_no, kind, amount, before, after,
            ctx.now_ms,
        )  # fmt: skip
        self.state.transfers.append(record)
        item = record.as_item()
        return {
            k: item[k]
            for k in ("transfer_no", "transfer_unique_no", "before_balance", "after_balance")
        }

    def op_accounts_retrieve(self, params: Mapping[str, str], body: Any, ctx: Context) -> Any:
        holder = self.state.holder(params["cardholder_no"])
        balance = money(self.state.balances.get(holder.cardholder_no, Decimal("0")))
        account = {
            "cardholder_no": holder.cardholder_no,
            "symbol": "TUSDT",
            "symbol_chain": "TRON",
            "balance": balance,
            "usd_balance": balance,
            "bonus_balance": "0.00",
            "usd_bonus_balance": "0.00",
        }
        return {"list": [account]}

    def op_accounts_list_transfers(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        start, end = _range(body, ctx.tz)
        items = [
            t.as_item()
            for t in self.state.transfers
            if start <= t.time <= end
            and _match(body, t.as_item(), "cardholder_no", "transfer_no", "transfer_unique_no")
        ]
        return _listing(items, body)

    # -- catalog --------------------------------------------------------------------------

    def op_packages_list(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        items = [
            p
            for p in self.state.packages
            if (not body.get("type") or p["package_type"] == body["type"])
            and _match(body, p, "package_no")
        ]
        return _listing(items, body)

    def op_bins_list(self, params: Any, body: Mapping[str, Any], ctx: Context) -> Any:
        return _listing([b for b in self.state.bins if _match(body, b, "card_bin_no")], body)
