"""Storage of records (workshops, projects, user layers): the app's store and its backends.

`open_app_store` opens the app's store and runs every feature's migrations once (the one
owner of the tables, `cmgis.store.app`); `open_store` picks a backend from a path or URL
and migrates nothing (tests of the store itself, tools that bring their own tables).

Where the data lives, in order of precedence:

1. the ``url_or_path`` argument of `open_store`;
2. the environment variable ``CMGIS_DB``, read by `cmgis.settings.store_url` (a file path,
   ``sqlite:///path``, or ``postgresql://user:password@host/db`` for the shared PostGIS
   store, `PostgresStore`);
3. ``cmgis.sqlite`` in the user's data directory (``platformdirs.user_data_dir("cmgis")``,
   e.g. ``~/.local/share/cmgis`` on Linux).

See ``docs/store.md`` for the interface and how a feature adds its tables.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from cmgis import settings
from cmgis._errors import StoreError, StoreUnavailableError
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
    postgis_geometry_sql,
    utc_now,
)
from cmgis.store.postgres import POSTGRES_SCHEMES, PostgresStore, mask_url
from cmgis.store.sqlite import SQLiteStore, sqlite_path_from_url

__all__ = [
    "DB_ENV_VAR",
    "AppliedMigration",
    "BackendNotAvailableError",
    "Migration",
    "Params",
    "PostgresStore",
    "Row",
    "SQLiteStore",
    "Store",
    "StoreUnavailableError",
    "Transaction",
    "WriteResult",
    "app_migrations",
    "default_store_location",
    "geometry_from_text",
    "geometry_to_text",
    "mask_url",
    "migrate_app_store",
    "new_id",
    "open_app_store",
    "open_store",
    "postgis_geometry_sql",
    "utc_now",
]

#: Environment variable naming the store: a file path, ``sqlite:///path`` or ``postgresql://``.
DB_ENV_VAR = settings.DB_ENV_VAR
DEFAULT_DB_NAME = "cmgis.sqlite"


class BackendNotAvailableError(StoreError):
    """The URL names a backend that this version of cmgis does not have."""


def default_store_location() -> Path:
    """The default SQLite file, under the user's data directory."""
    return Path(platformdirs.user_data_dir("cmgis", appauthor=False)) / DEFAULT_DB_NAME


def open_store(url_or_path: str | Path | None = None) -> Store:
    """Open (and create on first use) the store at ``url_or_path``.

    Parameters
    ----------
    url_or_path
        A file path or ``sqlite:///path`` for SQLite; ``postgresql://user:pw@host/db``
        (also ``postgres://``, ``postgis://``) for the shared PostGIS store. ``None`` reads
        ``CMGIS_DB``, then falls back to `default_store_location`.

    Raises
    ------
    StoreUnavailableError
        The PostgreSQL server cannot be reached (the message hides the password).
    StoreError
        For an unknown URL scheme, a file that cannot be created or opened, a refused
        login or a database without PostGIS.
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
    if lowered.startswith(POSTGRES_SCHEMES):
        return PostgresStore(text)
    if lowered.startswith("sqlite://"):
        url, _, query = text.partition("?")
        if query not in ("", "mode=ro"):
            raise StoreError(f"unknown option {query!r} in {text!r}; expected ?mode=ro or none")
        return SQLiteStore(sqlite_path_from_url(url), read_only=query == "mode=ro")
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"unknown store URL scheme {scheme!r}; expected a file path, sqlite:///path "
            "or postgresql://..."
        )
    return SQLiteStore(Path(text))
