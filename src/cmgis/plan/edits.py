"""Officials' additions and annotations of projects: validated, versioned, undoable.

Records live in the app's store (`cmgis.store`), never in the repository's files:

- the report's items (plan projects such as ``1.2.1`` and place-bound projects such as
  ``P05``) cannot be changed, only annotated: ``status`` and ``notes``;
- officials add projects (codes ``A001``, ``A002`` …) with a title, one of the 3Ds, a
  status, and a place: a drawn or imported geometry, picked zones, or none;
- every change is a row of ``projects_history`` with who, when, and the state before and
  after; `undo_last` reverts the latest change not yet undone (and is itself recorded);
- every write needs the editor role (`cmgis.accounts.authorize`): ``actor=None`` is the
  local editor while the store has no accounts. History keeps the account (``account``,
  ``verified`` 1) and the typed name beside it; rows from before accounts, and the local
  editor's, keep only the typed name (``verified`` 0);
- each record has a version number. A write names the version it was based on; if the
  record has moved on since, `cmgis._errors.ConflictError` says who changed it and when,
  and nothing is written (optimistic concurrency: no change is lost silently).

Geometries are EPSG:4326 (GeoJSON text in the store).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cmgis import settings
from cmgis._errors import ConflictError, InputError
from cmgis.accounts.records import authorize, history_fields
from cmgis.accounts.roles import Actor, Role, refuse_if_read_only
from cmgis.data.layers import load_layer
from cmgis.geocheck import check_user_shape
from cmgis.plan.projects import load_projects_layer, zones_touched
from cmgis.plan.spec import STATUSES, STRATEGY_KEYS, Plan
from cmgis.store import (
    Migration,
    Store,
    Transaction,
    geometry_from_text,
    geometry_to_text,
    new_id,
    postgis_geometry_sql,
    utc_now,
)
from cmgis.store.app import open_app_store
from cmgis.textclean import strip_unwanted

FEATURE = "projects"

_PROJECTS_V1_SQL = """
        CREATE TABLE projects_records (
            code TEXT PRIMARY KEY,
            origin TEXT NOT NULL,
            version INTEGER NOT NULL,
            fields TEXT NOT NULL,
            geometry TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE projects_history (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            action TEXT NOT NULL,
            undoes INTEGER,
            state_before TEXT,
            state_after TEXT NOT NULL,
            by_user TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX projects_history_code_version ON projects_history (code, version);
        """

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        FEATURE,
        1,
        "projects: officials' records (additions, annotations) and their history",
        _PROJECTS_V1_SQL,
        dialect_sql=(("postgresql", _PROJECTS_V1_SQL + postgis_geometry_sql("projects_records")),),
    ),
    Migration(
        FEATURE,
        2,
        "projects: history names the account (verified) beside the typed name",
        """
        ALTER TABLE projects_history ADD COLUMN account TEXT;
        ALTER TABLE projects_history ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
        """,
    ),
)

#: The only fields of a report item that may be set (annotations).
ANNOTATION_FIELDS: tuple[str, ...] = ("status", "notes")
#: Fields of an added project.
ADDED_FIELDS: tuple[str, ...] = (
    "title_en",
    "title_th",
    "strategy",
    "status",
    "notes",
    "lead",
    "partners",
    "activities_en",
    "zone_ids",
    "geometry_method",
    "source",
)
ADDED_PREFIX = "A"
MAX_TEXT_CHARS = 2000
MAX_TITLE_CHARS = 200
MAX_USER_CHARS = 80
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


@dataclass(frozen=True)
class ProjectDraft:
    """A project an official adds (from the form or one row of an import).

    ``geometry`` (EPSG:4326) or ``zone_ids`` places it; with neither it has no place.
    """

    title_en: str
    strategy: str
    title_th: str = ""
    status: str = "proposed"
    notes: str = ""
    lead: str = ""
    partners: str = ""
    activities_en: str = ""
    zone_ids: tuple[str, ...] = ()
    geometry: BaseGeometry | None = None
    geometry_method: str = "drawn"
    source: str = ""


@dataclass(frozen=True)
class ProjectRecord:
    """A stored record: an added project, or the annotations of a report item."""

    code: str
    origin: str
    version: int
    fields: Mapping[str, str] = field(default_factory=dict)
    geometry: BaseGeometry | None = None
    deleted: bool = False
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Change:
    """One row of the history: who changed which project, when, from what to what."""

    code: str
    version: int
    action: str
    undoes: int | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any]
    by_user: str
    at: str
    #: The signed-in account that made the change; ``None`` for a typed name only.
    account: str | None = None
    #: Whether ``account`` was signed in (False: rows from before accounts, local editor).
    verified: bool = False


# --- validation -------------------------------------------------------------------


def _strip_unwanted(text: str) -> str:
    return strip_unwanted(text)


def _clean_user(user: str) -> str:
    user = _strip_unwanted(user or "")
    if not user:
        raise InputError("who is making the change? Enter your name (it is kept in the history)")
    if len(user) > MAX_USER_CHARS:
        raise InputError(f"the name is too long ({len(user)} characters; at most {MAX_USER_CHARS})")
    return user


#: Who made a change, as a history row keeps it: (shown name, account or None, verified).
Who = tuple[str, str | None, int]


def _acting(store: Store, actor: Actor | None, user: str, action: str) -> Who:
    """Check the editor role (`cmgis.accounts.authorize`) and the name kept in the history.

    The role is checked first, so a viewer hears that it may not, not that a name is
    missing. An account may leave the typed name empty (its display name is kept).
    """
    acting = authorize(store, actor, Role.EDITOR, action=action)
    name, account, verified = history_fields(acting, user)
    if account is None:
        name = _clean_user(name)
    elif len(name) > MAX_USER_CHARS:
        raise InputError(f"the name is too long ({len(name)} characters; at most {MAX_USER_CHARS})")
    return name, account, verified


def _clean_text(value: object, name: str, limit: int = MAX_TEXT_CHARS) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    text = _strip_unwanted(value)
    if len(text) > limit:
        raise InputError(f"{name} is too long ({len(text)} characters; at most {limit})")
    return text


def check_strategy(value: str) -> str:
    """Return the 3Ds key ``value`` or raise `InputError` saying which keys exist."""
    key = (value or "").strip().lower().replace("_", "-").replace(" ", "-")
    if key not in STRATEGY_KEYS:
        raise InputError(
            f"unknown strategy {value!r}; expected one of the 3Ds: {', '.join(STRATEGY_KEYS)}"
        )
    return key


def check_status(value: str) -> str:
    """Return the status ``value`` or raise `InputError` listing the statuses."""
    status = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        raise InputError(f"unknown status {value!r}; expected one of {', '.join(STATUSES)}")
    return status


def check_geometry(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Refuse an unsupported type, then what `cmgis.geocheck.check_user_shape` refuses.

    That is: an empty or invalid shape, more than `cmgis.geocheck.MAX_SHAPE_VERTICES`
    vertices, or a place outside the area or not finite (EPSG:4326
    lon/lat expected). Project edits and project imports both check here.
    """
    if geom is None:
        return None
    if geom.geom_type not in GEOMETRY_TYPES:
        raise InputError(
            f"geometry type {geom.geom_type} is not supported; expected {', '.join(GEOMETRY_TYPES)}"
        )
    return check_user_shape(geom, hint="redraw it without self-crossings")


def validate_draft(
    draft: ProjectDraft, zones: gpd.GeoDataFrame
) -> tuple[dict[str, str], BaseGeometry | None]:
    """Check a draft and return the fields and geometry to store.

    With picked zones and no geometry, the geometry is the union of those zones
    (``geometry_method`` ``zones-picked``).

    Raises
    ------
    InputError
        Naming the first field that is wrong and what is expected.
    """
    title_en = _clean_text(draft.title_en, "title (English)", MAX_TITLE_CHARS)
    title_th = _clean_text(draft.title_th, "title (Thai)", MAX_TITLE_CHARS)
    if not title_en and not title_th:
        raise InputError("a title is missing; give an English or a Thai title")
    known = list(zones["zone_id"])
    zone_ids = tuple(z.strip() for z in draft.zone_ids if z.strip())
    for z in zone_ids:
        if z not in known:
            raise InputError(f"unknown zone {z!r}; expected one of {', '.join(known)}")
    geom = check_geometry(draft.geometry)
    method = draft.geometry_method
    if geom is None and zone_ids:
        picked = zones[zones["zone_id"].isin(zone_ids)]
        geom = unary_union(list(picked.geometry))
        method = "zones-picked"
    elif geom is None:
        method = "none"
    fields = {
        "title_en": title_en,
        "title_th": title_th,
        "strategy": check_strategy(draft.strategy),
        "status": check_status(draft.status),
        "notes": _clean_text(draft.notes, "notes"),
        "lead": _clean_text(draft.lead, "lead"),
        "partners": _clean_text(draft.partners, "partners"),
        "activities_en": _clean_text(draft.activities_en, "activities"),
        "zone_ids": ",".join(zone_ids),
        "geometry_method": method,
        "source": _clean_text(draft.source, "source") or "added by an official",
    }
    return fields, geom


# --- reading ----------------------------------------------------------------------


def _record(row: Mapping[str, Any]) -> ProjectRecord:
    return ProjectRecord(
        code=str(row["code"]),
        origin=str(row["origin"]),
        version=int(row["version"]),
        fields=json.loads(row["fields"]),
        geometry=geometry_from_text(row["geometry"]),
        deleted=bool(row["deleted"]),
        created_by=str(row["created_by"]),
        created_at=str(row["created_at"]),
        updated_by=str(row["updated_by"]),
        updated_at=str(row["updated_at"]),
    )


def get_record(store: Store | Transaction, code: str) -> ProjectRecord | None:
    """The stored record of ``code`` (``None`` if nobody has added or annotated it)."""
    row = store.query_one("SELECT * FROM projects_records WHERE code = :code", {"code": code})
    return _record(row) if row else None


def records(store: Store) -> list[ProjectRecord]:
    """Every stored record, additions first in code order, then annotations."""
    rows = store.query("SELECT * FROM projects_records ORDER BY origin, code")
    return [_record(r) for r in rows]


def history(store: Store, code: str | None = None) -> list[Change]:
    """Changes, newest first; of one project if ``code`` is given."""
    sql = "SELECT * FROM projects_history"
    params: dict[str, Any] = {}
    if code is not None:
        sql += " WHERE code = :code"
        params["code"] = code
    rows = store.query(sql + " ORDER BY at DESC, version DESC", params)
    return [
        Change(
            code=str(r["code"]),
            version=int(r["version"]),
            action=str(r["action"]),
            undoes=None if r["undoes"] is None else int(r["undoes"]),
            before=json.loads(r["state_before"]) if r["state_before"] else None,
            after=json.loads(r["state_after"]),
            by_user=str(r["by_user"]),
            at=str(r["at"]),
            account=None if r.get("account") is None else str(r["account"]),
            verified=bool(r.get("verified")),
        )
        for r in rows
    ]


# --- writing ----------------------------------------------------------------------


def _state(rec: ProjectRecord | None) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {
        "fields": dict(rec.fields),
        "geometry": geometry_to_text(rec.geometry),
        "deleted": rec.deleted,
    }


def _conflict(code: str, expected: int, rec: ProjectRecord | None) -> ConflictError:
    if rec is None:
        return ConflictError(
            f"project {code} is not stored any more (you opened version {expected}); "
            "reload the projects and try again"
        )
    return ConflictError(
        f"project {code} was changed by {rec.updated_by} at {rec.updated_at} (now version "
        f"{rec.version}) after you opened version {expected}. Your change was not saved: "
        "reload the project, look at their change, and apply yours again."
    )


def _write(
    tx: Transaction,
    code: str,
    *,
    origin: str,
    expected_version: int,
    state: Mapping[str, Any],
    action: str,
    who: Who,
    undoes: int | None = None,
) -> ProjectRecord:
    """Write ``state`` as the next version of ``code`` if it is still at ``expected_version``."""
    refuse_if_read_only()
    user, account, verified = who
    before = get_record(tx, code)
    if (before.version if before else 0) != expected_version:
        raise _conflict(code, expected_version, before)
    now = utc_now()
    version = expected_version + 1
    params = {
        "code": code,
        "origin": origin,
        "version": version,
        "expected": expected_version,
        "fields": json.dumps(state["fields"], ensure_ascii=False, sort_keys=True),
        "geometry": state["geometry"],
        "deleted": int(bool(state["deleted"])),
        "user": user,
        "now": now,
    }
    if before is None:
        res = tx.execute(
            "INSERT INTO projects_records (code, origin, version, fields, geometry, deleted, "
            "created_by, created_at, updated_by, updated_at) VALUES (:code, :origin, :version, "
            ":fields, :geometry, :deleted, :user, :now, :user, :now) "
            "ON CONFLICT (code) DO NOTHING",
            params,
        )
    else:
        # the version in the WHERE clause makes the check and the write one atomic step
        res = tx.execute(
            "UPDATE projects_records SET version = :version, fields = :fields, "
            "geometry = :geometry, deleted = :deleted, updated_by = :user, updated_at = :now "
            "WHERE code = :code AND version = :expected",
            params,
        )
    if res.rowcount != 1:
        raise _conflict(code, expected_version, get_record(tx, code))
    tx.execute(
        "INSERT INTO projects_history (id, code, version, action, undoes, state_before, "
        "state_after, by_user, at, account, verified) VALUES (:id, :code, :version, :action, "
        ":undoes, :before, :after, :user, :now, :account, :verified)",
        {
            "id": new_id(),
            "code": code,
            "version": version,
            "action": action,
            "undoes": undoes,
            "before": json.dumps(_state(before), ensure_ascii=False) if before else None,
            "after": json.dumps(dict(state), ensure_ascii=False),
            "user": user,
            "now": now,
            "account": account,
            "verified": verified,
        },
    )
    rec = get_record(tx, code)
    assert rec is not None
    return rec


def _next_added_code(tx: Transaction) -> str:
    rows = tx.query("SELECT code FROM projects_records WHERE origin = 'added'", {})
    numbers = [int(r["code"][len(ADDED_PREFIX) :]) for r in rows if r["code"][1:].isdigit()]
    return f"{ADDED_PREFIX}{max(numbers, default=0) + 1:03d}"


def add_projects(
    store: Store,
    drafts: Sequence[ProjectDraft],
    *,
    user: str = "",
    zones: gpd.GeoDataFrame,
    actor: Actor | None = None,
) -> list[ProjectRecord]:
    """Add projects, all or none: every draft is validated before anything is written.

    ``actor`` must be an editor (`cmgis.accounts.authorize`; ``None``: the local editor
    while the store has no accounts); ``user`` is the name typed into the form.

    Raises
    ------
    PermissionDeniedError
        The actor may not edit projects (nothing is stored).
    InputError
        If any draft is bad; the message names each bad item (nothing is stored).
    """
    who = _acting(store, actor, user, "add projects")
    if not drafts:
        raise InputError("nothing to add: no project was given")
    checked = []
    problems = []
    for i, draft in enumerate(drafts, start=1):
        try:
            checked.append(validate_draft(draft, zones))
        except InputError as err:
            problems.append(f"item {i}: {err}" if len(drafts) > 1 else str(err))
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise InputError(f"nothing was stored: {shown}{more}")
    out = []
    with store.transaction() as tx:
        for fields, geom in checked:
            code = _next_added_code(tx)
            state = {"fields": fields, "geometry": geometry_to_text(geom), "deleted": False}
            out.append(
                _write(
                    tx,
                    code,
                    origin="added",
                    expected_version=0,
                    state=state,
                    action="add",
                    who=who,
                )
            )
    return out


def add_project(
    store: Store,
    draft: ProjectDraft,
    *,
    user: str = "",
    zones: gpd.GeoDataFrame,
    actor: Actor | None = None,
) -> ProjectRecord:
    """Add one project (see `add_projects`)."""
    return add_projects(store, [draft], user=user, zones=zones, actor=actor)[0]


def report_codes(plan: Plan) -> set[str]:
    """Codes of the report's items that can be annotated (projects and place-bound)."""
    return {p.code for p in plan.projects} | {p.code for p in plan.place_projects}


def annotate(
    store: Store,
    plan: Plan,
    code: str,
    *,
    user: str = "",
    expected_version: int,
    status: str | None = None,
    notes: str | None = None,
    actor: Actor | None = None,
) -> ProjectRecord:
    """Annotate an item of the report (its status and notes); the item itself is unchanged.

    Needs an editor ``actor`` (see `add_projects`).

    Raises
    ------
    PermissionDeniedError
        The actor may not edit projects.
    InputError
        For a code that is not one of the report's items, or a bad status.
    ConflictError
        If someone else annotated it since ``expected_version``.
    """
    who = _acting(store, actor, user, "annotate projects")
    if code not in report_codes(plan):
        raise InputError(f"{code!r} is not an item of the report's plan")
    with store.transaction() as tx:
        rec = get_record(tx, code)
        fields = dict(rec.fields) if rec else {}
        if status is not None:
            fields["status"] = check_status(status)
        if notes is not None:
            fields["notes"] = _clean_text(notes, "notes")
        state = {"fields": fields, "geometry": None, "deleted": False}
        return _write(
            tx,
            code,
            origin="report",
            expected_version=expected_version,
            state=state,
            action="annotate",
            who=who,
        )


def edit_project(
    store: Store,
    plan: Plan,
    code: str,
    changes: Mapping[str, object],
    *,
    user: str = "",
    expected_version: int,
    zones: gpd.GeoDataFrame,
    actor: Actor | None = None,
) -> ProjectRecord:
    """Change fields (and ``geometry``) of a project an official added.

    For the report's own items only ``status`` and ``notes`` may be given (they become
    annotations): the report's plan cannot be overwritten. Needs an editor ``actor``
    (see `add_projects`).
    """
    who = _acting(store, actor, user, "edit projects")
    if code in report_codes(plan):
        extra = sorted(set(changes) - set(ANNOTATION_FIELDS))
        if extra:
            raise InputError(
                f"{code} is an item of the report's plan: it cannot be changed, only annotated "
                f"(status, notes); not allowed: {', '.join(extra)}"
            )
        return annotate(
            store,
            plan,
            code,
            user=user,
            expected_version=expected_version,
            actor=actor,
            status=None if "status" not in changes else str(changes["status"]),
            notes=None if "notes" not in changes else str(changes["notes"]),
        )
    unknown = sorted(set(changes) - {*ADDED_FIELDS, "geometry"})
    if unknown:
        raise InputError(f"unknown fields {', '.join(unknown)}; expected {', '.join(ADDED_FIELDS)}")
    with store.transaction() as tx:
        rec = get_record(tx, code)
        if rec is None or rec.origin != "added" or rec.deleted:
            raise InputError(f"there is no added project {code!r}")
        current = dict(rec.fields)
        geom = changes.get("geometry", rec.geometry)
        if geom is not None and not isinstance(geom, BaseGeometry):
            raise InputError("geometry must be a shapely geometry (EPSG:4326)")
        zone_ids = changes.get("zone_ids", current.get("zone_ids", ""))
        zone_tuple = (
            tuple(zone_ids)
            if isinstance(zone_ids, list | tuple)
            else tuple(str(zone_ids).split(","))
        )
        draft = ProjectDraft(
            title_en=str(changes.get("title_en", current["title_en"])),
            title_th=str(changes.get("title_th", current["title_th"])),
            strategy=str(changes.get("strategy", current["strategy"])),
            status=str(changes.get("status", current["status"])),
            notes=str(changes.get("notes", current["notes"])),
            lead=str(changes.get("lead", current["lead"])),
            partners=str(changes.get("partners", current["partners"])),
            activities_en=str(changes.get("activities_en", current["activities_en"])),
            zone_ids=zone_tuple,
            # picked-zone geometry is recomputed from the zones when they change
            geometry=None
            if current["geometry_method"] == "zones-picked" and "geometry" not in changes
            else geom,
            geometry_method="drawn" if "geometry" in changes else current["geometry_method"],
            source=str(changes.get("source", current["source"])),
        )
        fields, new_geom = validate_draft(draft, zones)
        state = {"fields": fields, "geometry": geometry_to_text(new_geom), "deleted": False}
        return _write(
            tx,
            code,
            origin="added",
            expected_version=expected_version,
            state=state,
            action="edit",
            who=who,
        )


def undo_last(
    store: Store,
    code: str,
    *,
    user: str = "",
    expected_version: int,
    actor: Actor | None = None,
) -> ProjectRecord:
    """Revert the latest change of ``code`` that is not yet undone (recorded as a change).

    Undoing an addition withdraws the project; undoing the first annotation removes it.
    Needs an editor ``actor`` (see `add_projects`).
    """
    who = _acting(store, actor, user, "undo project changes")
    with store.transaction() as tx:
        rows = tx.query(
            "SELECT version, action, undoes, state_before FROM projects_history "
            "WHERE code = :code ORDER BY version DESC",
            {"code": code},
        )
        undone = {int(r["undoes"]) for r in rows if r["undoes"] is not None}
        target = next(
            (r for r in rows if r["action"] != "undo" and int(r["version"]) not in undone), None
        )
        if target is None:
            raise InputError(f"nothing to undo for {code!r}")
        rec = get_record(tx, code)
        assert rec is not None
        if target["state_before"]:
            state = json.loads(target["state_before"])
        else:  # the change created the record: undo withdraws it
            state = {"fields": dict(rec.fields), "geometry": None, "deleted": True}
            if rec.origin == "report":
                state = {"fields": {}, "geometry": None, "deleted": False}
            else:
                state["geometry"] = geometry_to_text(rec.geometry)
        return _write(
            tx,
            code,
            origin=rec.origin,
            expected_version=expected_version,
            state=state,
            action="undo",
            who=who,
            undoes=int(target["version"]),
        )


def added_projects_frame(recs: Iterable[ProjectRecord]) -> gpd.GeoDataFrame:
    """Added, not withdrawn, projects as rows shaped like the projects layer (EPSG:4326)."""
    rows = []
    geoms = []
    for rec in recs:
        if rec.origin != "added" or rec.deleted:
            continue
        f = rec.fields
        rows.append(
            {
                "code": rec.code,
                "origin": "added",
                "title_en": f.get("title_en", ""),
                "title_th": f.get("title_th", ""),
                "place_th": "",
                "strategy": f.get("strategy", ""),
                "related": "",
                "status": f.get("status", ""),
                "lead": f.get("lead", ""),
                "partners": f.get("partners", ""),
                "partners_named_en": "",
                "activities_en": f.get("activities_en", ""),
                "note_en": "",
                "notes": f.get("notes", ""),
                "geometry_method": f.get("geometry_method", "none"),
                "approximate": f.get("geometry_method") in ("drawn", "zones-picked"),
                "length_m": None,
                "source": f"{f.get('source', '')} ({rec.created_by}, {rec.created_at})",
                "version": rec.version,
                "updated_by": rec.updated_by,
                "updated_at": rec.updated_at,
            }
        )
        geoms.append(rec.geometry)
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms, crs=settings.STORE_CRS))


def apply_records(
    base: gpd.GeoDataFrame, recs: Sequence[ProjectRecord], zones: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The projects layer as it stands now: the report's rows with their annotations
    (``status``, ``notes``) and the officials' additions, with zones touched (EPSG:4326).

    ``base`` is the projects layer (`cmgis.plan.projects.build_projects_layer`); it is not
    mutated. Extra columns: ``notes``, ``version`` (what a change must be based on),
    ``updated_by``, ``updated_at``.
    """
    out = base.copy()
    out["notes"] = ""
    out["version"] = 0
    out["updated_by"] = ""
    out["updated_at"] = ""
    by_code = {r.code: r for r in recs if r.origin == "report"}
    for idx, code in zip(out.index, out["code"], strict=True):
        rec = by_code.get(str(code))
        if rec is None:
            continue
        if rec.fields.get("status"):
            out.at[idx, "status"] = rec.fields["status"]
        out.at[idx, "notes"] = rec.fields.get("notes", "")
        out.at[idx, "version"] = rec.version
        out.at[idx, "updated_by"] = rec.updated_by
        out.at[idx, "updated_at"] = rec.updated_at
    added = added_projects_frame(recs)
    if added.empty:
        return out
    added["zones_touched"] = [",".join(z) for z in zones_touched(added.geometry, zones)]
    merged = pd.concat([out, added[out.columns]], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.STORE_CRS)


def current_projects(
    store: Store | None = None,
    *,
    base: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The projects layer with the store's annotations and additions (EPSG:4326).

    Parameters
    ----------
    store
        The app's store (`cmgis.store.open_app_store`); default: open it from
        ``CMGIS_DB`` or the user's data directory.
    base
        The report's projects layer; default `cmgis.plan.projects.load_projects_layer`.
    zones
        Layer ``zones`` for the spatial join of additions; default from the layer store.
    """
    if base is None:
        base = load_projects_layer()
    if zones is None:
        zones = load_layer("zones")
    if store is None:
        with open_app_store() as own:
            return apply_records(base, records(own), zones)
    return apply_records(base, records(store), zones)
