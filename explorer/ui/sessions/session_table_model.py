"""The session list's model: it fills in batches as pages arrive, sorts and filters itself.

A QSortFilterProxyModel would call Python once per row to filter and once per comparison to
sort: seconds for 100,000 sessions, all on the GUI thread. This model keeps the rows shown as
an index array instead, filters with one pass over prepared search texts and sorts with
numpy, and inserts arriving rows in batches small enough to keep the GUI fluid.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from explorer.domain.timerange import as_zone
from explorer.services.gradual_release import release_gradually
from explorer.services.session_pages import NUMBER_FIELDS, CodeArray, SessionPage, rank_words
from explorer.services.sessions import (
    ROW_CELLS,
    ROW_DURATION,
    ROW_ENDED,
    ROW_HAYSTACK,
    ROW_ID,
    ROW_LOADED,
    ROW_METADATA,
    TEXT_COLUMNS,
    SessionRecord,
    SessionRow,
)
from explorer.ui.common.formatting import format_length

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
COLUMNS = ("Loaded at", "Ended at", "Duration", *TEXT_COLUMNS)
LOADED, ENDED, DURATION = 0, 1, 2
FIRST_TEXT = 3
RECORD_ROLE = Qt.ItemDataRole.UserRole + 30
BATCH_ROWS = 2_000  # rows inserted per turn of the event loop at most
BATCH_BUDGET_S = 0.012  # and no longer than this per turn
INSERT_INTERVAL_MS = 250  # rows arriving later wait this long after the last insertion
RELEASE_ROWS = 100  # rows freed at a time when the table is cleared (as many as a page)
FIRST_SCREEN = 200  # until the table holds this many, rows go in at once
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
NO_END_TIME = "no end time"
"""A session without `endedAt`; the inspector's Session panel uses the same words."""
NO_END_TIME_WHY = "still open, or its end was not recorded"
METADATA_TEXT = TEXT_COLUMNS.index("Metadata")
METADATA_HELP = (
    "On Metadata, key=value keeps the sessions whose metadata holds that pair among others, "
    "and key= those that have the key at all (any case)"
)
WIDTHS = {LOADED: 185, ENDED: 185, DURATION: 80, FIRST_TEXT + 9: 260, FIRST_TEXT + 13: 190}


def _has_pair(metadata: tuple[tuple[str, str], ...], wanted: str) -> bool:
    """Whether `metadata` holds `key=value` (`wanted`, case-folded; split at its first `=`),
    or any value of the key when nothing follows the `=`."""
    key, _, value = wanted.partition("=")
    key, value = key.strip(), value.strip()
    return any(
        k.strip().casefold() == key and (not value or v.strip().casefold() == value)
        for k, v in metadata
    )


class SessionTableModel(QAbstractTableModel):
    """Sessions as rows; ``counts_changed(shown, held)`` after every change of either. Rows
    come as SessionPages of one list (``clear`` starts another); their sort keys come with
    them, so sorting is an argsort of numbers."""

    counts_changed = Signal(int, int)

    def __init__(
        self, parent: QObject | None = None, text_columns: Sequence[str] = TEXT_COLUMNS
    ) -> None:
        """`text_columns`: the rows' text cells, TEXT_COLUMNS first (a group's list adds
        the video's title)."""
        super().__init__(parent)
        if tuple(text_columns[: len(TEXT_COLUMNS)]) != TEXT_COLUMNS:
            raise ValueError("a session list's text columns start with TEXT_COLUMNS")
        self.columns = (*COLUMNS[:FIRST_TEXT], *text_columns)
        self._texts = len(text_columns)
        self._drain = QTimer(self)
        self._drain.setSingleShot(True)
        self._drain.setInterval(0)
        self._drain.timeout.connect(self._on_drain_timeout)
        self._drained_at = 0.0
        self._needle = ""
        self._conditions: tuple[tuple[int, str], ...] = ()  # (text column, value folded)
        self._sort_column = -1
        self._descending = False
        self._zone = as_zone("UTC")
        self._reset()

    def _reset(self) -> None:
        # the SessionRows (the first _held of them), grown by doubling: a numpy array of
        # objects, which the garbage collector does not walk, where every full collection
        # walked a list of them (a few ms for 100,000, on whichever thread collected)
        self._records = np.empty(0, object)
        self._held = 0  # rows in _records
        self._numbers = np.empty((0, len(NUMBER_FIELDS)), np.float64)  # grown by doubling
        self._codes = np.empty((0, self._texts), np.int32)
        # each column's vocabulary, as the tuples of words the pages brought, and its size
        self._words: list[list[tuple[str, ...]]] = [[] for _ in range(self._texts)]
        self._vocabulary = [0 for _ in range(self._texts)]
        self._ranks: dict[int, CodeArray] = {}  # per text column, while its vocabulary holds
        self._shown = np.empty(0, np.int64)  # indices into _records, in display order
        self._queue: deque[SessionPage] = deque()
        self._queued = 0
        self._unsorted = False  # rows were inserted at the end since the last sort

    # --- filling ---------------------------------------------------------------------------

    def clear(self) -> None:
        self._drain.stop()
        self.beginResetModel()
        # the rows go a hundred at a time on a thread of their own (gradual_release.py)
        rows, step = self._records[: self._held], RELEASE_ROWS
        release_gradually(rows[start : start + step].copy() for start in range(0, len(rows), step))
        del rows
        self._reset()
        self.endResetModel()
        self._announce()

    def append(self, page: SessionPage) -> None:
        """Queue a page; its rows enter the table in batches on the next turns of the event
        loop: at once while the table is short of a screenful, else at most every
        INSERT_INTERVAL_MS (an insertion lays the view out again, and repaints it when rows
        in sight change: under load the costly part). ValueError for a page that does not
        follow the pages before."""
        held = tuple(self._vocabulary)
        if page.first_codes != held:
            raise ValueError(f"a page coded from {page.first_codes}, after {held}")
        for column, new in enumerate(page.words):
            if new:
                self._words[column].append(new)
                self._vocabulary[column] += len(new)
        self._queue.append(page)
        self._queued += len(page)
        if self._queued and not self._drain.isActive():
            waited = time.perf_counter() - self._drained_at
            soon = self._held < FIRST_SCREEN
            delay = 0.0 if soon else max(0.0, INSERT_INTERVAL_MS / 1000 - waited)
            self._drain.start(round(delay * 1000))

    def adopt_ranks(self, ranks: Sequence[CodeArray]) -> None:
        """Take the text columns' ranks the worker made at the end of the list
        (SessionList.ranks), so that the first click on those columns sorts at once."""
        for column, rank in enumerate(ranks):
            if len(rank) == self._vocabulary[column]:
                self._ranks[column] = rank

    def flush(self) -> None:
        """Insert every queued row now (tests, and before reading the whole table)."""
        while self._queue:
            self._insert_batch(self._queued)
        self._resort()

    @property
    def pending(self) -> int:
        return self._queued

    def _on_drain_timeout(self) -> None:
        deadline = time.perf_counter() + BATCH_BUDGET_S
        while self._queue and time.perf_counter() < deadline:
            self._insert_batch(BATCH_ROWS // 4)
        self._resort()
        self._drained_at = time.perf_counter()
        if self._queue:
            self._drain.start(0)

    def _take(self, limit: int) -> list[SessionPage]:
        parts: list[SessionPage] = []
        room = limit
        while self._queue and room > 0:
            page = self._queue[0]
            if len(page) <= room:
                parts.append(self._queue.popleft())
            else:
                parts.append(page.part(0, room))
                self._queue[0] = page.part(room, len(page))
            room -= len(parts[-1])
        self._queued -= limit - room
        return parts

    def _insert_batch(self, limit: int) -> None:
        """Up to ``limit`` queued rows at the end of the table (``_resort`` orders them)."""
        parts = self._take(limit)
        start = self._held
        end = start + sum(len(part) for part in parts)
        if len(self._records) < end:
            size = max(end, 2 * len(self._records), 1024)
            self._numbers = np.resize(self._numbers, (size, len(NUMBER_FIELDS)))
            self._codes = np.resize(self._codes, (size, self._texts))
            records = np.empty(size, object)
            records[:start] = self._records[:start]
            self._records = records
        at = start
        for part in parts:
            self._records[at : at + len(part)] = np.fromiter(part.rows, object, len(part))
            self._numbers[at : at + len(part)] = part.numbers
            self._codes[at : at + len(part)] = part.codes
            at += len(part)
        self._held = end
        new = np.arange(start, end, dtype=np.int64)
        if self._needle or self._conditions:
            added = self._records[start:end].tolist()
            new = new[self._kept(added)]
        if len(new):
            first = len(self._shown)
            self.beginInsertRows(_NO_PARENT, first, first + len(new) - 1)
            self._shown = np.concatenate([self._shown, new])
            self.endInsertRows()
            self._unsorted = True
        self._announce()

    def _resort(self) -> None:
        if self._sort_column >= 0 and self._unsorted:
            self._relayout(self._sorted(self._shown))
        self._unsorted = False

    # --- reading ---------------------------------------------------------------------------

    @property
    def held(self) -> int:
        """Rows received (the filter aside), queued ones included."""
        return self._held + self._queued

    @property
    def shown(self) -> int:
        return len(self._shown)

    @property
    def sort_column(self) -> int:
        """The column rows are sorted by; -1 for the API's order."""
        return self._sort_column

    def record(self, row: int) -> SessionRecord:
        return SessionRecord._make(self._records[int(self._shown[row])])

    def row_of(self, session_id: str) -> int:
        """The displayed row of a session, -1 when it is not shown."""
        rows = self._records[: self._held].tolist()
        held = next((i for i, r in enumerate(rows) if r[ROW_ID] == session_id), -1)
        rows = np.flatnonzero(self._shown == held) if held >= 0 else ()
        return int(rows[0]) if len(rows) else -1

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._records[int(self._shown[index.row()])]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(record, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                if text == NO_END_TIME and column == ENDED:
                    return f"The session has {NO_END_TIME}: {NO_END_TIME_WHY}."
                return text if len(text) > 30 else None
            return text
        if role == RECORD_ROLE:
            return SessionRecord._make(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == DURATION:
            return _RIGHT
        return None

    def multiData(self, index: Index, roles: QModelRoleDataSpan) -> None:
        """Every role a cell is painted with, in one call: a view asks for seven roles per
        cell, each a Python call that must take the GIL (under load from the workers that
        fetch the list, each take may wait for a thread switch)."""
        if not index.isValid():
            return
        record = self._records[int(self._shown[index.row()])]
        column = index.column()
        for item in roles:
            role = item.role()
            if role == _DISPLAY:
                item.setData(self._text(record, column))
            elif role == _ALIGNMENT and column == DURATION:
                item.setData(_RIGHT)
            else:
                item.clearData()

    def _text(self, record: SessionRow, column: int) -> str:
        if column in (LOADED, ENDED):
            seconds = record[ROW_LOADED] if column == LOADED else record[ROW_ENDED]
            if math.isnan(seconds):
                return NO_END_TIME if column == ENDED else ""
            moment = datetime.fromtimestamp(seconds, UTC).astimezone(self._zone)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        if column == DURATION:
            return format_length(record[ROW_DURATION])
        return record[ROW_CELLS][column - FIRST_TEXT]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section in (LOADED, ENDED):
            return f"{self.columns[section]} ({self._zone.key})"
        return self.columns[section] if 0 <= section < len(self.columns) else None

    # --- zone, filter, sort ----------------------------------------------------------------

    def set_zone(self, zone: str) -> None:
        self._zone = as_zone(zone)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, LOADED, ENDED)
        if self._shown.size:
            last = self.index(len(self._shown) - 1, ENDED)
            self.dataChanged.emit(self.index(0, LOADED), last)

    def _kept(self, records: list[SessionRow]) -> np.ndarray:
        """A mask of the records that pass (one pass; the text alone as fast as before)."""
        needle = self._needle
        if not self._conditions:
            return np.array([needle in r[ROW_HAYSTACK] for r in records], dtype=bool)
        return np.array([self._keeps(r) for r in records], dtype=bool)

    def _keeps(self, record: SessionRow) -> bool:
        """Whether a row passes the text filter and every column condition."""
        if self._needle not in record[ROW_HAYSTACK]:
            return False
        cells = record[ROW_CELLS]
        return all(
            _has_pair(record[ROW_METADATA], value)
            if column == METADATA_TEXT and "=" in value
            else cells[column].casefold() == value
            for column, value in self._conditions
        )

    @property
    def conditions(self) -> tuple[tuple[int, str], ...]:
        return self._conditions

    def set_conditions(self, conditions: Sequence[tuple[int, str]]) -> None:
        """Rows whose column (an index into `columns`, a text column) equals the value, for
        every pair (any case); () shows every row the text filter lets through. On the
        Metadata column a value `key=value` matches a session whose metadata holds that pair
        among others, and `key=` one that has the key at all (metadata_condition_help)."""
        wanted = []
        for column, value in conditions:
            if not FIRST_TEXT <= column < len(self.columns):
                raise ValueError(f"{column} is not a text column of the session list")
            wanted.append((column - FIRST_TEXT, value.strip().casefold()))
        if tuple(wanted) == self._conditions:
            return
        self._conditions = tuple(wanted)
        self.beginResetModel()
        rows = self._records[: self._held].tolist()
        shown = np.flatnonzero(self._kept(rows)).astype(np.int64)
        self._shown = self._sorted(shown) if self._sort_column >= 0 else shown
        self.endResetModel()
        self._announce()

    def column_values(self, column: int, limit: int = 200) -> list[str]:
        """The distinct texts of a text column among the rows held, most frequent first."""
        if not FIRST_TEXT <= column < len(self.columns):
            return []
        counts: dict[str, int] = {}
        for record in self._records[: self._held].tolist():
            text = record[ROW_CELLS][column - FIRST_TEXT]
            counts[text] = counts.get(text, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))[:limit]

    def set_filter(self, text: str) -> None:
        """Rows whose text columns contain ``text`` (any case); "" shows every row."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrower, self._needle = bool(self._needle) and self._needle in needle, needle
        self.beginResetModel()
        if narrower:  # typing on: only the rows shown can still match, in their order
            candidates = self._records[self._shown].tolist()
            self._shown = self._shown[self._kept(candidates)]
        else:
            if needle or self._conditions:
                rows = self._records[: self._held].tolist()
                shown = np.flatnonzero(self._kept(rows)).astype(np.int64)
            else:
                shown = np.arange(self._held, dtype=np.int64)
            self._shown = self._sorted(shown) if self._sort_column >= 0 else shown
        self.endResetModel()
        self._announce()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By a column (stable; missing times and durations last); -1 is the API's order."""
        column = column if 0 <= column < len(self.columns) else -1
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort_column, self._descending) and not self._unsorted:
            return  # already so (a view asks twice per click)
        self._sort_column, self._descending = column, descending
        ordered = self._in_api_order(self._shown) if column < 0 else self._sorted(self._shown)
        self._relayout(ordered)
        self._unsorted = False

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` in the sort column's order; equal keys keep the API's order either way,
        and missing times and durations (NaN) come last either way."""
        rows = self._in_api_order(rows)  # which equal keys keep
        keys = self._keys(self._sort_column)[rows]
        order = np.argsort(-keys if self._descending else keys, kind="stable")
        return rows[order]

    def _in_api_order(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` (distinct) in ascending order: a pass over a mask, not a sort."""
        chosen = np.zeros(self._held, bool)
        chosen[rows] = True
        return np.flatnonzero(chosen)

    def _keys(self, column: int) -> np.ndarray:
        """One number per record that orders the records by ``column``."""
        held = self._held
        if column < FIRST_TEXT:
            return self._numbers[:held, column]  # LOADED, ENDED, DURATION: NUMBER_FIELDS
        text = column - FIRST_TEXT
        rank = self._ranks.get(text)
        if rank is None or len(rank) != self._vocabulary[text]:
            words = [word for chunk in self._words[text] for word in chunk]
            rank = self._ranks[text] = rank_words(words)  # while pages arrive
        return rank[self._codes[:held, text]]

    def _relayout(self, ordered: np.ndarray) -> None:
        """Show ``ordered`` (a permutation of the rows shown), keeping selections on their
        sessions."""
        self.layoutAboutToBeChanged.emit()
        where = np.empty(self._held, np.int64)
        where[ordered] = np.arange(len(ordered), dtype=np.int64)
        persistent = self.persistentIndexList()
        moved = [
            self.index(int(where[self._shown[i.row()]]), i.column()) if i.isValid() else i
            for i in persistent
        ]
        self._shown = ordered
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _announce(self) -> None:
        self.counts_changed.emit(len(self._shown), self.held)
