"""Layers that come and go, made exportable: saved user layers and workshop results.

- ``user:<slug>``: every saved user layer (`cmgis.user_layers.records`), listed on the Export page
  and by ``cmgis layers``; registered again each time the registry is read, so a layer
  saved by another app instance sharing the store appears, and a deleted one goes.
- ``workshop:<join code>``: the visible contributions of one workshop
  (`cmgis.workshop.contributions_frame`). Not listed (that would show every join code):
  resolved when asked for by its code, as a participant joins.
- ``suitability:<preset>[@<resolution m>]`` (raster, the 0–100 surface) and
  ``candidates:<preset>[@<resolution m>]`` (its candidate zones, default share and area):
  computed when asked for (`cmgis.suitability.surface`), e.g. ``suitability:medical_wellness@50``.

The store is the app's store named by ``CMGIS_DB`` (`cmgis.store.open_app_store`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from cmgis import settings
from cmgis._errors import CmgisError, InputError
from cmgis.export.writers import (
    Exportable,
    LayerData,
    LayerMeta,
    RasterSource,
    add_registry_refresher,
    register_exportable,
    register_prefix_resolver,
    registered_ids,
    unregister_exportable,
)
from cmgis.store import Store, open_app_store
from cmgis.user_layers.records import ID_PREFIX, UserLayer, list_user_layers, load_user_layer

if TYPE_CHECKING:
    from cmgis.suitability.surface import Surface

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
            style_like="user_candidates" if record.kind == "candidates" else None,
            replace=True,
        )


# ------------------------------------------------------------------------- workshops


def workshop_layer(code: str) -> gpd.GeoDataFrame:
    """The visible contributions of the workshop with join code ``code`` (EPSG:4326).

    Notes without a geometry are left out (a GIS layer needs one); hidden, merged and
    deleted contributions are not exported here (the facilitator's GeoPackage has them).
    """
    from cmgis.workshop.access import get_workshop
    from cmgis.workshop.analytics import contributions_frame

    store = current_store()
    workshop = get_workshop(store, code)
    frame = contributions_frame(store, workshop.id)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
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


# ------------------------------------------------------------------------ suitability


def suitability_metas(
    weights: Mapping[str, float], *, title: str, resolution_m: float
) -> tuple[LayerMeta, LayerMeta]:
    """Export metadata of a surface and of its candidate zones, with the inputs' credits."""
    from cmgis.user_layers.records import candidate_provenance

    prov = candidate_provenance([c for c, w in weights.items() if float(w) > 0])
    used = {c: float(w) for c, w in weights.items() if float(w) > 0}
    common = {
        "source": prov.text(),
        "licence": prov.licence,
        "credit": prov.credit,
        "method": prov.method,
        "date": dt.date.today().isoformat(),
    }
    surface = LayerMeta(
        layer_id="suitability",
        title=f"Suitability 0-100: {title} ({resolution_m:g} m)",
        title_th=f"ความเหมาะสม 0-100: {title} ({resolution_m:g} ม.)",
        description="Weighted multi-criteria suitability, 100 = most suitable; nodata where "
        f"a weighted criterion has no data. Weights: {json.dumps(used, sort_keys=True)}",
        **common,
    )
    candidates = LayerMeta(
        layer_id="candidate_zones",
        title=f"Candidate zones: {title}",
        title_th=f"พื้นที่ศักยภาพ: {title}",
        description="Contiguous areas in the top share of the suitability surface; model "
        "output, not surveyed boundaries (approximate = true). "
        f"Weights: {json.dumps(used, sort_keys=True)}",
        **common,
    )
    return surface, candidates


def _parse_model_key(key: str) -> tuple[str, float | None]:
    preset, sep, res = key.partition("@")
    if not sep:
        return preset, None
    try:
        return preset, float(res.removesuffix("m"))
    except ValueError as err:
        raise InputError(
            f"resolution {res[:20]!r} is not a number; use e.g. suitability:{preset}@50"
        ) from err


@lru_cache(maxsize=1)  # a 10 m surface holds ~100 MB of normalised criteria
def _model(preset_id: str, resolution_m: float | None) -> tuple[Surface, gpd.GeoDataFrame, str]:
    from cmgis.data.layers import load_layer
    from cmgis.suitability import surface as su
    from cmgis.suitability.criteria import load_spec, normalise_stack

    spec = load_spec()
    preset = spec.preset(preset_id)
    stack = su.stack_for_spec(spec, resolution_m=resolution_m)
    surface = su.weighted_surface(normalise_stack(stack, spec.criteria), preset.weights)
    params = su.CandidateParams()
    cands = su.candidate_zones(surface, params, districts=load_layer("zones"))
    layer = su.candidates_layer(
        cands,
        title_en=preset.title_en,
        title_th=preset.title_th,
        parameters=su.candidate_parameters(surface, params, preset=preset_id),
    )
    tif = su.cache_dir() / f"surface-{preset_id}-{surface.grid.resolution_m:g}m.tif"
    su.write_surface(surface, tif, description=preset.title_en)
    return surface, layer, str(tif)


def _model_resolver(kind: str) -> Callable[[str], Exportable]:
    def resolve(key: str) -> Exportable:
        preset_id, res = _parse_model_key(key)
        from cmgis.suitability.criteria import load_spec

        preset = load_spec().preset(preset_id)  # InputError names the presets
        layer_id = f"{kind}:{key}"

        def load() -> LayerData:
            _, layer, tif = _model(preset_id, res)
            return RasterSource(Path(tif)) if kind == "suitability" else layer

        def meta() -> LayerMeta:
            surface, _, _ = _model(preset_id, res)
            metas = suitability_metas(
                surface.weights, title=preset.title_en, resolution_m=surface.grid.resolution_m
            )
            return replace(metas[0 if kind == "suitability" else 1], layer_id=layer_id)

        return Exportable(
            layer_id,
            "raster" if kind == "suitability" else "vector",
            load,
            meta,
            group="suitability",
            style_like=None if kind == "suitability" else "user_candidates",
        )

    return resolve


def export_suitability(
    surface: Surface,
    candidates: gpd.GeoDataFrame | None,
    *,
    title: str,
    fmt: str,
    crs: str,
    folder: Path,
) -> list[Path]:
    """Write a surface (GeoTIFF) and its candidate layer (``fmt``) in ``crs`` to ``folder``.

    Uses `cmgis.export.writers.export_layers`, so the files carry the credits of the inputs and
    the CRS; returns the files written (the candidates only if there are any).
    """
    from cmgis.export import writers as export
    from cmgis.suitability import surface as su

    export_format = export.check_format(fmt)
    if "vector" not in export_format.kinds:
        raise InputError(f"candidate zones are vectors; {export_format.label} holds rasters")
    meta_surface, meta_cands = suitability_metas(
        surface.weights, title=title, resolution_m=surface.grid.resolution_m
    )
    folder.mkdir(parents=True, exist_ok=True)
    raw_tif = su.write_surface(surface, folder / "surface-32647.tif", description=title)
    written = [
        export.export_layers(
            {"suitability": RasterSource(raw_tif)},
            {"suitability": meta_surface},
            fmt="tif",
            crs=crs,
            output=folder / "suitability.tif",
        )
    ]
    raw_tif.unlink()
    if candidates is not None and len(candidates):
        written.append(
            export.export_layers(
                {"candidate_zones": candidates},
                {"candidate_zones": meta_cands},
                fmt=export_format.key,
                crs=crs,
                output=folder / f"candidate_zones{export_format.extension}",
            )
        )
    return written


def register_dynamic_sources() -> None:
    """Hook the user layers and the workshop and suitability resolvers into the registry."""
    add_registry_refresher(refresh_user_layers)
    register_prefix_resolver(WORKSHOP_PREFIX, resolve_workshop)
    register_prefix_resolver("suitability", _model_resolver("suitability"))
    register_prefix_resolver("candidates", _model_resolver("candidates"))


__all__ = [
    "current_store",
    "export_suitability",
    "refresh_user_layers",
    "register_dynamic_sources",
    "resolve_workshop",
    "suitability_metas",
    "user_layer_meta",
    "workshop_layer",
]
