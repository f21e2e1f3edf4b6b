"""Providers of layers that come and go: saved user layers and workshop results.

- ``user:<slug>``: every saved user layer (`cmgis.user_layers.records`), listed on the
  Export page and by ``cmgis layers``; the store is listed once per registry call, so a
  layer saved by another app instance sharing the store appears, and a deleted one goes.
- ``workshop:<join code>``: the visible contributions of one workshop
  (`cmgis.workshop.contributions_frame`). Not listed (that would show every join
  code): resolved when asked for by its code, through the join-code throttle.
- ``suitability:`` and ``candidates:`` are in `cmgis.sources.suitability`.

The store is the app's store named by ``CMGIS_DB`` (`cmgis.store.open_app_store`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

import geopandas as gpd

from cmgis import settings
from cmgis._errors import CmgisError
from cmgis.export.meta import LayerData, LayerMeta
from cmgis.sources.registry import Exportable, Registry
from cmgis.store import Store, open_app_store
from cmgis.user_layers.records import (
    ID_PREFIX,
    UserLayer,
    list_user_layers,
    load_user_layer,
)

USER_GROUP = "user"
WORKSHOP_PREFIX = "workshop"


@lru_cache(maxsize=4)
def _store_at(location: str) -> Store:
    return open_app_store(location or None)


def current_store() -> Store:
    """The store named by ``CMGIS_DB`` (opened once per location and process)."""
    return _store_at(settings.store_url())


# ------------------------------------------------------------------------ user layers


def user_layer_meta(record: UserLayer) -> LayerMeta:
    """Title, description and provenance of a saved user layer for exports and prints."""
    prov = record.provenance
    params = json.dumps(record.parameters, ensure_ascii=False, sort_keys=True)
    approximate = (
        " Boundaries are model output, not surveyed (attribute approximate = true)."
        if record.kind == "candidates"
        else ""
    )
    if record.kind == "imported":  # an agency's file: its own source and date
        return LayerMeta(
            layer_id=record.layer_id,
            title=record.name,
            title_th=record.name,
            description=(
                f"Imported by {record.created_by} on {record.created_at} "
                f"{prov.method}. Source: {prov.source or 'not stated'}."
            ),
            source=prov.source or prov.credit,
            licence=prov.licence,
            credit=prov.credit,
            method=prov.method,
            date=prov.date or record.created_at[:10],
        )
    return LayerMeta(
        layer_id=record.layer_id,
        title=record.name,
        title_th=record.name,
        description=(
            f"Saved by {record.created_by} on {record.created_at}. {prov.text()}."
            f"{approximate} Parameters: {params}"
        ),
        source=prov.text(),
        licence=prov.licence,
        credit=prov.credit,
        method=prov.method,
        date=record.created_at[:10],
    )


def _user_loader(slug: str) -> Callable[[], LayerData]:
    def load() -> LayerData:
        return load_user_layer(current_store(), slug)

    return load


def _user_meta(record: UserLayer) -> Callable[[], LayerMeta]:
    def meta() -> LayerMeta:
        return user_layer_meta(record)

    return meta


def _style_like(record: UserLayer) -> str | None:
    """The map style a print of the layer uses (as on the Map page)."""
    if record.kind == "candidates":
        return "user_candidates"
    if record.kind == "imported":
        if record.parameters.get("adds_to") == "coworking":
            return "user_added_coworking"
        kind = str(record.parameters.get("geometry_kind") or "polygon")
        return f"user_imported_{kind if kind in ('point', 'line') else 'polygon'}"
    return None


def _user_item(record: UserLayer) -> Exportable:
    return Exportable(
        record.layer_id,
        "vector",
        _user_loader(record.slug),
        _user_meta(record),
        group=USER_GROUP,
        style_like=_style_like(record),
    )


def list_user_exportables() -> dict[str, Exportable]:
    """``user:<slug>`` → exportable layer, for every saved user layer (one store query).

    Without a reachable store there are none (the base layers stay exportable).
    """
    try:
        records = list_user_layers(current_store())
    except CmgisError:
        records = []
    return {r.layer_id: _user_item(r) for r in records}


# ------------------------------------------------------------------------- workshops


def workshop_layer(code: str) -> gpd.GeoDataFrame:
    """The visible contributions of the workshop with join code ``code`` (EPSG:4326).

    Notes without a geometry are left out (a GIS layer needs one); hidden, merged and
    deleted contributions are not exported here (the facilitator's GeoPackage has them).
    Group names are pseudonyms (``group 1`` ...): anyone with the join code may export
    this layer, and only the facilitator may choose to export names (PDPA 2019).
    """
    from cmgis.workshop.access import get_workshop
    from cmgis.workshop.analytics import contributions_frame
    from cmgis.workshop.consent import pseudonyms

    store = current_store()
    workshop = get_workshop(store, code)
    frame = contributions_frame(store, workshop.id)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    frame["group_name"] = frame["group_id"].map(pseudonyms(store, workshop.id)).fillna("")
    frame.insert(0, "workshop_code", workshop.code)
    frame.insert(1, "workshop_title", workshop.title)
    return frame.drop(columns=["group_id"], errors="ignore")


def resolve_workshop(code: str, *, client: object = None) -> Exportable:
    """The exportable contributions of workshop ``code`` (`AuthError` for a wrong code).

    The code goes through the join-code throttle (`cmgis.workshop.find_workshop`) as
    ``client`` (a `cmgis.workshop.Client`; the command line when ``None``).
    """
    from cmgis.workshop.access import find_workshop
    from cmgis.workshop.records import CLI_CLIENT, Client

    who = client if isinstance(client, Client | str) else CLI_CLIENT
    workshop = find_workshop(current_store(), code, client=who)
    layer_id = f"{WORKSHOP_PREFIX}:{workshop.code.lower()}"

    def meta() -> LayerMeta:
        return LayerMeta(
            layer_id=layer_id,
            title=f"Workshop: {workshop.title} ({workshop.workshop_date})",
            title_th=f"เวิร์กช็อป: {workshop.title} ({workshop.workshop_date})",
            description=(
                "Contributions drawn by the groups of a cmgis workshop (visible ones; "
                "hidden and deleted ones left out). Hand-drawn shapes: approximate = true."
            ),
            source=f"cmgis workshop {workshop.code}, contributions of its participants",
            licence="as agreed by the workshop's participants",
            credit=f"Participants of the workshop '{workshop.title}' ({workshop.workshop_date})",
            method="drawn on the cmgis workshop map (Leaflet.draw), stored in EPSG:4326",
            date=workshop.workshop_date,
        )

    return Exportable(
        layer_id,
        "vector",
        lambda: workshop_layer(workshop.code),
        meta,
        group="workshop",
    )


# ---------------------------------------------------------------- imported indicators

IMPORTED_PREFIX = "imported_indicators"
_LEVEL_LAYER = {"zones": ("zones", "zone_id"), "tambons": ("tambons", "tambon_code")}


def imported_indicator_layer(level: str) -> gpd.GeoDataFrame:
    """Districts or tambons (EPSG:4326) with the values of the imported indicator tables."""
    from cmgis.data.layers import load_layer
    from cmgis.imports.tables import imported_indicators

    layer_id, key = _LEVEL_LAYER[level]
    areas = load_layer(layer_id)
    keep = [c for c in (key, "name_en", "name_th") if c in areas.columns]
    values = imported_indicators(current_store(), level)
    joined = areas[[*keep, areas.geometry.name]].merge(
        values, left_on=key, right_index=True, how="left"
    )
    return gpd.GeoDataFrame(joined, geometry=areas.geometry.name, crs=areas.crs)


def _imported_item(level: str, tables: list[object]) -> Exportable:
    from cmgis.imports.tables import IndicatorTable

    rows = [t for t in tables if isinstance(t, IndicatorTable) and t.level == level]
    layer_id = f"{IMPORTED_PREFIX}:{level}"

    def meta() -> LayerMeta:
        return LayerMeta(
            layer_id=layer_id,
            title=f"{level.capitalize()} with imported indicators",
            title_th="ย่านพร้อมตัวชี้วัดที่นำเข้า" if level == "zones" else "ตำบลพร้อมตัวชี้วัดที่นำเข้า",
            description="Values of indicator tables imported into cmgis: "
            + "; ".join(
                f"{r.title} ({', '.join(r.indicators)}; imported by {r.created_by} on "
                f"{r.created_at[:10]})"
                for r in rows
            ),
            source=" | ".join(r.source or "not stated" for r in rows),
            licence=" + ".join(dict.fromkeys(r.licence for r in rows)),
            credit=" | ".join(dict.fromkeys(r.source or r.created_by for r in rows)),
            method="cmgis.imports.tables (joined by zone id, tambon code or name)",
            date=", ".join(dict.fromkeys(r.date for r in rows if r.date)),
        )

    return Exportable(
        layer_id,
        "vector",
        lambda: imported_indicator_layer(level),
        meta,
        group="indicators",
        style_like=_LEVEL_LAYER[level][0],
    )


def list_imported_indicator_exportables() -> dict[str, Exportable]:
    """``imported_indicators:<level>`` for each level with an imported table."""
    from cmgis.imports.tables import list_tables

    try:
        tables = list_tables(current_store())
    except CmgisError:
        return {}
    levels = sorted({t.level for t in tables})
    return {f"{IMPORTED_PREFIX}:{lv}": _imported_item(lv, list(tables)) for lv in levels}


def register_providers(registry: Registry) -> None:
    """Add the user-layer, workshop, suitability and candidates providers to ``registry``."""
    from cmgis.sources.suitability import register_model_providers

    registry.add_provider(ID_PREFIX.rstrip(":"), listing=list_user_exportables)
    registry.add_provider(WORKSHOP_PREFIX, resolve=resolve_workshop)
    registry.add_provider(IMPORTED_PREFIX, listing=list_imported_indicator_exportables)
    register_model_providers(registry)
