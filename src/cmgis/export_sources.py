"""Layers that come and go, made exportable: saved user layers and workshop results.

- ``user:<slug>``: every saved user layer (`cmgis.user_layers`), listed on the Export page
  and by ``cmgis layers``; registered again each time the registry is read, so a layer
  saved by another app instance sharing the store appears, and a deleted one goes.
- ``workshop:<join code>``: the visible contributions of one workshop
  (`cmgis.sketches.contributions_frame`). Not listed (that would show every join code):
  resolved when asked for by its code, as a participant joins.

The store is the one named by ``CMGIS_DB`` (`cmgis.store.open_store`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import lru_cache

import geopandas as gpd

from cmgis._errors import CmgisError
from cmgis.export import (
    Exportable,
    LayerData,
    LayerMeta,
    add_registry_refresher,
    register_exportable,
    register_prefix_resolver,
    registered_ids,
    unregister_exportable,
)
from cmgis.store import Store, open_store
from cmgis.user_layers import ID_PREFIX, UserLayer, list_user_layers, load_user_layer

USER_GROUP = "user"
WORKSHOP_PREFIX = "workshop"


@lru_cache(maxsize=4)
def _store_at(location: str) -> Store:
    return open_store(location or None)


def current_store() -> Store:
    """The store named by ``CMGIS_DB`` (opened once per location and process)."""
    return _store_at(os.environ.get("CMGIS_DB", ""))


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


def refresh_user_layers() -> None:
    """Register ``user:<slug>`` for every saved user layer; drop the deleted ones."""
    try:
        records = list_user_layers(current_store())
    except CmgisError:
        records = []  # no store reachable: base layers stay exportable
    wanted = {r.layer_id: r for r in records}
    for layer_id in registered_ids(prefix=ID_PREFIX):
        if layer_id not in wanted:
            unregister_exportable(layer_id)
    for layer_id, record in wanted.items():
        register_exportable(
            layer_id,
            kind="vector",
            load=_user_loader(record.slug),
            meta=_user_meta(record),
            group=USER_GROUP,
            style_like="zones" if record.kind == "candidates" else None,
            replace=True,
        )


# ------------------------------------------------------------------------- workshops


def workshop_layer(code: str) -> gpd.GeoDataFrame:
    """The visible contributions of the workshop with join code ``code`` (EPSG:4326).

    Notes without a geometry are left out (a GIS layer needs one); hidden, merged and
    deleted contributions are not exported here (the facilitator's GeoPackage has them).
    """
    from cmgis.sketches import contributions_frame, get_workshop

    store = current_store()
    workshop = get_workshop(store, code)
    frame = contributions_frame(store, workshop.id)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    frame.insert(0, "workshop_code", workshop.code)
    frame.insert(1, "workshop_title", workshop.title)
    return frame.drop(columns=["group_id"], errors="ignore")


def resolve_workshop(code: str) -> Exportable:
    """The exportable contributions of workshop ``code`` (`AuthError` for a wrong code)."""
    from cmgis.sketches import get_workshop

    workshop = get_workshop(current_store(), code)
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


def register_dynamic_sources() -> None:
    """Hook the user layers and the workshop resolver into the export registry."""
    add_registry_refresher(refresh_user_layers)
    register_prefix_resolver(WORKSHOP_PREFIX, resolve_workshop)


__all__ = [
    "current_store",
    "refresh_user_layers",
    "register_dynamic_sources",
    "resolve_workshop",
    "user_layer_meta",
    "workshop_layer",
]
