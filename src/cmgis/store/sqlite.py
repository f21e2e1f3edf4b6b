"""The SQLite backend of `cmgis.store`: one file, WAL journal, safe for threads and processes.

Design
------
- Reads take a connection from a small pool for the time of one query (a connection is
  never used by two threads at once; threads may come and go, as Streamlit's do); all of
  them are closed by `SQLiteStore.close`.
- ``journal_mode=WAL`` so readers never block the writer; ``synchronous=FULL`` so a
  committed write is on disk before `Store.transaction` returns (it survives a killed
  process and a power cut); ``busy_timeout`` so writers from other processes wait for the
  lock instead of failing; ``foreign_keys=ON``.
- Writes of all threads go through one write connection per database file with group
  commit (see `_GroupWriter`): blocks run one at a time in savepoints, and one ``COMMIT``
  (one fsync) acknowledges every block finished so far. ``BEGIN IMMEDIATE`` takes the
  write lock up front, so writers of other processes wait instead of deadlocking.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from cmgis._errors import StoreError
from cmgis.store.base import (
    AppliedMigration,
    Migration,
    Params,
    Row,
    Store,
    Transaction,
    WriteResult,
    all_applied,
    apply_migrations,
    check_migrations,
)

#: Read connections kept open for reuse; more are opened when needed and closed after.
MAX_IDLE_READERS: int = 8
#: How long a writer waits for another process's write lock before giving up.
BUSY_TIMEOUT_MS: int = 15_000

_SCHEMA_VERSION_SQL = """
CREATE TABLE IF NOT EXISTS schema_version (
    feature TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (feature, version)
)
"""

# One group-commit writer per database file, shared by every store of this process.
_WRITERS: dict[str, _GroupWriter] = {}
_WRITERS_GUARD = threading.Lock()


class _SQLiteTransaction(Transaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Params | None = None) -> WriteResult:
        try:
            cur = self._conn.execute(sql, dict(params or {}))
        except sqlite3.Error as err:
            raise StoreError(f"the store refused a write: {err}") from err
        return WriteResult(rowcount=cur.rowcount, lastrowid=cur.lastrowid)

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return _fetch(self._conn, sql, params)


def _fetch(conn: sqlite3.Connection, sql: str, params: Params | None) -> list[Row]:
    try:
        cur = conn.execute(sql, dict(params or {}))
    except sqlite3.Error as err:
        raise StoreError(f"the store refused a query: {err}") from err
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


class _GroupWriter:
    """The write connection of one database file, with group commit.

    Writers run their blocks one at a time, each inside a ``SAVEPOINT`` of the open batch
    (``BEGIN IMMEDIATE`` is issued by the first). Then each waits for a commit: the first
    to get there commits every block finished so far with one ``COMMIT`` (one fsync), so
    under load many writes share one disk flush. A block that raises is rolled back to its
    savepoint and leaves the batch intact. Nobody returns before their batch is committed.
    """

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        self.conn = _connect(path, busy_timeout_ms)
        self.lock = threading.Lock()  # guards the connection and the batch state
        self.commit_lock = threading.Lock()  # one committer at a time
        self.refs = 0
        self.open = False
        self.batch = 0  # id of the newest batch
        self.members = 0  # finished blocks waiting in the open batch
        self.finished = 0  # highest batch id committed or failed
        self.failed: dict[int, str] = {}
        self.local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        if getattr(self.local, "active", False):
            raise StoreError("a store transaction cannot be opened inside another one")
        conn = self.conn
        self.local.active = True
        try:
            with self.lock:
                if not self.open:
                    try:
                        conn.execute("BEGIN IMMEDIATE")
                    except sqlite3.Error as err:
                        raise StoreError(f"the store is busy or locked: {err}") from err
                    self.open, self.members = True, 0
                    self.batch += 1
                mine = self.batch
                conn.execute("SAVEPOINT cmgis_tx")
                try:
                    yield _SQLiteTransaction(conn)
                except BaseException:
                    self._undo_block(mine)
                    raise
                conn.execute("RELEASE cmgis_tx")
                self.members += 1
        finally:
            self.local.active = False
        self._commit(mine)

    def _undo_block(self, mine: int) -> None:
        conn = self.conn
        if conn.in_transaction:
            conn.execute("ROLLBACK TO cmgis_tx")
            conn.execute("RELEASE cmgis_tx")
            if self.members == 0:  # nobody else in the batch: do not keep the lock
                conn.execute("ROLLBACK")
                self.open, self.finished = False, mine
        else:  # SQLite rolled the whole batch back: its other members fail too
            self.failed[mine] = "the database rolled the transaction back"
            self.open, self.finished = False, mine

    def _commit(self, mine: int) -> None:
        with self.commit_lock:
            if self.finished < mine:
                with self.lock:
                    try:
                        self.conn.execute("COMMIT")
                    except sqlite3.Error as err:
                        if self.conn.in_transaction:
                            self.conn.execute("ROLLBACK")
                        self.failed[mine] = str(err)
                    self.open, self.finished = False, mine
        if mine in self.failed:
            raise StoreError(f"the store could not commit: {self.failed[mine]}")


def _connect(path: Path, busy_timeout_ms: int, *, read_only: str = "") -> sqlite3.Connection:
    """A connection to ``path``; ``read_only`` is ``""``, ``"ro"`` or ``"immutable"``."""
    try:
        if read_only:
            flags = "mode=ro" + ("&immutable=1" if read_only == "immutable" else "")
            target = f"{path.as_uri()}?{flags}"
        else:
            target = str(path)
        conn = sqlite3.connect(
            target,
            timeout=busy_timeout_ms / 1000,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # used under locks from many threads
            uri=bool(read_only),
        )
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not read_only:
            conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as err:
        raise StoreError(f"cannot open the store {path}: {err}") from err
    return conn


def _check_store_file(path: Path) -> None:
    """Refuse what cannot be a store: a folder, a device (/dev/null), a non-SQLite file."""
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"cannot open the store {path}: it is a folder; {_EXPECTED}")
    if not path.is_file():
        raise StoreError(
            f"cannot open the store {path}: it is not a regular file (a device?); {_EXPECTED}"
        )
    if path.stat().st_size == 0:
        return  # an empty file: SQLite makes a new database in it
    # Read the header through SQLite, never with open()/close(): closing any descriptor of
    # the file drops every POSIX lock this process holds on it, so while another store of
    # this process has the file open, other processes would take it for unused, checkpoint
    # and delete the WAL under it (sqlite.org/howtocorrupt.html 2.2; this emptied stores
    # that browser tests seeded from outside the server). SQLite defers such closes.
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        if "not a database" in str(err):
            raise StoreError(
                f"cannot open the store {path}: file is not a database (damaged, or not a "
                f"cmgis store); {_EXPECTED}"
            ) from err
        raise StoreError(f"cannot read the store {path}: {err}") from err


_EXPECTED = "set CMGIS_DB to a cmgis store file (SQLite), or to a new file name to start one"


def _writable(path: Path) -> bool:
    """Whether this process may write ``path`` (and create its -wal/-shm files beside it)."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    folder = path.parent
    return not folder.exists() or os.access(folder, os.W_OK)


def _acquire_writer(path: Path, busy_timeout_ms: int) -> _GroupWriter:
    with _WRITERS_GUARD:
        writer = _WRITERS.get(str(path))
        if writer is None:
            writer = _WRITERS[str(path)] = _GroupWriter(path, busy_timeout_ms)
        writer.refs += 1
        return writer


def _release_writer(path: Path) -> None:
    with _WRITERS_GUARD:
        writer = _WRITERS.get(str(path))
        if writer is None:
            return
        writer.refs -= 1
        if writer.refs <= 0:
            del _WRITERS[str(path)]
            with writer.lock:
                _close_quietly(writer.conn)


class SQLiteStore(Store):
    """A `Store` in one SQLite file (created with its directory on first use).

    Parameters
    ----------
    path
        The database file, e.g. ``~/.local/share/cmgis/cmgis.sqlite``.
    busy_timeout_ms
        How long to wait for another process's write lock.
    """

    dialect = "sqlite"

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path).expanduser().resolve()
        self._busy_timeout_ms = busy_timeout_ms
        self._idle: list[sqlite3.Connection] = []  # read connections not in use
        self._guard = threading.Lock()
        self._closed = False
        self._migrated: set[tuple[str, int]] = set()
        _check_store_file(self.path)
        #: "" (read-write), "ro" or "immutable" (a read-only file in a read-only folder)
        self.read_only = ""
        self._writer: _GroupWriter | None = None
        if read_only or (self.path.exists() and not _writable(self.path)):
            if not self.path.exists():
                raise StoreError(f"the read-only store {self.path} does not exist; {_EXPECTED}")
            self.read_only = "ro" if os.access(self.path.parent, os.W_OK) else "immutable"
            with self._reader() as conn:  # fails now, with a clear message, if unreadable
                _fetch(conn, "SELECT COUNT(*) AS n FROM sqlite_master", None)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the store's folder {self.path.parent}: {err}") from err
        writer = self._writer = _acquire_writer(self.path, busy_timeout_ms)
        try:
            with writer.lock:
                try:
                    mode = writer.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                except sqlite3.Error as err:
                    raise StoreError(f"cannot open the store {self.path}: {err}") from err
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path} cannot use WAL journaling (got {mode!r})")
            has_table = self.query(
                "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            )
            if not has_table:  # take the write lock only when there is something to write
                with self.transaction() as tx:
                    tx.execute(_SCHEMA_VERSION_SQL)
        except BaseException:
            _release_writer(self.path)
            raise

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A read connection from the pool (threads come and go, e.g. Streamlit reruns)."""
        with self._guard:
            if self._closed:
                raise StoreError(f"the store {self.url} is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = _connect(self.path, self._busy_timeout_ms, read_only=self.read_only)
        try:
            yield conn
        finally:
            with self._guard:
                keep = not self._closed and len(self._idle) < MAX_IDLE_READERS
                if keep:
                    self._idle.append(conn)
            if not keep:
                _close_quietly(conn)

    def transaction(self) -> AbstractContextManager[Transaction]:
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        if self._writer is None:
            raise StoreError(f"the store {self.path} is read-only: it can be read, not changed")
        return self._writer.transaction()

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._reader() as conn:
            return _fetch(conn, sql, params)

    def applied_migrations(self) -> list[AppliedMigration]:
        rows = self.query(
            "SELECT feature, version, description, checksum, applied_at FROM schema_version "
            "ORDER BY feature, version"
        )
        return [AppliedMigration(**row) for row in rows]

    def migrate(self, migrations: Sequence[Migration]) -> list[Migration]:
        pending = [m for m in migrations if (m.feature, m.version) not in self._migrated]
        if not pending:
            return []
        by_feature = check_migrations(migrations)
        if self._all_applied(by_feature):  # nothing to write: no write lock, works read-only
            self._migrated.update((m.feature, m.version) for m in migrations)
            return []
        with self.transaction() as tx:
            applied_now = apply_migrations(tx, by_feature, self.dialect, self.url)
        self._migrated.update((m.feature, m.version) for m in migrations)
        return applied_now

    def _all_applied(self, by_feature: dict[str, list[Migration]]) -> bool:
        """Whether every step is applied with the same checksum (read with a query)."""
        has_table = self.query(
            "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
        if not has_table:
            return False
        return all_applied(self, by_feature, self.dialect)

    def integrity_check(self) -> list[str]:
        rows = self.query("PRAGMA integrity_check")
        return [str(next(iter(r.values()))) for r in rows]

    def close(self) -> None:
        with self._guard:
            if not self._closed and self._writer is not None:
                _release_writer(self.path)
            self._closed = True
            conns, self._idle = self._idle, []
        for conn in conns:
            _close_quietly(conn)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"


def _close_quietly(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):  # a connection in use on another thread
        conn.close()


def sqlite_path_from_url(url: str) -> Path:
    """The file path of a ``sqlite:///path`` URL (``sqlite:////abs`` or ``sqlite:///rel``)."""
    rest = url[len("sqlite://") :]
    if not rest.startswith("/"):
        raise StoreError(f"cannot read the SQLite URL {url!r}; expected sqlite:///path/to/file")
    path = rest[1:]  # sqlite:////abs/file -> /abs/file; sqlite:///rel/file -> rel/file
    if not path:
        raise StoreError(f"the SQLite URL {url!r} names no file")
    return Path(path)
