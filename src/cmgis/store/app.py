"""The app's store: `open_app_store` opens it and runs every feature's migrations once.

This is the one owner of the store's tables. Features define their migrations
(``MIGRATIONS`` in `cmgis.workshop.schema`, `cmgis.plan.edits`,
`cmgis.user_layers.records`, `cmgis.imports.tables`, `cmgis.accounts.records`) and never
migrate at their call sites; the CLI, the UI (one cached store, ``ui/store.py``) and
`cmgis.sources.providers` open the store here.
A new feature adds its migrations to `app_migrations`.
"""

from __future__ import annotations

from pathlib import Path

from cmgis.store.base import Migration, Store


def app_migrations() -> tuple[Migration, ...]:
    """Every feature's migrations, in the order they are applied (per feature, by version)."""
    # imported here: the features import cmgis.store, so a top-level import would cycle
    from cmgis.accounts.records import MIGRATIONS as ACCOUNTS
    from cmgis.imports.tables import MIGRATIONS as IMPORTS
    from cmgis.plan.edits import MIGRATIONS as PROJECT_EDITS
    from cmgis.user_layers.records import MIGRATIONS as USER_LAYERS
    from cmgis.workshop.schema import MIGRATIONS as WORKSHOP

    return (*WORKSHOP, *PROJECT_EDITS, *USER_LAYERS, *ACCOUNTS, *IMPORTS)


def migrate_app_store(store: Store) -> Store:
    """Bring ``store`` up to date with every feature's tables; returns ``store``.

    Cheap after the first call on a store (it remembers what it applied) and takes no
    write lock when nothing is pending, so a read-only store opens too.
    """
    store.migrate(app_migrations())
    return store


def open_app_store(url_or_path: str | Path | None = None) -> Store:
    """Open the app's store (`cmgis.store.open_store`) with every feature's tables.

    ``None`` means `cmgis.settings.store_url` (``CMGIS_DB``), else the user's data
    directory. The caller closes it (``with open_app_store() as store: ...``).
    """
    from cmgis.store import open_store

    return migrate_app_store(open_store(url_or_path))
