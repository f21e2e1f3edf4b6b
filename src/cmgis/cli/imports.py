"""``cmgis import``: import an agency file as a layer (or only check it with ``--check``).

Exit codes: 0 imported (or, with ``--check``, would be imported); 2 refused — the reason
is printed in English and Thai, and nothing is stored. A file without a CRS is refused
naming the likely CRSs unless ``--crs EPSG:N`` is given. Storing needs the editor role:
once the store has accounts, run ``cmgis --as USER import ...`` (its password is asked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cmgis._errors import ImportRefusedError


def register(sub: Any) -> None:
    """Add ``import`` to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser(
        "import",
        help="import a GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV, GeoTIFF or "
        "FlatGeobuf file as a layer (exit 0 imported, 2 refused)",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--layer", default=None, help="layer (GeoPackage) or file in a zip to take")
    p.add_argument("--crs", default=None, help="CRS of the coordinates, e.g. EPSG:32647")
    p.add_argument("--title", default=None, help="layer title (default: from the file name)")
    p.add_argument("--source", default="", help="where the data comes from (agency, dataset)")
    p.add_argument("--licence", default="", help="licence of the data")
    p.add_argument("--date", default="", help="date of the data, as the agency gives it")
    p.add_argument("--by", default="", help="who imports it (default: the login name)")
    p.add_argument("--replace", action="store_true", help="replace a layer with the same id")
    p.add_argument(
        "--adds-to",
        choices=["coworking"],
        default=None,
        help="the points add to this theme (e.g. co-working spaces the OSM extract misses)",
    )
    p.add_argument("--check", action="store_true", help="check and report only; store nothing")
    p.add_argument(
        "--db", default=None, help="store file or URL (default: $CMGIS_DB, else user data dir)"
    )
    p.set_defaults(func=cmd_import)

    tp = sub.add_parser(
        "import-table",
        help="import an indicator table (CSV keyed by zone_id, ADM3_PCODE, 6-digit tambon "
        "code or name); exit 0 imported, 2 refused",
    )
    tp.add_argument("file", type=Path)
    tp.add_argument("--title", default="", help="table title (default: the file name)")
    tp.add_argument("--source", default="", help="where the data comes from")
    tp.add_argument("--licence", default="", help="licence of the data")
    tp.add_argument("--date", default="", help="date of the data")
    tp.add_argument("--by", default="", help="who imports it (default: the login name)")
    tp.add_argument("--check", action="store_true", help="check and report only; store nothing")
    tp.add_argument(
        "--template",
        choices=["zones", "tambons"],
        default=None,
        help="print the template CSV of the catalog's 'no data' indicators instead",
    )
    tp.add_argument("--db", default=None, help="store file or URL")
    tp.set_defaults(func=cmd_import_table)


def _who(given: str) -> str:
    if given.strip():
        return given
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "command line"


def cmd_import(args: argparse.Namespace) -> int:
    """Check the file, print the report (English, then Thai) and store it unless --check."""
    from cmgis.cli.accounts import cli_actor
    from cmgis.imports.layers import prepare_import, store_import
    from cmgis.store import open_app_store

    try:
        prepared = prepare_import(args.file, layer=args.layer, crs=args.crs)
        for lang in ("en", "th"):
            for line in prepared.report(lang):
                print(line)
        if args.check:
            print("check only: nothing stored / ตรวจสอบเท่านั้น ไม่ได้จัดเก็บ")
            return 0
        with open_app_store(args.db) as store:
            actor = cli_actor(store, args)
            record = store_import(
                store,
                prepared,
                imported_by=_who(args.by),
                title=args.title,
                source=args.source,
                licence=args.licence,
                date=args.date,
                replace=args.replace,
                adds_to=args.adds_to,
                actor=actor,
            )
    except ImportRefusedError as err:
        print(f"cmgis: refused: {err}", file=sys.stderr)
        print(f"cmgis: ปฏิเสธ: {err.message('th')}", file=sys.stderr)
        return 2
    print(record.layer_id)
    return 0


def cmd_import_table(args: argparse.Namespace) -> int:
    """Check an indicator table, list unmatched rows, store it unless --check."""
    from cmgis.cli.accounts import cli_actor
    from cmgis.imports.tables import indicator_template_csv, prepare_table, store_table
    from cmgis.store import open_app_store

    if args.template:
        sys.stdout.write(indicator_template_csv(args.template).decode("utf-8-sig"))
        return 0
    try:
        prepared = prepare_table(args.file)
    except ImportRefusedError as err:
        print(f"cmgis: refused: {err}", file=sys.stderr)
        print(f"cmgis: ปฏิเสธ: {err.message('th')}", file=sys.stderr)
        return 2
    print(
        f"{len(prepared.values)} rows joined to {prepared.level} by {prepared.key_column} "
        f"({prepared.key_kind}); indicators: {', '.join(prepared.indicators)}"
    )
    for row, value in prepared.unmatched:
        print(f"row {row}: {' '.join(value.split())!r} matched no area / ไม่ตรงกับพื้นที่ใด")
    if args.check:
        print("check only: nothing stored / ตรวจสอบเท่านั้น ไม่ได้จัดเก็บ")
        return 0
    with open_app_store(args.db) as store:
        actor = cli_actor(store, args)
        record = store_table(
            store,
            prepared,
            imported_by=_who(args.by),
            title=args.title,
            source=args.source,
            licence=args.licence,
            date=args.date,
            actor=actor,
        )
    print(f"stored {record.id} ({len(record.indicators)} indicators)")
    return 0
