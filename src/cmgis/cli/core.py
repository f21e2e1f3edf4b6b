"""Core sub-commands: layers, build-layers, indicators, zones, isc, app."""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import unicodedata
from dataclasses import asdict
from typing import Any

from cmgis import settings
from cmgis._errors import CmgisError


def register(sub: Any) -> None:
    """Add the core sub-commands to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser("layers", help="list the layer catalog")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_layers)

    p = sub.add_parser("build-layers", help="rebuild data/layers/ from data/raw/ (deterministic)")
    p.set_defaults(func=cmd_build_layers)

    p = sub.add_parser("indicators", help="the zone (or tambon) indicator table")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--areas", choices=["zones", "tambons"], default="zones")
    p.add_argument("--definitions", action="store_true", help="print the definitions instead")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("zones", help="the five districts with their method and parameters")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_zones)

    p = sub.add_parser("isc", help="Chiang Mai's ISC scores as the report gives them")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_isc)

    p = sub.add_parser(
        "app",
        help="start the Streamlit app on the bundled data (on this computer only by default)",
    )
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default=None,
        metavar="ADDR",
        help="listen on ADDR (e.g. 0.0.0.0) instead of 127.0.0.1: opens the app to a network",
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="serve a read-only app: no sign-in, no edit controls, every write refused",
    )
    p.add_argument(
        "--lan", action="store_true",
        help="serve on this machine's address on the hall's network and print the join "
        "link and its QR code for phones",
    )  # fmt: skip
    p.add_argument("--code", help="with --lan: the workshop's join code to put in the link")
    p.set_defaults(func=cmd_app)


CATALOG_COLUMNS = (
    "id",
    "title_en",
    "title_th",
    "geometry_type",
    "feature_count",
    "source",
    "licence",
    "credit",
    "method",
    "date",
    "approximate",
)


def _print_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["true" if row[c] is True else "false" if row[c] is False else row[c] for c in columns]
        )


def _text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Thai vowel and tone marks take none)."""
    return sum(
        0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn"
        else 2 if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )  # fmt: skip


def _cell(value: Any) -> str:
    if value is True or value is False:
        return "yes" if value else "no"
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _print_aligned(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """A table for people: ``columns`` maps row keys to headers; numbers right-aligned."""
    cells = [[_cell(r[c]) for c in columns] for r in rows]
    numeric = [
        all(isinstance(r[c], int | float) and not isinstance(r[c], bool) for r in rows)
        for c in columns
    ]
    headers = list(columns.values())
    widths = [
        max([_text_width(h), *(_text_width(row[i]) for row in cells)])
        for i, h in enumerate(headers)
    ]

    def line(values: list[str]) -> str:
        padded = []
        for i, v in enumerate(values):
            gap = " " * (widths[i] - _text_width(v))
            padded.append(gap + v if numeric[i] else v + gap)
        return "  ".join(padded).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


#: The layer table's columns (``--json`` gives every field of the catalog record).
LAYER_TABLE = {"id": "id", "title_en": "title", "feature_count": "features", "licence": "licence"}


def cmd_layers(args: argparse.Namespace) -> int:
    """Print the catalog: a table (id, title, features, licence) or every field as JSON."""
    from cmgis.data.catalog import load_catalog

    catalog = load_catalog()
    rows = [asdict(e) for e in catalog.layers]
    if args.json:
        out = {"layers": [{c: r[c] for c in CATALOG_COLUMNS} | r for r in rows]}
        out["no_data"] = [asdict(e) for e in catalog.no_data]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_aligned(rows, LAYER_TABLE)
    return 0


def cmd_build_layers(args: argparse.Namespace) -> int:
    """Rebuild every layer, the catalog and the indicator tables."""
    from cmgis.data.build import build_layers

    catalog = build_layers()
    for e in catalog.layers:
        print(f"{e.id}\t{e.geometry_type}\t{e.feature_count}", file=sys.stderr)
    print(f"built {len(catalog.layers)} layers into {settings.layers_dir()}")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    """Print the indicator table or the definitions."""
    from cmgis.districts import indicators as indicators

    if args.definitions:
        defs = [asdict(d) for d in indicators.indicator_definitions()]
        if args.format == "json":
            print(json.dumps(defs, ensure_ascii=False, indent=2))
        else:
            cols = tuple(defs[0])
            _print_csv(defs, cols)
        return 0
    table = indicators.load_indicators(args.areas)
    lower_bounds = [
        d.id for d in indicators.indicator_definitions() if d.lower_bound and d.id in table
    ]
    if args.format == "json":
        scores = indicators.normalised_scores(table)
        records = []
        for key in table.index:
            values = {str(k): _json_number(v) for k, v in table.loc[key].items()}
            score = {str(k): _json_number(v) for k, v in scores.loc[key].items()}
            not_ranked = {
                d.id: reason
                for d in indicators.indicator_definitions()
                if d.direction != 0 and (reason := indicators.unranked_reason(table, key, d.id))
            }
            records.append(
                {
                    str(table.index.name): key,
                    "values": values,
                    "scores_0_100": score,
                    "lower_bounds": lower_bounds,
                    "not_ranked": not_ranked,
                }
            )
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _indicators_csv(table, args.areas)
    if lower_bounds:
        print(
            f"note: {', '.join(lower_bounds)} is a lower bound (at least; found by name)",
            file=sys.stderr,
        )
    return 0


def _indicators_csv(table: Any, areas: str) -> None:
    """The indicator table as CSV with the areas' names; counts as integers.

    "No data" stays an empty cell, never 0.
    """
    from cmgis.data.layers import load_layer
    from cmgis.districts import indicators as indicators

    names = load_layer("zones" if areas == "zones" else "tambons")
    key = "zone_id" if areas == "zones" else "tambon_code"
    names = names.set_index(key)[["name_en", "name_th"]]
    out = table.copy()
    for d in indicators.indicator_definitions():
        if d.unit == "count" and d.id in out.columns:
            out[d.id] = out[d.id].round().astype("Int64")
    out.insert(0, "name_th", names["name_th"].reindex(out.index))
    out.insert(0, "name_en", names["name_en"].reindex(out.index))
    out.to_csv(sys.stdout, float_format="%.4f", lineterminator="\n")


def _json_number(value: Any) -> float | None:
    """A float for JSON, ``None`` for no data (NaN)."""
    number = float(value)
    return None if number != number else number


def _print_csv(rows: list[dict[str, Any]], cols: tuple[str, ...]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("|".join(v) if isinstance(v, tuple) else v) for k, v in r.items()})


#: The zone table's columns (``--json`` gives every field with the parameters).
ZONE_TABLE = {
    "zone_id": "zone",
    "name_en": "name",
    "name_th": "name (th)",
    "theme_en": "theme",
    "area_km2": "area km²",
    "boundary": "boundary",
    "method_id": "method",
}


def cmd_zones(args: argparse.Namespace) -> int:
    """Print the zones with their method and parameters."""
    from cmgis.districts.zones import load_zones

    zones = load_zones()
    rows: list[dict[str, Any]] = [
        {str(k): (bool(v) if k == "approximate" else v) for k, v in r.items() if k != "geometry"}
        for r in zones.to_dict("records")
    ]
    if args.json:
        for r in rows:
            r["parameters"] = json.loads(str(r["parameters"]))
            r["strategies"] = str(r["strategies"]).split(",")
            r["plan_items"] = str(r["plan_items"]).split(",")
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            r["boundary"] = "approximate" if r["approximate"] else "constructed"
        _print_aligned(rows, ZONE_TABLE)
    return 0


def cmd_isc(args: argparse.Namespace) -> int:
    """Print the ISC scores, with the note that "overall" is the report's own average."""
    from cmgis.districts.indicators import isc_scores
    from cmgis.municipality import isc_overall_note

    scores = [asdict(s) for s in isc_scores()]
    note = isc_overall_note({s["id"]: s["score_pct"] for s in scores})
    if args.json:
        for s in scores:
            if s["id"] == "overall":
                s["note"] = note
        print(json.dumps(scores, ensure_ascii=False, indent=2))
    else:
        _print_table(scores, ("id", "title_en", "score_pct", "level"))
        print(f"\nNote: {note}")
    return 0


#: Seconds the Streamlit child gets to stop after a forwarded signal before it is killed.
APP_STOP_TIMEOUT_S = 10.0


def app_address(args: argparse.Namespace) -> str:
    """The address ``cmgis app`` listens on: ``--address``, else 127.0.0.1 (this computer).

    The one place that decides it: ``--lan`` means this machine's address on the hall's
    network (`cmgis.cli.lan.lan_address`).
    """
    address = getattr(args, "address", None)
    if address:
        return str(address).strip()
    if getattr(args, "lan", False):
        from cmgis.cli.lan import lan_address

        return lan_address()
    return settings.LOCALHOST


def app_env(address: str, *, public: bool) -> dict[str, str]:
    """The environment of the Streamlit child: the bind address and the read-only flag."""
    env = dict(os.environ)
    env[settings.BIND_ADDRESS_ENV_VAR] = address
    if public:
        env[settings.PUBLIC_ENV_VAR] = "1"
    else:
        env.pop(settings.PUBLIC_ENV_VAR, None)
    return env


def network_warning(address: str, *, public: bool, accounts_defined: bool) -> str | None:
    """What ``cmgis app`` prints when it listens beyond this computer (``None``: it does not).

    It names the roles a person on that network can reach.
    """
    if settings.is_loopback(address):
        return None
    head = f"cmgis: WARNING: the app listens on {address}, so it is reachable from the network"
    if public:
        return f"{head}; read-only (--public): visitors can only view, nobody can change anything."
    if accounts_defined:
        roles = (
            "viewer (anyone, no account); participant (anyone with a workshop join code); "
            "facilitator (the workshop PIN or a facilitator account); editor and admin "
            "(whoever signs in with such an account — use strong passwords)"
        )
    else:
        roles = (
            "viewer (anyone); participant (anyone with a workshop join code); facilitator "
            "(anyone with the workshop PIN). No accounts are defined, so nobody can edit "
            "projects or layers from the network: add one with "
            "`cmgis users add NAME --role editor`"
        )
    return f"{head}. Roles reachable from the network: {roles}."


def app_command(port: int, address: str = settings.LOCALHOST) -> list[str]:
    """The ``streamlit run`` command line of ``cmgis app`` on ``address``:``port``.

    Users never see Python tracebacks (``client.showErrorDetails=none`` also hides the
    "Ask Google / Ask ChatGPT" links): the pages show a short message, details go to the
    server log. The app listens on ``address`` only (127.0.0.1 unless asked).
    """
    app = settings.REPO_ROOT / "app.py"
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--client.showErrorDetails", "none",
    ]  # fmt: skip


def cmd_app(args: argparse.Namespace) -> int:
    """Start the Streamlit app and print the URL to open.

    SIGTERM and SIGINT (systemd, a container, Ctrl+C) are forwarded to the Streamlit child,
    which is waited for, so the port is free when ``cmgis app`` exits.
    """
    app = settings.REPO_ROOT / "app.py"
    if not app.exists():
        raise CmgisError(f"{app} not found; run `cmgis app` from a checkout of cmgis")
    address = app_address(args)
    public = bool(getattr(args, "public", False))
    host = "localhost" if settings.is_loopback(address) else address
    url = f"http://{host}:{args.port}"
    from cmgis.accounts.records import has_accounts
    from cmgis.store import open_app_store

    warning = None
    if not settings.is_loopback(address):
        try:
            with open_app_store() as store:
                defined = has_accounts(store)
        except CmgisError:  # the pages will say what is wrong with the store
            defined = True  # unknown: name every role that may be reachable
        warning = network_warning(address, public=public, accounts_defined=defined)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    env = app_env(address, public=public)
    if getattr(args, "lan", False):
        from cmgis.cli.lan import print_join_banner

        env[settings.PUBLIC_URL_ENV_VAR] = url
        print_join_banner(url, sys.stdout, getattr(args, "code", None))
    mode = " (public, read-only)" if public else ""
    print(f"cmgis: starting the app{mode} — open {url} in your browser (Ctrl+C to stop)",
          flush=True)  # fmt: skip
    child = subprocess.Popen(app_command(args.port, address), cwd=settings.REPO_ROOT, env=env)
    stopping: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        stopping.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = child.wait(timeout=APP_STOP_TIMEOUT_S if stopping else None)
                break
            except subprocess.TimeoutExpired:
                child.kill()  # did not stop after the forwarded signal
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else code
