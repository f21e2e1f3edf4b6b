"""The SQLite backend of `cmgis.store`: one file, WAL journal, safe for threads and processes.

Design
------
- One connection per thread (SQLite connections must not be shared while in use); all of
  them are closed by `SQLiteStore.close`.
- ``journal_mode=WAL`` so readers never block the writer; ``synchronous=FULL`` so a
  committed write is on disk before `Store.transaction` returns (it survives a killed
  process and a power cut); ``busy_timeout`` so writers from other processes wait for the
  lock instead of failing; ``foreign_keys=ON``.
- Writes start with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two writers
  can never deadlock upgrading a read lock). Within one process writers also queue on a
  lock per database file, which is fairer and faster than SQLite's sleeping busy handler.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    check_migrations,
    split_statements,
    utc_now,
)

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

# One writer lock per database file for all stores of this process.
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(str(path), threading.RLock())


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

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path).expanduser().resolve()
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._closed = False
        self._write_lock = _write_lock(self.path)
        self._migrated: set[tuple[str, int]] = set()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the store's folder {self.path.parent}: {err}") from err
        conn = self._conn()
        with self._write_lock:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path} cannot use WAL journaling (got {mode!r})")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_SCHEMA_VERSION_SQL)
            conn.execute("COMMIT")

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # only so that close() may run on another thread
            )
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from err
        self._local.conn = conn
        with self._guard:
            self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        conn = self._conn()
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise StoreError(f"the store is busy or locked: {err}") from err
            try:
                yield _SQLiteTransaction(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as err:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(f"the store could not commit: {err}") from err

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return _fetch(self._conn(), sql, params)

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
        applied_now: list[Migration] = []
        with self.transaction() as tx:
            for feature, steps in by_feature.items():
                done = {
                    int(r["version"]): str(r["checksum"])
                    for r in tx.query(
                        "SELECT version, checksum FROM schema_version WHERE feature = :f",
                        {"f": feature},
                    )
                }
                if done and max(done) > len(steps):
                    raise StoreError(
                        f"the store {self.url} has {feature!r} schema version {max(done)}, "
                        f"newer than this cmgis knows ({len(steps)}); upgrade cmgis"
                    )
                for step in steps:
                    checksum = step.checksum(self.dialect)
                    if step.version in done:
                        if done[step.version] != checksum:
                            raise StoreError(
                                f"migration {feature!r} {step.version} was edited after it "
                                "was applied; never edit an applied step, add a new one"
                            )
                        continue
                    for statement in split_statements(step.sql_for(self.dialect)):
                        tx.execute(statement)
                    tx.execute(
                        "INSERT INTO schema_version "
                        "(feature, version, description, checksum, applied_at) "
                        "VALUES (:feature, :version, :description, :checksum, :at)",
                        {
                            "feature": feature,
                            "version": step.version,
                            "description": step.description,
                            "checksum": checksum,
                            "at": utc_now(),
                        },
                    )
                    applied_now.append(step)
        self._migrated.update((m.feature, m.version) for m in migrations)
        return applied_now

    def integrity_check(self) -> list[str]:
        rows = self.query("PRAGMA integrity_check")
        return [str(next(iter(r.values()))) for r in rows]

    def close(self) -> None:
        with self._guard:
            self._closed = True
            conns, self._connections = self._connections, []
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
