"""``holders.*``: cardholders (all shapes inferred)."""

from __future__ import annotations

import re
from typing import Any

from ._entities import CARD_CLOSED, Holder
from ._errors import param_error
from ._fields import Params
from ._listing import paged
from ._state import State

__all__ = ["HANDLERS"]

_REQUIRED = ("first_name", "last_name", "email", "mobile")
_OPTIONAL = ("mobile_prefix", "birthday", "country", "state", "city", "address", "post_code")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _profile(p: Params, *, creating: bool) -> dict[str, str]:
    profile: dict[str, str] = {}
    for name in (*_REQUIRED, *_OPTIONAL):
        value = p.text(name, required=creating and name in _REQUIRED)
        if value is not None:
            profile[name] = value
    if "email" in profile and not _EMAIL.match(profile["email"]):
        raise param_error("email is not a valid email address")
    if "birthday" in profile and not _DATE.match(profile["birthday"]):
        raise param_error("birthday must look like 'YYYY-MM-DD'")
    return profile


def _holder(state: State, p: Params) -> Holder:
    found: Holder = state.find(state.holders, "holder_id", p.required_text("holder_id"))
    return found


def holder_list(state: State, p: Params, app_id: int) -> Any:
    holder_id, email = p.text("holder_id"), p.text("email")
    holders = [
        h
        for h in state.holders.values()
        if (holder_id is None or h.holder_id == holder_id)
        and (email is None or h.profile.get("email") == email)
    ]
    return paged(holders, p, "holder_list", lambda h: h.to_wire())


def holder_create(state: State, p: Params, app_id: int) -> Any:
    holder = Holder(state.new_id("hid_", 12), _profile(p, creating=True), state.now_text())
    state.holders[holder.holder_id] = holder
    return {"holder_info": holder.to_wire()}


def holder_update(state: State, p: Params, app_id: int) -> Any:
    holder = _holder(state, p)
    changes = _profile(p, creating=False)
    if not changes:
        raise param_error("no field to update (give at least one holder field)")
    holder.profile.update(changes)
    return {"holder_info": holder.to_wire()}


def holder_get(state: State, p: Params, app_id: int) -> Any:
    return {"holder_info": _holder(state, p).to_wire()}


def holder_delete(state: State, p: Params, app_id: int) -> Any:
    holder = _holder(state, p)
    if any(
        c.holder_id == holder.holder_id and c.status != CARD_CLOSED for c in state.cards.values()
    ):
        raise param_error(f"holder_id {holder.holder_id} still has cards that are not closed")
    del state.holders[holder.holder_id]
    return {}


HANDLERS = {
    "holders.list": holder_list,
    "holders.create": holder_create,
    "holders.update": holder_update,
    "holders.retrieve": holder_get,
    "holders.delete": holder_delete,
}
