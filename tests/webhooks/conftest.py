"""Fixtures for the webhook tests: the shared real-Redis server (tests/redis_server.py)."""

from __future__ import annotations

from ..redis_server import redis_server as redis_server
