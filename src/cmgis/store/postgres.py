"""The PostgreSQL/PostGIS backend of `cmgis.store`: one database shared by many app processes.

Design
------
- One connection pool per store (``psycopg_pool``), connections in autocommit mode: a
  `PostgresStore.query` runs alone, a `PostgresStore.transaction` is ``BEGIN ... COMMIT``
  on one pooled connection. A connection is checked before it is handed out, so after a
  server restart the dead ones are replaced instead of failing a user's request.
- Timeouts: connecting (``connect_timeout``), waiting for a free connection
  (`POOL_WAIT_S`), statements (``statement_timeout``) and locks (``lock_timeout``).
- Reads are retried while the server is unreachable (up to `RETRY_WITHIN_S`); writes are
  retried by the callers that made them idempotent (`cmgis.store.Store.write_retrying`,
  ids chosen by the caller), never silently here: an unreachable server raises
  `StoreUnavailableError` ("the shared database is not reachable; nothing was saved").
- The portable SQL of `cmgis.store.base` runs as is: ``:name`` parameters become
  ``%(name)s``, ``%`` is doubled; ``SUM``/``AVG`` results (``numeric``) come back as
  ``int``/``float``. Geometry stays GeoJSON text in the ``geometry`` columns; the
  migrations add PostGIS ``geom`` columns (``geometry(Geometry, 4326)``, generated from
  that text, GiST-indexed) for QGIS and spatial SQL.
- The password of the URL is never shown: `url`, errors and logs use `mask_url`.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

from cmgis._errors import ConflictError, StoreError, StoreUnavailableError
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

T = TypeVar("T")

#: URL schemes taken for PostgreSQL (``postgis://`` and SQLAlchemy's spelling included).
POSTGRES_SCHEMES: tuple[str, ...] = (
    "postgresql://",
    "postgres://",
    "postgresql+psycopg://",
    "postgis://",
)
#: Seconds to wait for a new connection to the server.
CONNECT_TIMEOUT_S: int = 5
#: Seconds a request waits for a free pooled connection before it is refused.
POOL_WAIT_S: float = 10.0
#: Longest a statement may run, and longest it may wait for a row lock.
STATEMENT_TIMEOUT_MS: int = 15_000
LOCK_TIMEOUT_MS: int = 10_000
#: Connections per process (Streamlit serves many sessions from one process).
POOL_MAX: int = 10
#: How long reads (and `Store.write_retrying`) keep trying while the server is unreachable.
RETRY_WITHIN_S: float = 20.0
#: Longest pause between the pool's attempts to reconnect to a server that went away.
MAX_RECONNECT_DELAY_S: float = 1.0
#: The message every unreachable-server error starts with (the app shows its own).
UNREACHABLE = "the shared database is not reachable; nothing was saved"

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
#: Key of the advisory lock that serialises migrations of several starting processes.
_MIGRATION_LOCK = 0x636D676973  # "cmgis"


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (``user:***@host``, ``password=***``)."""
    masked = re.sub(r"(://[^/:@?#]*:)[^@/?#]*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", masked)


def _password(url: str) -> str:
    """The password of ``url`` (``""`` when none), to scrub it from messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    found = unquote(parts.password or "")
    query = re.search(r"(?i)password=([^&\s]*)", parts.query)
    return found or (unquote(query.group(1)) if query else "")


def conninfo_from_url(url: str) -> str:
    """The libpq URL of a store URL (``postgis://`` and ``postgresql+psycopg://`` accepted)."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or f"{scheme.lower()}://" not in POSTGRES_SCHEMES:
        raise StoreError(f"not a PostgreSQL URL: {mask_url(url)}; expected postgresql://...")
    return f"postgresql://{rest}"


@functools.lru_cache(maxsize=2048)
def to_pyformat(sql: str) -> str:
    """Portable SQL (``:name`` parameters) as psycopg SQL (``%(name)s``; ``%`` doubled).

    Quoted text, ``$$`` bodies and ``::`` casts are left alone.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"') or sql.startswith("$$", i):
            quote = "$$" if ch == "$" else ch
            end = sql.find(quote, i + len(quote))
            end = n if end < 0 else end + len(quote)
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", sql[i + 1 :])
            assert match is not None
            out.append(f"%({match.group(0)})s")
            i += 1 + len(match.group(0))
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _plain(value: Any) -> Any:
    """Database values as the store's plain types (``numeric`` -> int or float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _unreachable(err: BaseException) -> bool:
    """Whether ``err`` means the server is down or the connection was lost."""
    if isinstance(err, PoolTimeout):
        return True
    if isinstance(err, pg_errors.QueryCanceled | pg_errors.LockNotAvailable):
        return False
    if isinstance(
        err, pg_errors.AdminShutdown | pg_errors.CannotConnectNow | pg_errors.CrashShutdown
    ):
        return True
    return isinstance(err, psycopg.OperationalError) and getattr(err, "sqlstate", None) in (
        None,
        "08000",
        "08003",
        "08006",
        "08001",
        "08004",
        "57P01",
        "57P02",
        "57P03",
    )


class _Pool(ConnectionPool[psycopg.Connection[Row]]):
    """psycopg's pool, reconnecting at least every `MAX_RECONNECT_DELAY_S` seconds.

    The library doubles the pause after each failed attempt (1, 2, 4, 8 ... s), so after a
    restart of half a minute a hall would wait another half minute; here the pause stays
    short, so writes resume about a second after the server is back.
    """

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        if attempt is not None:
            attempt.delay = min(attempt.delay, MAX_RECONNECT_DELAY_S / attempt.DELAY_BACKOFF)
        super()._add_connection(attempt, growing)


class _PgTransaction(Transaction):
    def __init__(
        self, conn: psycopg.Connection[Row], error: Callable[[BaseException, str], StoreError]
    ) -> None:
        self._conn = conn
        self._error = error

    def execute(self, sql: str, params: Params | None = None) -> WriteResult:
        try:
            with self._conn.cursor() as cur:
                cur.execute(to_pyformat(sql), dict(params or {}))
                return WriteResult(rowcount=cur.rowcount, lastrowid=None)
        except psycopg.Error as err:
            raise self._error(err, "write") from err

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        try:
            return _fetch(self._conn, sql, params)
        except psycopg.Error as err:
            raise self._error(err, "query") from err

    def lock(self, name: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))", {"name": name})


def _fetch(conn: psycopg.Connection[Row], sql: str, params: Params | None) -> list[Row]:
    with conn.cursor() as cur:
        cur.execute(to_pyformat(sql), dict(params or {}))
        if cur.description is None:
            return []
        return [{k: _plain(v) for k, v in row.items()} for row in cur.fetchall()]


class PostgresStore(Store):
    """A `Store` in a PostgreSQL database with PostGIS (shared by many processes).

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/dbname`` (libpq URL; ``?options=...``,
        ``sslmode=...`` pass through). The password is never shown (`mask_url`).
    pool_max
        Connections this process may open.
    wait_s
        How long to wait for the server at opening and for a free connection.

    Raises
    ------
    StoreUnavailableError
        The server cannot be reached within ``wait_s``.
    StoreError
        Wrong password, unknown database, PostGIS missing and not installable.
    """

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_max: int = POOL_MAX, wait_s: float = POOL_WAIT_S) -> None:
        self._masked = mask_url(url)
        self._secret = _password(url)
        self._local = threading.local()
        self._migrated: set[tuple[str, int]] = set()
        self._closed = False
        self._wait_s = wait_s
        self._pool = _Pool(
            conninfo_from_url(url),
            min_size=1,
            max_size=max(1, pool_max),
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "cmgis",
            },
            configure=_configure,
            check=ConnectionPool.check_connection,
            timeout=wait_s,
            reconnect_timeout=24 * 3600.0,  # keep reconnecting in the background (backoff)
            open=False,
            name="cmgis",
        )
        self._prepare(conninfo_from_url(url))
        self._pool.open(wait=False)

    # --- plumbing -------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        """``text`` without the password (it may quote the URL)."""
        if self._secret:
            text = text.replace(self._secret, "***")
        return mask_url(text)

    def _error(self, err: BaseException, what: str = "operation") -> StoreError:
        """The `StoreError` a database error becomes (password scrubbed)."""
        detail = self.scrub(str(err).strip().splitlines()[0] if str(err).strip() else repr(err))
        if _unreachable(err):
            return StoreUnavailableError(f"{UNREACHABLE} ({self._masked}: {detail})")
        if isinstance(err, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
            return ConflictError(
                f"another user changed the same records at the same time; try again ({detail})"
            )
        if isinstance(err, pg_errors.QueryCanceled | pg_errors.LockNotAvailable):
            return StoreError(f"the shared database took too long to answer; try again ({detail})")
        return StoreError(f"the store refused a {what}: {detail}")

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Row]]:
        if self._closed:
            raise StoreError(f"the store {self._masked} is closed")
        try:
            conn = self._pool.getconn(timeout=self._wait_s)
        except PoolTimeout as err:
            raise self._error(err) from err
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    def _retrying(self, action: Callable[[psycopg.Connection[Row]], T]) -> T:
        """Run a read ``action``, again while the server is unreachable (reads are idempotent)."""
        deadline = time.monotonic() + RETRY_WITHIN_S
        pause = 0.1
        while True:
            try:
                with self._connection() as conn:
                    try:
                        return action(conn)
                    except psycopg.Error as err:
                        raise self._error(err, "query") from err
            except StoreUnavailableError:
                if time.monotonic() + pause > deadline or self._closed:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _prepare(self, conninfo: str) -> None:
        """Connect once (a clear error now), check PostGIS (add it when allowed), create
        ``schema_version``."""
        try:
            conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as err:
            raise self._error(err) from err
        with conn:
            try:
                has = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
                if has.fetchone() is None:
                    try:
                        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    except psycopg.errors.InsufficientPrivilege as err:
                        raise StoreError(
                            f"the database {self._masked} has no PostGIS and this role may not "
                            "add it; as the database owner run: CREATE EXTENSION postgis"
                        ) from err
                conn.execute(_SCHEMA_VERSION_SQL)
            except psycopg.Error as err:
                raise self._error(err) from err

    # --- the Store interface ----------------------------------------------------------
    @property
    def url(self) -> str:
        return self._masked

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        if getattr(self._local, "active", False):
            raise StoreError("a store transaction cannot be opened inside another one")
        self._local.active = True
        try:
            with self._connection() as conn:
                try:
                    with conn.transaction():
                        yield _PgTransaction(conn, self._error)
                except psycopg.Error as err:
                    raise self._error(err) from err
        finally:
            self._local.active = False

    def transaction(self) -> AbstractContextManager[Transaction]:
        return self._transaction()

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return self._retrying(lambda conn: _fetch(conn, sql, params))

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
        if all_applied(self, by_feature, self.dialect):
            self._migrated.update((m.feature, m.version) for m in migrations)
            return []
        with self.transaction() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(:key)", {"key": _MIGRATION_LOCK})
            applied_now = apply_migrations(tx, by_feature, self.dialect, self.url)
        self._migrated.update((m.feature, m.version) for m in migrations)
        return applied_now

    def integrity_check(self) -> list[str]:
        problems = [
            f"{r['t']}.{r['c']}: {r['n']} invalid geometries"
            for r in self._geometry_problems()
            if int(r["n"]) > 0
        ]
        return problems or ["ok"]

    def _geometry_problems(self) -> list[Row]:
        columns = self.query(
            "SELECT f_table_name AS t, f_geometry_column AS c FROM geometry_columns "
            "WHERE f_table_schema = current_schema()"
        )
        return [
            {
                **col,
                "n": self.query_one(
                    f'SELECT COUNT(*) AS n FROM "{col["t"]}" '  # names from catalog
                    f'WHERE "{col["c"]}" IS NOT NULL AND NOT ST_IsValid("{col["c"]}")'
                )["n"],  # type: ignore[index]
            }
            for col in columns
        ]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.close(timeout=2)

    def __repr__(self) -> str:
        return f"PostgresStore({self._masked!r})"


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Per-connection settings: timeouts (the connection is in autocommit mode)."""
    conn.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
    conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
    conn.execute("SET idle_in_transaction_session_timeout = 60000")
