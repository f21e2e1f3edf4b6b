"""``cmgis projects``: the plan's projects and the place-bound projects, with zones touched."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cmgis.plan import STRATEGY_KEYS


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
    from cmgis.plan import load_plan
    from cmgis.projects import current_projects, known_zone_ids, listing_rows

    plan = load_plan()
    projects = current_projects()
    if args.zone is not None:
        known_zone_ids(args.zone)
    rows = listing_rows(plan, projects, strategy=args.strategy, zone_id=args.zone)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    header = ("code", "printed", "kind", "strategy", "zones", "title")
    table = [
        (
            r["code"],
            r["printed_label"] or "-",
            r["kind"],
            r["strategy"],
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
