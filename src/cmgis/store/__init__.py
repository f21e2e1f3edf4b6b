"""Storage of records (workshops, projects, user layers): the app's store and its backends.

`open_app_store` opens the app's store and runs every feature's migrations once (the one
owner of the tables, `cmgis.store.app`); `open_store` picks a backend from a path or URL
and migrates nothing (tests of the store itself, tools that bring their own tables).

Where the data lives, in order of precedence:

1. the ``url_or_path`` argument of `open_store`;
2. the environment variable ``CMGIS_DB``, read by `cmgis.settings.store_url` (a file path
   or ``sqlite:///path``; later a ``postgresql://`` URL);
3. ``cmgis.sqlite`` in the user's data directory (``platformdirs.user_data_dir("cmgis")``,
   e.g. ``~/.local/share/cmgis`` on Linux).

See ``docs/store.md`` for the interface and how a feature adds its tables.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from cmgis import settings
from cmgis._errors import StoreError
from cmgis.store.app import app_migrations, migrate_app_store, open_app_store
from cmgis.store.base import (
    AppliedMigration,
    Migration,
    Params,
    Row,
    Store,
    Transaction,
    WriteResult,
    geometry_from_text,
    geometry_to_text,
    new_id,
    utc_now,
)
from cmgis.store.sqlite import SQLiteStore, sqlite_path_from_url

__all__ = [
    "DB_ENV_VAR",
    "AppliedMigration",
    "BackendNotAvailableError",
    "Migration",
    "Params",
    "Row",
    "SQLiteStore",
    "Store",
    "Transaction",
    "WriteResult",
    "app_migrations",
    "default_store_location",
    "geometry_from_text",
    "geometry_to_text",
    "migrate_app_store",
    "new_id",
    "open_app_store",
    "open_store",
    "utc_now",
]

#: Environment variable naming the store: a file path, ``sqlite:///path``, or (later) a URL.
DB_ENV_VAR = settings.DB_ENV_VAR
DEFAULT_DB_NAME = "cmgis.sqlite"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "postgis://")


class BackendNotAvailableError(StoreError):
    """The URL names a backend that this version of cmgis does not have yet."""


def default_store_location() -> Path:
    """The default SQLite file, under the user's data directory."""
    return Path(platformdirs.user_data_dir("cmgis", appauthor=False)) / DEFAULT_DB_NAME


def open_store(url_or_path: str | Path | None = None) -> Store:
    """Open (and create on first use) the store at ``url_or_path``.

    Parameters
    ----------
    url_or_path
        A file path or ``sqlite:///path`` for SQLite; ``postgresql://...`` is reserved for
        the PostGIS backend. ``None`` reads ``CMGIS_DB``, then falls back to
        `default_store_location`.

    Raises
    ------
    BackendNotAvailableError
        For a ``postgresql://`` URL (the PostGIS backend does not exist yet).
    StoreError
        For an unknown URL scheme or a file that cannot be created or opened.
    """
    target: str | Path
    if url_or_path is not None and str(url_or_path) != "":
        target = url_or_path
    else:
        target = settings.store_url() or default_store_location()
    if isinstance(target, Path):
        return SQLiteStore(target)
    text = target.strip()
    lowered = text.lower()
    if lowered.startswith(_POSTGRES_SCHEMES):
        raise BackendNotAvailableError(
            "the PostgreSQL/PostGIS store is not available yet in this version of cmgis; "
            f"set {DB_ENV_VAR} to a file path (SQLite) instead"
        )
    if lowered.startswith("sqlite://"):
        url, _, query = text.partition("?")
        if query not in ("", "mode=ro"):
            raise StoreError(f"unknown option {query!r} in {text!r}; expected ?mode=ro or none")
        return SQLiteStore(sqlite_path_from_url(url), read_only=query == "mode=ro")
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"unknown store URL scheme {scheme!r}; expected a file path, sqlite:///path "
            "or (later) postgresql://..."
        )
    return SQLiteStore(Path(text))
