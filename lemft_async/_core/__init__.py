"""The shared core: what every client of the package is built on, knowing no particular API.

LEMFT (``lemft_async``), Payin (``lemft_async.payin``) and KeySecure
(``lemft_async.keysecure``) are peers on it; each guarantee is written here once:

- ``_client``: options, the connection pool a client may own, its lifecycle;
- ``_transport``: the transport base class whose ``call()`` owns the attempt loop
  (retries, the unknown-outcome rule for writes, parsing inside the attempt);
- ``_exchange``: one HTTP exchange under a whole-attempt deadline and a size cap;
- ``_endpoint``: the endpoint type, ``path_overrides``, path checks and encoding;
- ``_codec``: the exact-Decimal JSON encoder and decoder (numbers bounded);
- ``_retry``: dispositions, backoff, the shared classification rows;
- ``_errors``: the error base classes; ``_http_errors``: errors from HTTP answers;
- ``_checks``: argument checks; ``_config``: choosing the target host; ``_clock``;
- ``_pagination``: the page and paginator bases;
- ``_models``, ``_schemas``, ``_identity``: the base model, native pydantic-core schemas
  for money, dates and open enums, required identifiers; ``_redact``: masking;
- ``_receiver``, ``_delivery``, ``_asgi``, ``_dedup``: the receiver core for callbacks;
- ``_options``, ``_raw``: per-call options and ``with_raw_response``;
- ``_sync``, ``_sync_pages``, ``_portal``: the blocking twins on one background loop;
- ``_telemetry``, ``_otel``, ``_hooks``, ``_webhook_telemetry``: spans, metrics, event hooks;
- ``_claims``: claim stores for exactly-once sends; ``_lazy``: lazily imported exports;
- ``_logging``, ``_calllog``: the ``lemft_async`` logger and the call log lines.

Nothing here imports an API's own modules (``tests/test_import_arrows.py`` checks it).
"""
