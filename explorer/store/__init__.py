"""The local SQLite store: cache of assets, results, sessions and events."""
