"""Moving an app store to another backend: `copy_store` (``cmgis store copy``).

Every table of the app (the ones its migrations create, in that order, so parents come
before the rows that point at them) is copied in one transaction of the target, which must
be empty. Afterwards both stores are read again and compared per table: the number of rows
and a SHA-256 over the rows (each row's values as JSON, rows sorted), so nothing is taken
on trust. Generated columns of the target (PostGIS ``geom``) are filled by the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cmgis._errors import StoreError
from cmgis.store.base import Migration, Row, Store

_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(", re.I)
_BATCH_ROWS = 500


@dataclass(frozen=True)
class TableCopy:
    """One table copied: rows and checksums in the source and the target."""

    table: str
    source_rows: int
    target_rows: int
    source_sha256: str
    target_sha256: str

    @property
    def ok(self) -> bool:
        """Same number of rows and the same checksum on both sides."""
        return self.source_rows == self.target_rows and self.source_sha256 == self.target_sha256


def app_tables(migrations: Sequence[Migration]) -> list[str]:
    """Tables the ``migrations`` create, in creation order (parents first)."""
    seen: list[str] = []
    for step in migrations:
        for name in _CREATE_TABLE.findall(step.sql):
            if name not in seen:
                seen.append(name)
    return seen


def _columns(store: Store, table: str) -> list[str]:
    """The stored (not generated) columns of ``table`` in ``store``."""
    if store.dialect == "sqlite":
        rows = store.query(f"PRAGMA table_xinfo({table})")  # hidden > 1: generated
        return [str(r["name"]) for r in rows if int(r.get("hidden") or 0) == 0]
    rows = store.query(
        "SELECT column_name AS name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :t "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        {"t": table},
    )
    return [str(r["name"]) for r in rows]


def _select(table: str, columns: Sequence[str]) -> str:
    return f"SELECT {', '.join(columns)} FROM {table}"  # names from the schema


def table_checksum(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """SHA-256 of ``rows`` (``columns`` of each as JSON, sorted): the same on both backends."""
    lines = sorted(
        json.dumps([row[c] for c in columns], ensure_ascii=False, default=str) for row in rows
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def compare_stores(source: Store, target: Store, tables: Sequence[str]) -> list[TableCopy]:
    """Rows and checksums of ``tables`` in both stores (the source's columns)."""
    report = []
    for table in tables:
        columns = _columns(source, table)
        src = source.query(_select(table, columns))
        dst = target.query(_select(table, columns))
        report.append(
            TableCopy(
                table,
                len(src),
                len(dst),
                table_checksum(src, columns),
                table_checksum(dst, columns),
            )
        )
    return report


def copy_store(source: Store, target: Store, migrations: Sequence[Migration]) -> list[TableCopy]:
    """Copy every table of ``migrations`` from ``source`` into the empty ``target``.

    Both stores must be migrated (`cmgis.store.open_app_store`). Returns the comparison
    made afterwards (`compare_stores`); the caller checks `TableCopy.ok`.

    Raises
    ------
    StoreError
        The target already holds records (nothing is copied), a column is missing in the
        target, or the database refused a row (nothing is copied: one transaction).
    """
    tables = app_tables(migrations)
    busy = [t for t in tables if target.query_one(f"SELECT 1 AS x FROM {t} LIMIT 1")]
    if busy:
        raise StoreError(
            f"the target store {target.url} is not empty ({', '.join(busy)} hold records); "
            "copy into a new, empty database"
        )
    with target.transaction() as tx:
        for table in tables:
            columns = _columns(source, table)
            missing = set(columns) - set(_columns(target, table))
            if missing:
                raise StoreError(
                    f"the target's table {table} has no column {sorted(missing)[0]}; "
                    "are both stores at the same cmgis version?"
                )
            insert = (
                f"INSERT INTO {table} ({', '.join(columns)}) "  # schema names
                f"VALUES ({', '.join(':' + c for c in columns)})"
            )
            rows = source.query(_select(table, columns))
            for start in range(0, len(rows), _BATCH_ROWS):
                for row in rows[start : start + _BATCH_ROWS]:
                    tx.execute(insert, row)
    return compare_stores(source, target, tables)
