"""``cmgis store``: migrate a store, copy one store into another (SQLite -> PostGIS), check.

URLs with a password are never printed (the password is shown as ``***``). Keep the
password out of the command line: leave it out of the URL and let libpq read it from
``PGPASSWORD`` or ``~/.pgpass``, or set the whole URL in ``CMGIS_DB``.
"""

from __future__ import annotations

import argparse
from typing import Any

from cmgis._errors import StoreError
from cmgis.store import app_migrations, open_app_store, open_store
from cmgis.store.copy import compare_stores, copy_store


def register(sub: Any) -> None:
    """Add ``store`` and its actions to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser("store", help="the store: migrate, copy to PostGIS, check")
    ssub = p.add_subparsers(dest="store_command", metavar="ACTION", parser_class=type(p))
    ssub.required = True

    m = ssub.add_parser("migrate", help="create or update every feature's tables")
    m.add_argument("--db", default=None, help="file or URL (default: $CMGIS_DB, else user data)")
    m.set_defaults(func=cmd_migrate)

    c = ssub.add_parser(
        "copy", help="copy every record into a new, empty store; verify counts and checksums"
    )
    c.add_argument("--from", dest="source", required=True, help="e.g. sqlite:///path/cmgis.sqlite")
    c.add_argument("--to", dest="target", default=None, help="e.g. postgresql://cmgis@host/cmgis")
    c.set_defaults(func=cmd_copy)

    k = ssub.add_parser("check", help="compare two stores table by table (rows, checksums)")
    k.add_argument("--from", dest="source", required=True, help="the first store")
    k.add_argument("--to", dest="target", default=None, help="the second (default: $CMGIS_DB)")
    k.set_defaults(func=cmd_check)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the pending migrations of every feature and list what the store holds."""
    with open_store(args.db) as store:
        applied = store.migrate(app_migrations())
        for step in applied:
            print(f"applied\t{step.feature}\t{step.version}\t{step.description}")
        print(f"{store.url}\t{len(store.applied_migrations())} steps applied in all")
    return 0


def _print_report(report: list[Any]) -> bool:
    print("table\tsource_rows\ttarget_rows\tsha256\tresult")
    for row in report:
        sha = (
            row.source_sha256[:16]
            if row.ok
            else f"{row.source_sha256[:8]}!={row.target_sha256[:8]}"
        )
        print(
            f"{row.table}\t{row.source_rows}\t{row.target_rows}\t{sha}\t"
            f"{'ok' if row.ok else 'DIFFERENT'}"
        )
    return all(row.ok for row in report)


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy the source store into the empty target; exit 1 unless every table matches."""
    with open_app_store(args.source) as source, open_app_store(args.target) as target:
        if source.url == target.url:
            raise StoreError("--from and --to name the same store")
        report = copy_store(source, target, app_migrations())
        ok = _print_report(report)
        rows = sum(r.target_rows for r in report)
        print(f"{'copied' if ok else 'MISMATCH'}: {rows} rows from {source.url} to {target.url}")
    return 0 if ok else 1


def cmd_check(args: argparse.Namespace) -> int:
    """Compare two stores; exit 1 when a table differs."""
    from cmgis.store.copy import app_tables

    with open_app_store(args.source) as source, open_app_store(args.target) as target:
        ok = _print_report(compare_stores(source, target, app_tables(app_migrations())))
    return 0 if ok else 1
