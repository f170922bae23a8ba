"""Resource namespaces (``client.wallets``, ``client.orders``, ...)."""
