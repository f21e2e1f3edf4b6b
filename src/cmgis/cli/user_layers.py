"""``cmgis user-layers``: list, delete and import saved user layers (e.g. candidate zones)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cmgis.cli.accounts import cli_actor
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul


def register(sub: Any) -> None:
    """Add ``user-layers`` and its actions to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser("user-layers", help="saved user layers: list, delete, import")
    p.add_argument(
        "--db", default=None, help="store file or URL (default: $CMGIS_DB, else user data dir)"
    )
    usub = p.add_subparsers(dest="user_layers_command", metavar="ACTION", parser_class=type(p))
    usub.required = True
    lst = usub.add_parser("list", help="one line per saved layer: id, name, kind, who, when")
    lst.set_defaults(func=cmd_list)
    d = usub.add_parser("delete", help="delete a saved layer by id (user:<slug>)")
    d.add_argument("layer_id")
    d.set_defaults(func=cmd_delete)
    i = usub.add_parser("import", help="save one layer of a GeoPackage as a user layer")
    i.add_argument("file", type=Path)
    i.add_argument("--layer", default=None, help="layer of the file (needed if it has several)")
    i.add_argument("--name", required=True, help="layer name (its id is made from it)")
    i.add_argument("--by", default="", help="who saves it")
    i.add_argument("--replace", action="store_true", help="replace a layer with the same id")
    i.set_defaults(func=cmd_import)


def _clean(text: str) -> str:
    return " ".join(text.split())


def cmd_list(args: argparse.Namespace) -> int:
    """Print the saved layers, tab-separated, newest first."""
    with open_app_store(args.db) as store:
        print("id\tname\tkind\tfeatures\tcreated_by\tcreated_at")
        for r in ul.list_user_layers(store):
            cells = [r.layer_id, r.name, r.kind, str(r.feature_count), r.created_by, r.created_at]
            print("\t".join(_clean(c) for c in cells))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete one saved layer."""
    with open_app_store(args.db) as store:
        ul.delete_user_layer(store, args.layer_id, actor=cli_actor(store, args))
    print(f"deleted {args.layer_id}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a GeoPackage (e.g. candidate zones saved by an older cmgis) as a user layer."""
    with open_app_store(args.db) as store:
        actor = cli_actor(store, args)
        record = ul.import_layer_file(
            store,
            args.file,
            name=args.name,
            created_by=args.by,
            replace=args.replace,
            layer=args.layer,
            actor=actor,
        )
    print(record.layer_id)
    return 0
