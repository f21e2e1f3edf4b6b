"""Saved user layers (e.g. candidate zones): save, list, load, delete, with provenance.

User layers live in the store (`cmgis.store`), not in files, so every app instance that
shares a store (later a PostGIS database) sees the same layers, and a save is one
transaction: a layer is there whole or not at all. Geometry is GeoJSON text in EPSG:4326
(``docs/store.md``); attributes are a JSON object per feature.

Saving, replacing and deleting need the editor role (`cmgis.accounts.authorize`;
``actor=None`` is the local editor while the store has no accounts). A layer saved by an
account records it as ``owner``; an editor may replace or delete only their own layers,
an admin anyone's (layers without an owner, saved before accounts, are the admin's to
delete once accounts exist).

Each layer has a ``slug`` (lower-case letters, digits, ``_``) made from its name; its id
for export, print and the CLI is ``user:<slug>``.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
import shapely.errors

from cmgis import settings
from cmgis._errors import CmgisError, InputError, StoreError, UnknownLayerError
from cmgis.accounts.records import authorize
from cmgis.accounts.roles import Actor, Role, refuse_if_read_only
from cmgis.data.provenance import Provenance
from cmgis.geocheck import check_user_layer
from cmgis.projection import require_crs
from cmgis.store import (
    Migration,
    Row,
    Store,
    Transaction,
    geometry_from_text,
    geometry_to_text,
    new_id,
    postgis_geometry_sql,
    utc_now,
)
from cmgis.textclean import has_unwanted

#: Prefix of the export/print ids of user layers: ``user:<slug>``.
ID_PREFIX: Final = "user:"
MAX_NAME_CHARS: Final = 80
MAX_FEATURES: Final = 5_000
MAX_IMPORT_BYTES: Final = 50 * 1024 * 1024
KINDS: Final = ("candidates", "imported")
_SLUG = re.compile(r"[a-z][a-z0-9_]{0,47}")

_USER_LAYERS_V1_SQL = """
        CREATE TABLE user_layers_layers (
            id TEXT PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            parameters TEXT NOT NULL,
            provenance TEXT NOT NULL,
            columns TEXT NOT NULL,
            feature_count INTEGER NOT NULL
        );
        CREATE TABLE user_layers_features (
            layer_id TEXT NOT NULL REFERENCES user_layers_layers (id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            properties TEXT NOT NULL,
            geometry TEXT,
            PRIMARY KEY (layer_id, ord)
        );
        """

MIGRATIONS: Final = (
    Migration(
        "user_layers",
        1,
        "user layers and their features",
        _USER_LAYERS_V1_SQL,
        dialect_sql=(
            ("postgresql", _USER_LAYERS_V1_SQL + postgis_geometry_sql("user_layers_features")),
        ),
    ),
    Migration(
        "user_layers",
        2,
        "user layers: the account that saved the layer (owner)",
        "ALTER TABLE user_layers_layers ADD COLUMN owner TEXT",
    ),
)


@dataclass(frozen=True)
class UserLayer:
    """A saved user layer (its features are read with `load_user_layer`)."""

    id: str
    slug: str
    name: str
    kind: str
    created_by: str
    created_at: str
    parameters_json: str
    provenance: Provenance
    feature_count: int
    columns: tuple[str, ...] = ()
    #: The account that saved it (``None``: saved without an account).
    owner: str | None = None

    @property
    def layer_id(self) -> str:
        """The id used by export, print and the CLI: ``user:<slug>``."""
        return ID_PREFIX + self.slug

    @property
    def parameters(self) -> dict[str, Any]:
        """The parameters the layer was made with (weights, preset, share…)."""
        value = json.loads(self.parameters_json)
        return value if isinstance(value, dict) else {}


# ----------------------------------------------------------------------------- checks


def clean_name(value: object, *, what: str = "layer name") -> str:
    """A typed name: one line, 1–80 characters, no HTML markup; `InputError` otherwise."""
    if not isinstance(value, str):
        raise InputError(f"the {what} must be text")
    text = " ".join(value.split())
    if not text:
        raise InputError(f"the {what} is empty; type a name such as 'Medical candidates 2026'")
    if len(text) > MAX_NAME_CHARS:
        raise InputError(f"the {what} has {len(text)} characters; at most {MAX_NAME_CHARS}")
    if (
        any(ch in text for ch in "<>")
        or has_unwanted(value)
        or any(unicodedata.category(ch) == "Cc" for ch in text)
    ):
        raise InputError(
            f"the {what} contains < > or control characters; use letters, digits, spaces "
            "and punctuation only"
        )
    return text


def slug_for(name: str) -> str:
    """The id part made from ``name``: ASCII letters and digits, ``_`` elsewhere ('' if none)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:48].strip("_")
    if slug and not slug[0].isalpha():
        slug = ("l_" + slug)[:48]
    return slug


def check_slug(slug: str) -> str:
    """``slug`` or ``user:slug`` → slug; `UnknownLayerError` for a malformed id."""
    bare = slug[len(ID_PREFIX) :] if slug.startswith(ID_PREFIX) else slug
    if not _SLUG.fullmatch(bare):
        raise UnknownLayerError(
            f"unknown user layer {slug[:60]!r}; ids are user:<letters, digits, _> "
            "(`cmgis layers` lists them)"
        )
    return bare


# ------------------------------------------------------------------------------ write


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float | str | bool):
        return value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _check_layer(layer: gpd.GeoDataFrame, name: str, max_features: int = MAX_FEATURES) -> None:
    """Refuse a layer without CRS, empty, too large, or with invalid geometry."""
    require_crs(layer, name=f"the layer {name!r}")
    if len(layer) == 0:
        raise InputError("the layer has no features; nothing to save")
    if len(layer) > max_features:
        raise InputError(f"the layer has {len(layer)} features; at most {max_features}")
    geoms = layer.geometry.to_numpy()
    bad = [i for i, g in enumerate(geoms) if g is not None and not shapely.is_valid(g)]
    if bad:
        raise InputError(f"feature(s) {bad[:5]} have invalid geometry; repair them first")


def may_change(actor: Actor, layer: UserLayer) -> bool:
    """Whether ``actor`` (already checked as an editor) may replace or delete ``layer``.

    Its owner may, the admin may, and the local editor (no accounts in the store) may.
    """
    return (
        actor.role is Role.ADMIN
        or actor.is_local_editor
        or (actor.username is not None and actor.username == layer.owner)
    )


def _check_owner(store: Store | Transaction, actor: Actor, layer: UserLayer, action: str) -> None:
    if not may_change(actor, layer):
        owner = layer.owner or "nobody (saved before accounts)"
        authorize(store, actor, Role.ADMIN, action=f"{action} a layer saved by {owner}")


def _write_layer(
    store: Store,
    layer_row: dict[str, Any],
    features: list[dict[str, Any]],
    *,
    replace: bool,
    actor: Actor,
) -> None:
    """Insert the layer row and its features in one transaction (replacing a same slug)."""
    refuse_if_read_only()
    with store.transaction() as tx:
        old = tx.query("SELECT * FROM user_layers_layers WHERE slug = :s", {"s": layer_row["slug"]})
        if old and not replace:
            raise InputError(
                f"a saved layer already has the id user:{layer_row['slug']}; choose another "
                "name, or replace it"
            )
        if old:
            _check_owner(tx, actor, _record(old[0]), "replace")
            tx.execute("DELETE FROM user_layers_features WHERE layer_id = :i", {"i": old[0]["id"]})
            tx.execute("DELETE FROM user_layers_layers WHERE id = :i", {"i": old[0]["id"]})
        tx.execute(
            "INSERT INTO user_layers_layers (id, slug, name, kind, created_by, created_at, "
            "parameters, provenance, columns, feature_count, owner) VALUES (:id, :slug, :name, "
            ":kind, :by, :at, :params, :prov, :cols, :n, :owner)",
            layer_row,
        )
        for row in features:
            tx.execute(
                "INSERT INTO user_layers_features (layer_id, ord, properties, geometry) "
                "VALUES (:layer, :ord, :props, :geom)",
                row,
            )


def save_user_layer(
    store: Store,
    layer: gpd.GeoDataFrame,
    *,
    name: str,
    created_by: str,
    kind: str,
    parameters: Mapping[str, Any],
    provenance: Provenance,
    replace: bool = False,
    actor: Actor | None = None,
    max_features: int = MAX_FEATURES,
) -> UserLayer:
    """Save ``layer`` (any CRS; stored in EPSG:4326) under ``name``; returns its record.

    ``actor`` must be an editor (``None``: the local editor while the store has no
    accounts); replacing another account's layer needs an admin. ``created_by`` is the
    typed name (an account's display name when empty). ``max_features`` is `MAX_FEATURES`
    for layers made in the app; imported agency files (`cmgis.imports`) pass their own,
    larger limit.

    Raises
    ------
    PermissionDeniedError
        The actor may not save (or replace) it: nothing is written then.
    InputError
        A bad name, an empty or too large layer, no CRS, invalid geometry, or a name whose
        id is taken (unless ``replace``): nothing is written then.
    """
    acting = authorize(store, actor, Role.EDITOR, action="save layers")
    name = clean_name(name)
    typed = created_by or (acting.display_name if acting.verified else "") or "not given"
    who = clean_name(typed, what="name of who saves the layer")
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; expected one of {KINDS}")
    _check_layer(layer, name, max_features)
    slug = slug_for(name) or "layer_" + new_id()[:8]
    stored = layer.to_crs(settings.STORE_CRS)
    columns = [str(c) for c in stored.columns if c != stored.geometry.name]
    props = stored[columns].to_dict("records")
    layer_row = {
        "id": new_id(),
        "slug": slug,
        "name": name,
        "kind": kind,
        "by": who,
        "at": utc_now(),
        "params": json.dumps(dict(parameters), ensure_ascii=False, sort_keys=True, default=str),
        "prov": json.dumps(provenance.stored_fields(), ensure_ascii=False),
        "cols": json.dumps(columns, ensure_ascii=False),
        "n": len(stored),
        "owner": acting.username if acting.verified else None,
    }
    features = [
        {
            "layer": layer_row["id"],
            "ord": k,
            "props": json.dumps(
                {c: _json_value(v) for c, v in p.items()}, ensure_ascii=False, allow_nan=False
            ),
            "geom": geometry_to_text(g) if g is not None and not g.is_empty else None,
        }
        for k, (p, g) in enumerate(zip(props, stored.geometry.to_numpy(), strict=True))
    ]
    _write_layer(store, layer_row, features, replace=replace, actor=acting)
    return get_user_layer(store, slug)


def delete_user_layer(store: Store, slug: str, *, actor: Actor | None = None) -> None:
    """Delete the saved layer ``slug`` (or ``user:slug``) and its features.

    Needs an editor ``actor`` who owns the layer, or an admin (see `may_change`);
    `PermissionDeniedError` otherwise, and nothing is deleted.
    """
    acting = authorize(store, actor, Role.EDITOR, action="delete layers")
    record = get_user_layer(store, slug)
    _check_owner(store, acting, record, "delete")
    refuse_if_read_only()
    with store.transaction() as tx:
        tx.execute("DELETE FROM user_layers_features WHERE layer_id = :i", {"i": record.id})
        tx.execute("DELETE FROM user_layers_layers WHERE id = :i", {"i": record.id})


# ------------------------------------------------------------------------------- read


def _record(row: Row) -> UserLayer:
    try:
        prov = json.loads(str(row["provenance"]))
        return UserLayer(
            id=str(row["id"]),
            slug=str(row["slug"]),
            name=str(row["name"]),
            kind=str(row["kind"]),
            created_by=str(row["created_by"]),
            created_at=str(row["created_at"]),
            parameters_json=str(row["parameters"]),
            provenance=Provenance.from_stored(prov),
            feature_count=int(row["feature_count"]),
            columns=tuple(str(c) for c in json.loads(str(row["columns"]))),
            owner=None if row.get("owner") is None else str(row["owner"]),
        )
    except (ValueError, TypeError, AttributeError) as err:
        slug = row.get("slug")
        raise StoreError(f"the saved layer {slug!r} has a damaged record: {err}") from err


def list_user_layers(store: Store) -> list[UserLayer]:
    """Every saved user layer, newest first."""
    rows = store.query("SELECT * FROM user_layers_layers ORDER BY created_at DESC, slug")
    return [_record(r) for r in rows]


def get_user_layer(store: Store, slug: str) -> UserLayer:
    """The record of saved layer ``slug`` (or ``user:slug``); `UnknownLayerError` if none."""
    bare = check_slug(slug)
    row = store.query_one("SELECT * FROM user_layers_layers WHERE slug = :s", {"s": bare})
    if row is None:
        known = ", ".join(r.layer_id for r in list_user_layers(store)) or "none saved yet"
        raise UnknownLayerError(f"unknown user layer {ID_PREFIX + bare!r}; saved: {known}")
    return _record(row)


def load_user_layer(store: Store, slug: str) -> gpd.GeoDataFrame:
    """The features of saved layer ``slug`` as a GeoDataFrame in EPSG:4326."""
    record = get_user_layer(store, slug)
    rows = store.query(
        "SELECT properties, geometry FROM user_layers_features WHERE layer_id = :i ORDER BY ord",
        {"i": record.id},
    )
    try:
        props = [json.loads(str(r["properties"])) for r in rows]
        geoms = [geometry_from_text(str(r["geometry"])) if r["geometry"] else None for r in rows]
    except (ValueError, TypeError, shapely.errors.GEOSException) as err:
        raise StoreError(f"the saved layer {record.layer_id} is damaged: {err}") from err
    frame = pd.DataFrame.from_records(props, columns=list(record.columns))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=settings.STORE_CRS)


# ----------------------------------------------------------------- candidates, imports


def candidate_zones(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a candidate layer with text ``zone_id``, ``name_en`` and ``name_th`` columns.

    A saved layer may lack them (an imported file, an older cmgis): a missing id becomes
    ``zone_<n>``, a missing name the zone id, so every zone can be listed and picked.
    """
    out = layer.copy()
    if "zone_id" in out.columns:
        ids = out["zone_id"].map(lambda v: "" if v is None or v != v else str(v))
    else:
        ids = pd.Series([""] * len(out), index=out.index)
    fallback = [f"zone_{n}" for n in range(1, len(out) + 1)]
    ids = [i or f for i, f in zip(ids, fallback, strict=True)]
    seen: set[str] = set()
    unique = []
    for i, f in zip(ids, fallback, strict=True):
        unique.append(i if i not in seen else f"{i}_{f}")
        seen.add(unique[-1])
    out["zone_id"] = unique
    for column in ("name_en", "name_th"):
        values = out[column] if column in out.columns else pd.Series([None] * len(out))
        out[column] = [
            str(v) if isinstance(v, str) and v.strip() else z
            for v, z in zip(values, unique, strict=True)
        ]
    return out


def candidate_provenance(criteria_ids: Sequence[str]) -> Provenance:
    """Provenance of candidate zones built from the criteria ``criteria_ids`` (weight > 0).

    The inputs are the catalog layers these criteria read, plus the extent layer; the
    credit and licence lines are theirs (from the catalog).
    """
    from cmgis.data.catalog import load_catalog
    from cmgis.suitability.criteria import load_spec
    from cmgis.suitability.surface import criteria_layers

    spec = load_spec()
    used = [spec.criterion(c) for c in criteria_ids]
    inputs = [*criteria_layers(used), spec.extent_layer]
    if any(c.id == "elevation_m" for c in used):
        inputs.append("elevation")
    catalog = load_catalog()
    known = set(catalog.ids())
    inputs = [i for i in dict.fromkeys(inputs) if i in known]
    entries = [catalog.entry(i) for i in inputs]
    licences = " + ".join(dict.fromkeys(e.licence for e in entries if e.licence))
    return Provenance(
        inputs=tuple(inputs),
        credit=" | ".join(catalog.credits(inputs)),
        licence=licences,
        method="cmgis suitability (weighted linear combination of normalised criteria, "
        "contiguous cells in the top share, vectorised)",
    )


def save_candidate_layer(
    store: Store,
    layer: gpd.GeoDataFrame,
    *,
    name: str,
    created_by: str,
    parameters: Mapping[str, Any],
    replace: bool = False,
    actor: Actor | None = None,
) -> UserLayer:
    """Save candidate zones (`cmgis.suitability.surface.candidates_layer`) with their provenance.

    ``parameters`` should hold ``weights`` (criterion id → weight) and may hold
    ``preset``, ``top_share``, ``min_area_km2`` and ``resolution_m``.
    """
    weights = parameters.get("weights", {})
    if not isinstance(weights, Mapping):
        raise InputError("parameters['weights'] must map criterion ids to weights")
    used = [str(c) for c, w in weights.items() if float(w) > 0]
    return save_user_layer(
        store,
        layer,
        name=name,
        created_by=created_by,
        kind="candidates",
        parameters=parameters,
        provenance=candidate_provenance(used),
        replace=replace,
        actor=actor,
    )


def _choose_layer(path: Path, names: list[str], layer: str | None) -> str:
    listed = ", ".join(repr(n) for n in names)
    if not names:
        raise InputError(f"{path.name!r} has no layers")
    if layer is not None:
        if layer not in names:
            raise InputError(f"{path.name!r} has no layer {layer[:60]!r}; its layers: {listed}")
        return layer
    if len(names) > 1:
        raise InputError(
            f"{path.name!r} has {len(names)} layers ({listed}); choose one (--layer NAME)"
        )
    return names[0]


def import_layer_file(
    store: Store,
    path: Path,
    *,
    name: str,
    created_by: str,
    replace: bool = False,
    layer: str | None = None,
    actor: Actor | None = None,
) -> UserLayer:
    """Save one layer of a GeoPackage file (e.g. an older saved candidate file).

    ``layer`` names the layer to take; it is required when the file holds several. The
    layer is checked as every import is (`cmgis.geocheck.check_user_layer`: CRS, extent
    in the Chiang Mai area, valid geometry, size). A damaged, foreign or wrong file raises
    `InputError` naming the file; the store is unchanged. Needs an editor ``actor``
    (`save_user_layer`), checked before the file is read.
    """
    authorize(store, actor, Role.EDITOR, action="import layers")
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InputError(f"{path.name!r} is not a GeoPackage (.gpkg)")
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise InputError(f"{path.name!r} is larger than {MAX_IMPORT_BYTES // 2**20} MB")
        names = [str(n) for n, _ in pyogrio.list_layers(path)]
        chosen = _choose_layer(path, names, layer)
        gdf = pyogrio.read_dataframe(path, layer=chosen)
    except CmgisError:
        raise
    except Exception as err:  # pyogrio/GDAL raise several types for a damaged file
        raise InputError(
            f"{path.name!r} could not be read as a GeoPackage ({type(err).__name__}); "
            "the file may be damaged. Expected a GeoPackage with one vector layer."
        ) from err
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"{path.name!r} has no geometry layer")
    gdf = check_user_layer(gdf, what=f"{path.name!r} layer {chosen!r}")
    is_candidates = "zone_id" in gdf.columns and bool(
        gdf["zone_id"].astype(str).str.startswith("candidate_").all()
    )
    parameters: dict[str, Any] = {"imported_from": path.name}
    if "parameters" in gdf.columns and len(gdf):
        with contextlib.suppress(ValueError, TypeError):  # not JSON: keep the file name
            parameters |= dict(json.loads(str(gdf["parameters"].iloc[0])))
    return save_user_layer(
        store,
        gdf,
        name=name,
        created_by=created_by,
        kind="candidates" if is_candidates else "imported",
        parameters=parameters,
        provenance=Provenance(
            inputs=(),
            credit="",
            licence="",
            method=f"imported from the file {path.name}",
        ),
        replace=replace,
        actor=actor,
    )
