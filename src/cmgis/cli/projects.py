"""``cmgis projects``: the plan's projects and the place-bound projects, with zones touched."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cmgis.plan.spec import STRATEGY_KEYS


def register(sub: Any) -> None:
    """Add the ``projects`` sub-command to the CLI's sub-parsers."""
    p = sub.add_parser(
        "projects",
        help="list the plan's projects and the place-bound projects (codes, 3Ds, zones)",
        description=__doc__,
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--strategy", choices=STRATEGY_KEYS, help="only this strategy of the 3Ds")
    p.add_argument("--zone", metavar="ZONE_ID", help="only projects touching this zone")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List projects; returns the exit code."""
    from cmgis.data.layers import load_layer
    from cmgis.plan.edits import current_projects, records
    from cmgis.plan.projects import check_zone_id, listing_rows
    from cmgis.plan.spec import load_plan
    from cmgis.store import open_app_store

    plan = load_plan()
    zones = load_layer("zones")
    if args.zone is not None:
        check_zone_id(args.zone, zones)
    with open_app_store() as store:
        recs = records(store)
        projects = current_projects(store, zones=zones)
    annotations = {r.code: r.fields for r in recs if r.origin == "report"}
    rows = listing_rows(
        plan, projects, strategy=args.strategy, zone_id=args.zone, annotations=annotations
    )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    header = ("code", "printed", "kind", "strategy", "status", "zones", "title")
    table = [
        (
            r["code"],
            r["printed_label"] or "-",
            r["kind"],
            r["strategy"],
            r["status"],
            r["zones_touched"] or "-",
            r["title_en"],
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [header, *table]) for i in range(len(header) - 1)]
    for line in [header, *table]:
        print(
            "  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=False)) + "  " + line[-1]
        )
    return 0
