from collections.abc import Callable
from decimal import Decimal
from typing import Any

DATETIME: int
ENUM: int
MONEY: int
MONEY_JSON: int

class Fast:
    def __init__(
        self,
        kind: int,
        table: dict[Any, Any],
        fallback: Callable[[Any], Any],
        low: Decimal = ...,
        high: Decimal = ...,
    ) -> None: ...
    def __call__(self, value: Any, /) -> Any: ...
