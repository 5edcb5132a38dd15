"""The local SQLite store: cache of assets, results, sessions and events, and timeseries history.

It holds JSON-able payloads (dicts, lists, str, numbers, bools, None) and numbers, keyed by an
account id string; the services layer converts domain and API objects to and from them. Usage::

    opened = open_store()                      # or open_store(path); never raises for a bad file
    if opened.notice: tell_the_person(opened.notice)
    store = opened.store
    store.put_assets(account, "videos", items, fetched_at=now)
    cached = store.assets(account, "videos")   # Cached(value=[{...}], fetched_at=aware UTC) | None

The contract:

* ``open_store(path=None) -> Opened(store, notice)``: ``default_store_path()`` is
  ``platformdirs.user_data_dir("analytics-explorer") / "store.sqlite3"``. A missing folder is
  created; a damaged file (not SQLite, truncated, failing ``PRAGMA quick_check``), another
  program's database, or a failed upgrade is moved aside as ``store.sqlite3.corrupt-<UTC time>``
  (``.unrecognised-``, ``.upgrade-failed-``) and rebuilt; a store from a newer version of the app
  is left untouched and ``store.schema<N>.sqlite3`` is used beside it. ``notice`` says, in words,
  what was done (``None`` when nothing was). A folder that cannot be created or written, or a file
  locked by another program, raises ``StoreError``.
* Lists replaced whole, each with its fetch time: ``put_assets/assets(account, kind)``,
  ``put_sessions/sessions(account, media_id, period)``, ``put_events/events(account,
  session_id)``; items come back as ``list[dict]`` in the order given.
* ``put_result/result(account, key)``: any JSON-able payload under the caller's canonical key.
* ``put_points(account, series, [(epoch_ms, value)], fetched_at)`` upserts timeseries buckets by
  start time, so history outlives the API's retention; ``points(account, series, start_ms,
  end_ms)`` reads ``[start, end)`` by time. NaN round-trips. ``explorer.domain.history`` merges
  them with fresh data.
* ``size_bytes()`` (file + write-ahead log on disk), ``account_size_bytes(account)`` (approximate:
  its stored text plus a fixed per-row overhead), ``accounts()``, ``clear(account)`` (deletes,
  then gives the space back to the disk), ``close()``.
* Readers get ``None`` (or ``[]``) when nothing is stored. A stored entry that cannot be decoded
  reads as missing (and is logged). ``fetched_at`` must be aware (naive: ``ValueError``) and comes
  back in UTC to the microsecond. A payload that is not JSON-able raises ``TypeError``.
* Every method may be called from any thread; writes are serialised, reads run beside them
  (WAL). Failures of the disk or the file raise ``StoreError`` with words; so does any call after
  ``close()``.

Modules: ``opening`` (checks, set-aside, migration at open), ``store`` (the operations),
``schema`` (tables and migrations), ``connections`` (threads), ``errors``.
"""

from explorer.store.errors import StoreError
from explorer.store.opening import Opened, default_store_path, open_store
from explorer.store.store import Cached, Store

__all__ = ["Cached", "Opened", "Store", "StoreError", "default_store_path", "open_store"]
