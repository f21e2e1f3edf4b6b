"""The storage interface: a `Store` that features use through portable SQL and migrations.

Every feature that keeps records (workshops, projects, ...) talks to storage only through
this module's `Store`, opened with `cmgis.store.open_store`. Backends (SQLite today,
PostGIS later) implement the same small interface, so pages and feature modules never
change when a backend is added.

Portable SQL rules (so that the same statements run on SQLite and PostgreSQL):

- named parameters ``:name`` with a ``dict`` of values (never ``?`` or ``%s``);
- column types ``TEXT``, ``INTEGER``, ``REAL``; booleans as ``INTEGER`` 0/1;
- ids are text chosen by the caller (`new_id`), so a retried insert can be made idempotent
  with ``INSERT ... ON CONFLICT (id) DO NOTHING``;
- times are ISO 8601 UTC text (`utc_now`);
- geometry is GeoJSON text in EPSG:4326 (`geometry_to_text` / `geometry_from_text`).

A feature owns its tables through an ordered list of `Migration` steps that it passes to
`Store.migrate`; the store records each applied step in its ``schema_version`` table.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import shapely
from shapely.geometry.base import BaseGeometry

from cmgis._errors import ConflictError, StoreError, StoreUnavailableError

#: One row of a query result: column name -> value (str, int, float, bytes or None).
Row = dict[str, Any]
#: Named parameters of a statement (``:name`` in the SQL).
Params = Mapping[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Migration:
    """One ordered schema step of a feature.

    Parameters
    ----------
    feature
        Name of the feature that owns the tables, e.g. ``"workshop"`` or ``"projects"``;
        versions are counted per feature.
    version
        1, 2, 3, ... without gaps, in the order the steps must run.
    description
        One line saying what the step does (kept in the ``schema_version`` table).
    sql
        Portable SQL, one or more statements separated by ``;``.
    dialect_sql
        Optional replacements for one backend, as ``(("postgresql", "..."),)``.
    """

    feature: str
    version: int
    description: str
    sql: str
    dialect_sql: tuple[tuple[str, str], ...] = ()

    def sql_for(self, dialect: str) -> str:
        """The SQL of this step for a backend ``dialect`` (``"sqlite"``, ``"postgresql"``)."""
        return dict(self.dialect_sql).get(dialect, self.sql)

    def checksum(self, dialect: str) -> str:
        """SHA-256 of the step's SQL: an applied step must never be edited afterwards."""
        return hashlib.sha256(self.sql_for(dialect).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AppliedMigration:
    """A row of the ``schema_version`` table."""

    feature: str
    version: int
    description: str
    checksum: str
    applied_at: str


@dataclass(frozen=True)
class WriteResult:
    """What a write statement did: rows changed and, for SQLite, the last row id."""

    rowcount: int
    lastrowid: int | None


class Transaction(ABC):
    """An open write transaction: statements see each other's changes; all or nothing."""

    @abstractmethod
    def execute(self, sql: str, params: Params | None = None) -> WriteResult:
        """Run one statement (insert, update, delete, DDL)."""

    @abstractmethod
    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run one ``SELECT`` inside the transaction and return every row."""

    def query_one(self, sql: str, params: Params | None = None) -> Row | None:
        """The first row of a ``SELECT``, or ``None``."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def lock(self, name: str) -> None:
        """Hold the lock ``name`` until this transaction ends (other processes wait).

        For check-then-write steps (throttles, flood limits) that must not interleave
        between app processes. SQLite runs one writer at a time, so this is a no-op there;
        PostgreSQL takes a transaction-level advisory lock.
        """
        del name


class Store(ABC):
    """A place where features keep records; open one with `cmgis.store.open_store`.

    Reads (`query`) see the last committed state. Writes go through `transaction`, which
    commits when the ``with`` block ends and rolls back if it raises; a write that
    returned has been committed (acknowledged) and survives a crash of the process.
    Stores are safe to share between threads.
    """

    #: Backend name used to pick dialect-specific SQL: ``"sqlite"`` or ``"postgresql"``.
    dialect: str = ""

    @property
    @abstractmethod
    def url(self) -> str:
        """Where the data lives, e.g. ``sqlite:////home/me/.local/share/cmgis/cmgis.sqlite``."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]:
        """A write transaction as a context manager (committed on exit, rolled back on error)."""

    @abstractmethod
    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run one ``SELECT`` outside any write transaction and return every row."""

    @abstractmethod
    def applied_migrations(self) -> list[AppliedMigration]:
        """Every migration step applied so far, ordered by feature and version."""

    @abstractmethod
    def migrate(self, migrations: Sequence[Migration]) -> list[Migration]:
        """Apply the steps of ``migrations`` not applied yet; return the ones applied now.

        Idempotent and safe when several processes start at once. Raises `StoreError` if
        the versions of a feature are not 1..n, if an applied step was edited since, or if
        the database holds a newer version than the code knows.
        """

    @abstractmethod
    def integrity_check(self) -> list[str]:
        """The backend's own consistency check; ``["ok"]`` when all is well."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; the store must not be used afterwards."""

    def execute(self, sql: str, params: Params | None = None) -> WriteResult:
        """Run one write statement in its own transaction."""
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def query_one(self, sql: str, params: Params | None = None) -> Row | None:
        """The first row of a ``SELECT``, or ``None``."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def write_retrying(self, body: Callable[[Transaction], T], *, within_s: float = 20.0) -> T:
        """Run ``body`` in a write transaction; run it again if the database was unreachable
        or a concurrent change conflicted, until ``within_s`` seconds have passed.

        ``body`` must be idempotent: it makes its ids before the first attempt (the caller
        holds them, `new_id`) and does nothing when its record is there already, because a
        commit whose answer was lost may have been saved. Returns what ``body`` returned;
        raises the last `StoreUnavailableError` / `ConflictError` when time is up.
        """
        deadline = time.monotonic() + within_s
        pause = 0.1
        while True:
            try:
                with self.transaction() as tx:
                    return body(tx)
            except (StoreUnavailableError, ConflictError):
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def schema_version(self, feature: str) -> int:
        """Highest applied migration version of ``feature`` (0 when none)."""
        versions = [m.version for m in self.applied_migrations() if m.feature == feature]
        return max(versions, default=0)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def check_migrations(migrations: Sequence[Migration]) -> dict[str, list[Migration]]:
    """Group ``migrations`` by feature, checking versions run 1..n without gaps.

    Raises
    ------
    StoreError
        If a feature's versions have a gap, a duplicate, or do not start at 1.
    """
    by_feature: dict[str, list[Migration]] = {}
    for step in migrations:
        by_feature.setdefault(step.feature, []).append(step)
    for feature, steps in by_feature.items():
        steps.sort(key=lambda m: m.version)
        versions = [m.version for m in steps]
        if versions != list(range(1, len(steps) + 1)):
            raise StoreError(
                f"migrations of feature {feature!r} have versions {versions}; "
                "expected 1, 2, 3, ... without gaps or duplicates"
            )
    return by_feature


def apply_migrations(
    tx: Transaction, by_feature: dict[str, list[Migration]], dialect: str, url: str
) -> list[Migration]:
    """Apply the steps not applied yet inside ``tx`` (which holds the migration lock).

    Returns the steps applied now. Raises `StoreError` for a database newer than the code
    or a step edited after it was applied.
    """
    applied_now: list[Migration] = []
    for feature, steps in by_feature.items():
        done = {
            int(r["version"]): str(r["checksum"])
            for r in tx.query(
                "SELECT version, checksum FROM schema_version WHERE feature = :f", {"f": feature}
            )
        }
        if done and max(done) > len(steps):
            raise StoreError(
                f"the store {url} has {feature!r} schema version {max(done)}, "
                f"newer than this cmgis knows ({len(steps)}); upgrade cmgis"
            )
        for step in steps:
            checksum = step.checksum(dialect)
            if step.version in done:
                if done[step.version] != checksum:
                    raise StoreError(
                        f"migration {feature!r} {step.version} was edited after it "
                        "was applied; never edit an applied step, add a new one"
                    )
                continue
            for statement in split_statements(step.sql_for(dialect)):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_version (feature, version, description, checksum, applied_at) "
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
    return applied_now


def all_applied(store: Store, by_feature: dict[str, list[Migration]], dialect: str) -> bool:
    """Whether every step is applied with the same checksum (read with queries, no lock)."""
    for feature, steps in by_feature.items():
        done = {
            int(r["version"]): str(r["checksum"])
            for r in store.query(
                "SELECT version, checksum FROM schema_version WHERE feature = :f", {"f": feature}
            )
        }
        if done and max(done) > len(steps):
            return False  # the write path explains it
        if any(done.get(s.version) != s.checksum(dialect) for s in steps):
            return False
    return True


_TRIGGER_START = re.compile(r"\s*CREATE\s+(TEMP\w*\s+)?TRIGGER\b", re.IGNORECASE)
_TRIGGER_END = re.compile(r"\bEND\s*$", re.IGNORECASE)


def split_statements(sql: str) -> Iterator[str]:
    """Split a script into statements at ``;`` outside quotes, comments and bodies.

    A body is PostgreSQL's ``$$ ... $$`` (functions) or SQLite's ``CREATE TRIGGER ...
    BEGIN ... END`` (its inner statements end with ``;`` too).
    """
    statement: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(sql):
        ch = sql[i]
        if quote:
            statement.append(ch)
            if sql.startswith(quote, i):
                statement.append(quote[1:])
                i += len(quote)
                quote = None
                continue
        elif ch in ("'", '"') or sql.startswith("$$", i):
            quote = "$$" if ch == "$" else ch
            statement.append(quote)
            i += len(quote)
            continue
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        elif ch == ";":
            text = "".join(statement).strip()
            if _TRIGGER_START.match(text) and not _TRIGGER_END.search(text):
                statement.append(ch)  # a statement inside the trigger's BEGIN ... END
                i += 1
                continue
            if text:
                yield text
            statement = []
        else:
            statement.append(ch)
        i += 1
    text = "".join(statement).strip()
    if text:
        yield text


def new_id() -> str:
    """A new random, stable record id (32 hex characters)."""
    return uuid.uuid4().hex


def utc_now() -> str:
    """The current time as ISO 8601 UTC text with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def postgis_geometry_sql(table: str, *, column: str = "geometry", geom_column: str = "geom") -> str:
    """PostgreSQL statements adding a PostGIS view of a GeoJSON text column to ``table``.

    ``geom_column`` is a ``geometry(Geometry, 4326)`` column generated from ``column``
    (so feature code keeps writing GeoJSON text, and QGIS, ``ogrinfo PG:...`` and spatial
    SQL see real geometries), with a GiST index ``<table>_<geom_column>_gist``. For a
    migration's ``dialect_sql``: ``(("postgresql", SQL + postgis_geometry_sql("t")),)``.
    """
    return (
        f";\nALTER TABLE {table} ADD COLUMN {geom_column} geometry(Geometry, 4326) "
        f"GENERATED ALWAYS AS (CASE WHEN {column} IS NULL OR {column} = '' THEN NULL "
        f"ELSE ST_SetSRID(ST_GeomFromGeoJSON({column}), 4326) END) STORED;\n"
        f"CREATE INDEX {table}_{geom_column}_gist ON {table} USING GIST ({geom_column});\n"
    )


def geometry_to_text(geom: BaseGeometry | None) -> str | None:
    """GeoJSON text of a shapely geometry in EPSG:4326 (``None`` stays ``None``)."""
    if geom is None:
        return None
    return str(shapely.to_geojson(geom))


def geometry_from_text(text: str | None) -> BaseGeometry | None:
    """Shapely geometry from GeoJSON text written by `geometry_to_text`."""
    if text is None or text == "":
        return None
    geom: BaseGeometry = shapely.from_geojson(text)
    return geom
