"""The sandbox's fake credentials and the checks on its numeric knobs."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_CREDENTIALS", "SandboxCredentials", "check_rate", "check_seconds"]


@dataclass(frozen=True)
class SandboxCredentials:
    """A credential set the sandbox accepts. The defaults are fake and public on purpose."""

    customer_id: int = 10001004
    app_id: int = 100006
    key: str = field(default="sandbox-key-00000000000000000000", repr=False)
    """Authorization key, sent in every body as ``"key"``."""
    api_key: str = field(default="sandbox-api-key-not-secret", repr=False)
    """Signing secret (HMAC-SHA256)."""

    def as_env(self, base_url: str) -> dict[str, str]:
        """The ``LEMFT_*`` variables ``AsyncLemft.from_env()`` reads, aimed at ``base_url``."""
        return {
            "LEMFT_BASE_URL": base_url,
            "LEMFT_CUSTOMER_ID": str(self.customer_id),
            "LEMFT_APP_ID": str(self.app_id),
            "LEMFT_KEY": self.key,
            "LEMFT_API_KEY": self.api_key,
        }

    def __repr__(self) -> str:
        return (
            f"SandboxCredentials(customer_id={self.customer_id}, app_id={self.app_id}, "
            "key=***, api_key=***)"
        )


DEFAULT_CREDENTIALS = SandboxCredentials()


def check_rate(name: str, value: float) -> float:
    """A probability in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


def check_seconds(name: str, value: float) -> float:
    """A non-negative duration in seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
    return float(value)
