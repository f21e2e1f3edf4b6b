"""Workshop results in and out: GeoPackage export/import and a CSV summary.

The GeoPackage (EPSG:4326) holds every record of one workshop, with its status (hidden,
pinned, merged, deleted), so it can be imported again to continue, or merged into
another workshop:

====================  ========  ===================================================
layer                 geometry  content
====================  ========  ===================================================
contributions_point   Point     contributions drawn as points
contributions_line    Line      contributions drawn as lines
contributions_polygon Polygon   contributions drawn as polygons
notes                 none      free notes without geometry
comments              none      comment threads
votes                 none      dot votes
groups                none      groups that joined
people                none      names/contacts given with consent (not anonymised only)
audit                 none      every change, who and when
workshop_metadata     none      key/value: format, workshop, CRS, provenance, anonymised
====================  ========  ===================================================

Exports are anonymised unless the facilitator chooses otherwise (``anonymise=False``):
group names become ``group 1``, ``group 2`` ..., names in the audit are left out and the
``people`` layer is not written; ``workshop_metadata`` records the choice (``anonymised``).

The facilitator PIN (not even its hash) is never exported. A file to import is
untrusted: it is checked (format, size, layers, every field and geometry, as when typed)
and either imported whole, in one transaction, or refused with the reasons.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import pyogrio

from cmgis import __version__, settings
from cmgis._errors import InputError, StoreError
from cmgis.accounts.roles import Actor
from cmgis.store import Store, Transaction, geometry_to_text, new_id, utc_now
from cmgis.textclean import csv_safe
from cmgis.vocab import strategy_to_store
from cmgis.workshop.access import (
    facilitator_label,
    get_workshop,
    insert_workshop,
    owner_for,
    verify_pin,
    workshop_fields,
)
from cmgis.workshop.analytics import contributions_frame
from cmgis.workshop.consent import people_of, pseudonyms
from cmgis.workshop.geometry import ZoneIndex, default_zone_index
from cmgis.workshop.moderation import audit_log
from cmgis.workshop.package import (
    CONTRIBUTION_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    GEOMETRY_LAYERS,
    Package,
    check_budget,
    parse_package,
    read_package,
)
from cmgis.workshop.records import (
    Workshop,
    write_audit,
)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the workshop it went into and how many records were added."""

    workshop: Workshop
    created_workshop: bool
    contributions: int
    comments: int
    votes: int
    groups: int
    skipped_existing: int


# ------------------------------------------------------------------------------- export


def _all_contributions(store: Store, workshop: Workshop) -> gpd.GeoDataFrame:
    frame = contributions_frame(
        store,
        workshop.id,
        include_hidden=True,
        include_deleted=True,
        include_merged=True,
        columns=CONTRIBUTION_COLUMNS,
    )
    flags = ["hidden", "pinned", "approximate"]  # stored as 0/1 in the exchange format
    if len(frame):
        frame[flags] = frame[flags].astype(int)
    return frame


def export_workshop(
    store: Store,
    code: str,
    output: Path | str,
    *,
    csv_path: Path | str | None = None,
    anonymise: bool = True,
) -> tuple[Path, Path]:
    """Write workshop ``code`` to a GeoPackage and a CSV summary; return both paths.

    Long because it writes every layer of the format in one atomic step.

    Parameters
    ----------
    output
        The ``.gpkg`` to write (replaced if it exists).
    csv_path
        The CSV summary; ``output`` with the suffix ``.csv`` when ``None``.
    anonymise
        Replace group names by pseudonyms and leave personal details out (the default,
        Thailand's PDPA); ``False`` only when the facilitator chooses so.
    """
    workshop = get_workshop(store, code)
    names = pseudonyms(store, workshop.id) if anonymise else None
    out = Path(output)
    if out.suffix.lower() != ".gpkg":
        raise InputError(f"the export must be a .gpkg file, got {out.name!r}")
    csv_out = Path(csv_path) if csv_path else out.with_suffix(".csv")
    _check_outputs(out, csv_out)  # every output checked before anything is written
    frame = _all_contributions(store, workshop)
    if names is not None and len(frame):
        frame["group_name"] = frame["group_id"].map(names).fillna("")
    gpkg_tmp = _part_path(out)
    csv_tmp = _part_path(csv_out)
    try:
        written = 0
        for geom_type, layer in GEOMETRY_LAYERS.items():
            part = frame[frame.geometry.geom_type == geom_type]
            if len(part):
                pyogrio.write_dataframe(part, gpkg_tmp, layer=layer, driver="GPKG")
                written += 1
        notes = frame[frame.geometry.isna()].drop(columns="geometry")
        for layer, table in (
            ("notes", pd.DataFrame(notes)),
            ("comments", _table(store, "workshop_comments", workshop.id)),
            ("votes", _table(store, "workshop_votes", workshop.id)),
            ("groups", _groups_table(store, workshop.id, names)),
            ("people", _people_table(store, workshop.id) if names is None else pd.DataFrame()),
            ("audit", _audit_table(store, workshop, anonymise=names is not None)),
            ("workshop_metadata", _metadata(workshop, frame, anonymised=names is not None)),
        ):
            if len(table) or layer in ("workshop_metadata", "groups"):
                pyogrio.write_dataframe(table, gpkg_tmp, layer=layer, driver="GPKG")
        write_csv_summary(store, workshop, csv_tmp, anonymise=anonymise)
        os.replace(gpkg_tmp, out)  # both written whole: now move them in place
        os.replace(csv_tmp, csv_out)
    except OSError as err:
        raise InputError(f"cannot write the export: {err.strerror or err}") from err
    finally:
        gpkg_tmp.unlink(missing_ok=True)
        csv_tmp.unlink(missing_ok=True)
    return out, csv_out


def _part_path(path: Path) -> Path:
    """A temporary file beside ``path`` (same folder, so `os.replace` is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                                dir=path.parent)  # fmt: skip
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # GDAL creates the file itself
    return tmp


def _check_outputs(*paths: Path) -> None:
    """Refuse outputs that are the same file, a folder, a device, or in a missing folder."""
    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise InputError(
            f"the outputs must be different files, got {' and '.join(str(p) for p in paths)}; "
            "give the CSV another name (--csv FILE.csv)"
        )
    for path in paths:
        if path.is_dir():
            raise InputError(f"the output {path} is a folder; give a file name")
        if path.exists() and not path.is_file():
            raise InputError(f"the output {path} is not a regular file (a device?); give a file")
        if not path.parent.is_dir():
            raise InputError(f"the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise InputError(f"cannot write {path}: permission denied")


def _table(store: Store, table: str, workshop_id: str) -> pd.DataFrame:
    columns = {
        "workshop_comments": "id, contribution_id, group_id, body, created_at, hidden, deleted_at",
        "workshop_votes": "id, contribution_id, group_id, created_at",
    }[table]
    rows = store.query(
        f"SELECT {columns} FROM {table} WHERE workshop_id = :w ORDER BY created_at, id",
        {"w": workshop_id},
    )
    frame = pd.DataFrame.from_records(rows, columns=[c.strip() for c in columns.split(",")])
    return frame.fillna("")


def _groups_table(
    store: Store, workshop_id: str, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Groups with their names, or with the pseudonyms ``names`` when anonymised."""
    rows = store.query(
        "SELECT id, name, created_at FROM workshop_groups WHERE workshop_id = :w "
        "ORDER BY created_at",
        {"w": workshop_id},
    )
    if names is not None:
        rows = [{**r, "name": names.get(r["id"], "")} for r in rows]
    return pd.DataFrame.from_records(rows, columns=["id", "name", "created_at"])


def _people_table(store: Store, workshop_id: str) -> pd.DataFrame:
    """Names and contacts given with consent, with the consent text (not anonymised)."""
    columns = ["id", "group_id", "person_name", "contact", "consent_text", "created_at"]
    rows = [{c: getattr(p, c) for c in columns} for p in people_of(store, workshop_id)]
    return pd.DataFrame.from_records(rows, columns=columns)


#: Audit detail keys that hold names typed by participants (left out when anonymised).
_NAME_KEYS: Final = frozenset({"name", "group", "group_name", "person_name", "contact"})


def _audit_table(store: Store, workshop: Workshop, *, anonymise: bool = False) -> pd.DataFrame:
    rows = [
        {
            "id": e.id,
            "actor": e.actor,
            "action": e.action,
            "target_id": e.target_id or "",
            "detail": json.dumps(
                {k: v for k, v in e.detail.items() if not (anonymise and k in _NAME_KEYS)},
                ensure_ascii=False,
            ),
            "at": e.at,
        }
        for e in audit_log(store, workshop.id)
    ]
    return pd.DataFrame.from_records(
        rows, columns=["id", "actor", "action", "target_id", "detail", "at"]
    )


def _metadata(workshop: Workshop, frame: gpd.GeoDataFrame, *, anonymised: bool) -> pd.DataFrame:
    items = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "cmgis_version": __version__,
        "exported_at": utc_now(),
        "workshop_id": workshop.id,
        "join_code": workshop.code,
        "title": workshop.title,
        "workshop_date": workshop.workshop_date,
        "stage": workshop.stage,
        "zones_in_focus": json.dumps(list(workshop.zones_in_focus), ensure_ascii=False),
        "votes_per_group": str(workshop.votes_per_group),
        "crs": settings.STORE_CRS,
        "contributions": str(len(frame)),
        "anonymised": "yes" if anonymised else "no",
        "anonymisation": (
            "group names replaced by pseudonyms (group 1, group 2 ...); names and contacts "
            "left out (facilitator's choice; Thailand's PDPA 2019)"
            if anonymised
            else "not anonymised: the facilitator chose to export group names and the "
            "names/contacts participants gave with consent"
        ),
        "provenance": (
            "Participatory mapping: shapes were drawn by hand by workshop groups "
            "(approximate=1); zone_id is a spatial join with the cmgis zones layer "
            "(largest overlap, 'elsewhere' when in none, 'no_place' for notes). "
            "Text is as typed by participants: treat it as untrusted when displaying it."
        ),
    }
    return pd.DataFrame({"key": list(items), "value": list(items.values())})


def write_csv_summary(
    store: Store, workshop: Workshop, path: Path | str, *, anonymise: bool = True
) -> Path:
    """One row per visible contribution with votes, comments and a lon/lat, UTF-8 with BOM.

    Group names are pseudonyms unless ``anonymise`` is ``False`` (see `export_workshop`).
    """
    frame = contributions_frame(store, workshop.id)
    if anonymise and len(frame):
        frame["group_name"] = frame["group_id"].map(pseudonyms(store, workshop.id)).fillna("")
    out = Path(path)
    columns = [
        "id",
        "workshop_code",
        "group_name",
        "category",
        "strategy",
        "zone_id",
        "title",
        "comment",
        "votes",
        "n_comments",
        "pinned",
        "geom_type",
        "lon",
        "lat",
        "created_at",
    ]
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for _, row in frame.iterrows():
            geom = row.geometry
            point = None if geom is None or geom.is_empty else geom.representative_point()
            values = {
                **row.to_dict(),
                "workshop_code": workshop.code,
                "lon": "" if point is None else round(point.x, 6),
                "lat": "" if point is None else round(point.y, 6),
                "pinned": int(bool(row["pinned"])),
            }
            writer.writerow([csv_safe(values[c]) for c in columns])
    return out


# ------------------------------------------------------------------------------- import


def import_workshop(
    store: Store,
    path: Path | str,
    *,
    pin: str | None = None,
    into_code: str | None = None,
    into_pin: str | None = None,
    zones: ZoneIndex | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Import a workshop GeoPackage: as a new workshop, or merged into an existing one.

    The steps: read and check the file (`read_package`, `parse_package`), find the
    target (`_import_target`), then write everything in one transaction
    (`_write_package`): the new workshop, its records and the audit row, or nothing.

    Parameters
    ----------
    path
        A ``.gpkg`` written by `export_workshop`.
    pin
        Facilitator PIN of the new workshop (required unless ``into_code`` is given).
    into_code, into_pin
        Merge into this existing workshop instead (its PIN is required). Records already
        there (same id) are skipped, so importing a file twice adds nothing the second time.
    actor
        A signed-in facilitator or admin account merges without ``into_pin``
        (`verify_pin`: an admin into any workshop, a facilitator into its own). A new
        workshop imported by a signed-in account is that account's (`Workshop.owner`);
        the file's owner never travels (accounts belong to one store), so without an
        account the imported workshop is PIN-only.
    zones
        Zones for the spatial join (contributions are placed again, not trusted from the
        file); the built zones layer when ``None``.

    Raises
    ------
    InputError
        When the file or any record in it is not valid; nothing is imported then.
    AuthError
        A wrong PIN or join code for ``into_code``.
    """
    src = Path(path)
    layers, meta = read_package(src)
    zone_index = zones or default_zone_index()
    problems: list[str] = []
    package = parse_package(layers, problems)
    fields, target_id, budget = _import_target(store, src, meta, pin, into_code, into_pin, actor)
    check_budget(package.votes, budget, problems)
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InputError(f"{src.name} was not imported: {shown}{more}")
    counts = {"contributions": 0, "comments": 0, "votes": 0, "groups": 0, "skipped": 0}
    # one transaction: the new workshop, its records and the audit row, or nothing at all
    with store.transaction() as tx:
        code = None
        if fields is not None:
            code, target_id = _insert_new_workshop(tx, fields)
        _write_package(tx, target_id, package, zone_index, counts)
        if into_code is not None:
            _check_budget_in_store(tx, target_id, budget)
        detail = {"file": src.name, "source_workshop": meta.get("workshop_id"), **counts}
        write_audit(tx, target_id, facilitator_label(actor), "import", None, detail)
    target = get_workshop(store, code if code is not None else into_code or "")
    return ImportResult(
        workshop=target,
        created_workshop=into_code is None,
        contributions=counts["contributions"],
        comments=counts["comments"],
        votes=counts["votes"],
        groups=counts["groups"],
        skipped_existing=counts["skipped"],
    )


def _import_target(
    store: Store,
    src: Path,
    meta: dict[str, str],
    pin: str | None,
    into_code: str | None,
    into_pin: str | None,
    actor: Actor | None = None,
) -> tuple[dict[str, Any] | None, str, int]:
    """(fields of the new workshop or ``None``, id of the existing target or "", vote budget).

    A merge checks the target's PIN (`verify_pin`, throttled); a new workshop needs ``pin``.
    """
    if into_code is not None:
        target = verify_pin(store, into_code, into_pin or "", actor=actor)
        return None, target.id, target.votes_per_group
    if pin is None:
        raise InputError("give a facilitator PIN for the imported workshop")
    try:
        focus = tuple(json.loads(meta.get("zones_in_focus", "[]")))
        fields = workshop_fields(
            title=meta.get("title", src.stem),
            pin=pin,
            votes_per_group=int(meta.get("votes_per_group", "5")),
            workshop_date=meta.get("workshop_date") or None,
            stage=meta.get("stage", "co_sensing"),
            zones_in_focus=[str(z) for z in focus],
        )
    except (ValueError, TypeError) as err:  # InputError is a ValueError too
        raise InputError(f"{src.name} has unreadable workshop metadata ({err})") from err
    fields["owner"] = owner_for(store, actor)  # the importer's account; none from the file
    return fields, "", int(fields["votes"])


def _insert_new_workshop(tx: Transaction, fields: dict[str, Any]) -> tuple[str, str]:
    """Insert the imported workshop; its (join code, id)."""
    for _ in range(20):  # a clash of random join codes is rare
        code = insert_workshop(tx, fields)
        if code is not None:
            break
    else:  # pragma: no cover
        raise StoreError("could not find a free join code; try again")
    found = tx.query_one("SELECT id FROM workshop_workshops WHERE code = :c", {"c": code})
    assert found is not None
    return code, str(found["id"])


def _write_package(
    tx: Transaction,
    target_id: str,
    package: Package,
    zone_index: ZoneIndex,
    counts: dict[str, int],
) -> None:
    """Insert the groups, contributions, comments and votes of ``package`` into the target."""
    group_map = _insert_groups(tx, target_id, package.groups, counts)
    id_map = _insert_contributions(
        tx, target_id, package.contributions, group_map, zone_index, counts
    )
    _insert_threads(tx, target_id, package, id_map, group_map, counts)


def _insert_groups(
    tx: Transaction, target_id: str, groups: dict[str, str], counts: dict[str, int]
) -> dict[str, str]:
    """Groups of the file by name (an existing group of that name is reused): old id -> id."""
    group_map: dict[str, str] = {}
    for old_id, name in groups.items():
        row = tx.query_one(
            "SELECT id FROM workshop_groups WHERE workshop_id = :w AND name_key = :k",
            {"w": target_id, "k": name.casefold()},
        )
        if row is None:
            new_group = new_id()
            tx.execute(
                "INSERT INTO workshop_groups (id, workshop_id, name, name_key, created_at) "
                "VALUES (:id, :w, :n, :k, :at)",
                {"id": new_group, "w": target_id, "n": name, "k": name.casefold(),
                 "at": utc_now()},
            )  # fmt: skip
            counts["groups"] += 1
            group_map[old_id] = new_group
        else:
            group_map[old_id] = row["id"]
    return group_map


def _insert_contributions(
    tx: Transaction,
    target_id: str,
    contributions: list[dict[str, Any]],
    group_map: dict[str, str],
    zone_index: ZoneIndex,
    counts: dict[str, int],
) -> dict[str, str]:
    """Insert the contributions not already in the target: file id -> id in the store."""
    id_map: dict[str, str] = {}
    skipped: set[str] = set()
    for c in contributions:
        existing = tx.query_one(
            "SELECT workshop_id FROM workshop_contributions WHERE id = :id", {"id": c["id"]}
        )
        if existing is not None and existing["workshop_id"] == target_id:
            skipped.add(c["id"])
            id_map[c["id"]] = c["id"]
            continue
        id_map[c["id"]] = c["id"] if existing is None else new_id()
    for c in contributions:
        if c["id"] in skipped:
            counts["skipped"] += 1
            continue
        merged = c["merged_into"]
        tx.execute(
            "INSERT INTO workshop_contributions (id, workshop_id, group_id, category, "
            "strategy, title, comment, geometry, geom_type, zone_id, created_at, updated_at, "
            "hidden, pinned, merged_into, deleted_at) VALUES (:id, :w, :g, :category, "
            ":strategy, :title, :comment, :geometry, :geom_type, :zone, :created, :updated, "
            ":hidden, :pinned, :merged, :deleted)",
            {
                **{k: c[k] for k in ("category", "title", "comment")},
                "strategy": strategy_to_store(c["strategy"]),
                "id": id_map[c["id"]],
                "w": target_id,
                "g": group_map[c["group_id"]],
                "geometry": geometry_to_text(c["geometry"]),
                "geom_type": None if c["geometry"] is None else c["geometry"].geom_type,
                "zone": zone_index.zone_for(c["geometry"]) if c["geometry"] else "no_place",
                "created": c["created_at"] or utc_now(),
                "updated": c["updated_at"] or utc_now(),
                "hidden": c["hidden"],
                "pinned": c["pinned"],
                "merged": id_map.get(merged) if merged else None,
                "deleted": c["deleted_at"] or None,
            },
        )
        counts["contributions"] += 1
    return id_map


def _insert_threads(
    tx: Transaction,
    target_id: str,
    package: Package,
    id_map: dict[str, str],
    group_map: dict[str, str],
    counts: dict[str, int],
) -> None:
    """Insert the comments and votes of imported contributions (not those already there)."""
    for kind, records in (("comments", package.comments), ("votes", package.votes)):
        for r in records:
            if r["contribution_id"] not in id_map or r["group_id"] not in group_map:
                continue  # belongs to nothing imported
            exists = tx.query_one(
                f"SELECT workshop_id FROM workshop_{kind} WHERE id = :id", {"id": r["id"]}
            )
            if exists is not None and exists["workshop_id"] == target_id:
                continue
            params = {
                "id": r["id"] if exists is None else new_id(),
                "w": target_id,
                "c": id_map[r["contribution_id"]],
                "g": group_map[r["group_id"]],
                "at": r["created_at"] or utc_now(),
            }
            if kind == "comments":
                tx.execute(
                    "INSERT INTO workshop_comments (id, workshop_id, contribution_id, "
                    "group_id, body, created_at, hidden, deleted_at) VALUES (:id, :w, :c, "
                    ":g, :body, :at, :hidden, :deleted)",
                    {**params, "body": r["body"], "hidden": r["hidden"],
                     "deleted": r["deleted_at"] or None},
                )  # fmt: skip
            else:
                tx.execute(
                    "INSERT INTO workshop_votes (id, workshop_id, contribution_id, group_id, "
                    "created_at) VALUES (:id, :w, :c, :g, :at)",
                    params,
                )
            counts[kind] += 1


def _check_budget_in_store(tx: Transaction, workshop_id: str, budget: int) -> None:
    row = tx.query_one(
        "SELECT group_id, COUNT(*) AS n FROM workshop_votes WHERE workshop_id = :w "
        "GROUP BY group_id ORDER BY n DESC LIMIT 1",
        {"w": workshop_id},
    )
    if row is not None and int(row["n"]) > budget:
        raise InputError(
            f"after the merge a group would have {row['n']} votes; the workshop allows "
            f"{budget} per group — nothing was imported"
        )
