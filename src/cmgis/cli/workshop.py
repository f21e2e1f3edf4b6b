"""``cmgis workshop``: create, list, export and import participatory-mapping workshops.

Publishing and merging an import into a workshop need its facilitator PIN, or a
facilitator (or admin) account: ``cmgis --as USER workshop publish CODE`` (the account's
password is asked, no PIN), recorded in the workshop's audit under the account. A
facilitator account runs only the workshops it created (``cmgis --as USER workshop create
...`` or ``import`` as a new workshop record it as the owner; a workshop made with the PIN
only has no owner); an admin runs every workshop; anyone runs a workshop with its PIN.
"""

from __future__ import annotations

import argparse
import csv
import json
import secrets
import sys
from typing import Any

from cmgis._errors import InputError
from cmgis.accounts import Actor
from cmgis.store import Store, open_app_store


def register(sub: Any) -> None:
    """Add ``workshop`` and its sub-commands to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser("workshop", help="participatory-mapping workshops (create, list, ...)")
    p.add_argument(
        "--db", default=None, help="store file or URL (default: $CMGIS_DB, else user data dir)"
    )
    wsub = p.add_subparsers(dest="workshop_command", metavar="ACTION", parser_class=type(p))
    wsub.required = True

    c = wsub.add_parser(
        "create",
        help="create a workshop and print its join code (with `cmgis --as USER` the account "
        "owns it and runs it without the PIN)",
    )
    c.add_argument("--title", required=True, help="title shown to participants (Thai or English)")
    c.add_argument(
        "--pin",
        required=True,
        help="facilitator PIN (4+ characters; '-' reads stdin, after the --as password)",
    )
    c.add_argument("--votes", type=int, default=5, help="dot votes per group (default 5)")
    c.add_argument("--date", default=None, help="day of the workshop, YYYY-MM-DD (default today)")
    c.add_argument("--stage", default="co_sensing", help="co_initiating, co_sensing, ...")
    c.add_argument("--zones", default="", help="zone ids in focus, comma-separated")
    c.set_defaults(func=cmd_create)

    ls = wsub.add_parser("list", help="list the workshops in the store")
    ls.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ls.set_defaults(func=cmd_list)

    e = wsub.add_parser("export", help="export a workshop to a GeoPackage and a CSV summary")
    e.add_argument("code", help="join code of the workshop")
    e.add_argument("--output", required=True, help="the .gpkg to write")
    e.add_argument("--csv", default=None, help="the CSV summary (default: beside the .gpkg)")
    e.set_defaults(func=cmd_export)

    pb = wsub.add_parser(
        "publish", help="make a workshop visible without its code (or --off to withdraw it)"
    )
    pb.add_argument("code", help="join code of the workshop")
    pb.add_argument(
        "--pin", default=None, help="facilitator PIN ('-' reads stdin); not with `cmgis --as USER`"
    )
    pb.add_argument("--off", action="store_true", help="withdraw: visible only with the code")
    pb.set_defaults(func=cmd_publish)

    i = wsub.add_parser("import", help="import a workshop GeoPackage (new, or merged into one)")
    i.add_argument("file", help="a .gpkg written by `cmgis workshop export`")
    i.add_argument("--pin", default=None, help="PIN of the new workshop (default: a random one)")
    i.add_argument("--into", default=None, metavar="CODE", help="merge into this workshop")
    i.add_argument(
        "--into-pin", default=None, help="facilitator PIN of --into; not with `cmgis --as USER`"
    )
    i.set_defaults(func=cmd_import)


def _open(args: argparse.Namespace) -> Store:
    return open_app_store(args.db)


def _pin(value: str | None) -> str | None:
    if value == "-":
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("no PIN on standard input")
        return line
    return value


def _facilitator(store: Store, args: argparse.Namespace, pin: str | None) -> Actor | None:
    """The account of ``cmgis --as USER`` (password read), else ``None`` (the PIN is used);
    `InputError` when neither a PIN nor an account is given."""
    if getattr(args, "as_user", None):
        from cmgis.cli.accounts import cli_actor

        return cli_actor(store, args)
    if not pin:
        raise InputError(
            "give the facilitator PIN (--pin / --into-pin), or act as a facilitator account: "
            "cmgis --as USER workshop ..."
        )
    return None


def _owner(store: Store, args: argparse.Namespace) -> Actor | None:
    """The account of ``cmgis --as USER`` (password read) that will own a new workshop,
    else ``None``: a PIN-only workshop (no account is needed to create one)."""
    if getattr(args, "as_user", None):
        from cmgis.cli.accounts import cli_actor

        return cli_actor(store, args)
    return None


def cmd_create(args: argparse.Namespace) -> int:
    """Create a workshop (owned by the ``--as`` account); print the join code on stdout."""
    from cmgis.workshop.access import create_workshop

    zones = [z.strip() for z in args.zones.split(",") if z.strip()]
    with _open(args) as store:
        actor = _owner(store, args)
        ws = create_workshop(
            store,
            title=args.title,
            pin=_pin(args.pin) or "",
            votes_per_group=args.votes,
            workshop_date=args.date,
            stage=args.stage,
            zones_in_focus=zones,
            actor=actor,
        )
        owned = f", run by the account {ws.owner}" if ws.owner else ""
        print(f"created workshop {ws.title!r} in {store.url}{owned}", file=sys.stderr)
    print(ws.code)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List workshops with their numbers of groups and contributions."""
    from cmgis.workshop.access import list_workshops

    with _open(args) as store:
        rows = []
        for ws in list_workshops(store):
            counts = store.query_one(
                "SELECT (SELECT COUNT(*) FROM workshop_groups WHERE workshop_id = :w) AS groups, "
                "(SELECT COUNT(*) FROM workshop_contributions WHERE workshop_id = :w "
                "AND deleted_at IS NULL) AS contributions",
                {"w": ws.id},
            ) or {"groups": 0, "contributions": 0}
            rows.append(
                {
                    "code": ws.code,
                    "title": ws.title,
                    "date": ws.workshop_date,
                    "stage": ws.stage,
                    "votes_per_group": ws.votes_per_group,
                    "groups": counts["groups"],
                    "contributions": counts["contributions"],
                    "owner": ws.owner or "",
                    "published": int(ws.published),
                }
            )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    columns = (
        "code", "title", "date", "stage", "votes_per_group", "groups", "contributions",
        "owner", "published",
    )  # fmt: skip
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        # one line per workshop whatever the title holds
        writer.writerow([" ".join(str(row[c]).split()) for c in columns])
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish or withdraw a workshop; print its code and its visibility."""
    from cmgis.workshop.access import set_published

    with _open(args) as store:
        pin = None if getattr(args, "as_user", None) else _pin(args.pin)
        actor = _facilitator(store, args, pin)
        ws = set_published(store, args.code, pin or "", published=not args.off, actor=actor)
    print(f"{ws.code}\t{'published' if ws.published else 'visible only with its code'}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export one workshop; print the two paths written."""
    from cmgis.workshop.exchange import export_workshop

    with _open(args) as store:
        gpkg, summary = export_workshop(store, args.code, args.output, csv_path=args.csv)
    print(gpkg)
    print(summary)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a workshop file; print the join code (and a generated PIN if none was given)."""
    from cmgis.workshop.exchange import import_workshop

    pin = _pin(args.pin)
    generated = args.into is None and pin is None
    if generated:
        pin = f"{secrets.randbelow(10**6):06d}"
    with _open(args) as store:
        into_pin, actor = None, None
        if args.into is not None:
            into_pin = None if getattr(args, "as_user", None) else _pin(args.into_pin)
            actor = _facilitator(store, args, into_pin)
        else:  # a new workshop: the --as account owns it
            actor = _owner(store, args)
        result = import_workshop(
            store, args.file, pin=pin, into_code=args.into, into_pin=into_pin, actor=actor
        )
    print(
        f"imported {result.contributions} contributions, {result.comments} comments, "
        f"{result.votes} votes, {result.groups} new groups "
        f"({result.skipped_existing} already there)",
        file=sys.stderr,
    )
    print(result.workshop.code)
    if generated:
        print(f"facilitator PIN: {pin}")
    return 0
