"""Suitability surfaces and candidate zones as exportable layers, and their files.

``suitability:<preset>[@<resolution m>]`` (raster, the 0–100 surface) and
``candidates:<preset>[@<resolution m>]`` (its candidate zones, default share and area) are
computed when asked for (`cmgis.suitability.surface`), e.g.
``suitability:medical_wellness@50``. `export_suitability`, `surface_download` and
`candidates_download` write a surface and candidates the Suitability page computed, through
`cmgis.export`, so every file carries the credits of its inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from cmgis._errors import InputError
from cmgis.export.formats import check_format
from cmgis.export.meta import LayerData, LayerMeta, RasterSource
from cmgis.export.write import ExportResult, export_layers, layers_to_bytes
from cmgis.sources.registry import Exportable, Registry

if TYPE_CHECKING:
    from cmgis.suitability.surface import Surface


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

    Uses `cmgis.export.export_layers`, so the files carry the credits of the inputs and
    the CRS; returns the files written (the candidates only if there are any).
    """
    from cmgis.suitability import surface as su

    export_format = check_format(fmt)
    if "vector" not in export_format.kinds:
        raise InputError(f"candidate zones are vectors; {export_format.label} holds rasters")
    meta_surface, meta_cands = suitability_metas(
        surface.weights, title=title, resolution_m=surface.grid.resolution_m
    )
    folder.mkdir(parents=True, exist_ok=True)
    raw_tif = su.write_surface(surface, folder / "surface-32647.tif", description=title)
    written = [
        export_layers(
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
            export_layers(
                {"candidate_zones": candidates},
                {"candidate_zones": meta_cands},
                fmt=export_format.key,
                crs=crs,
                output=folder / f"candidate_zones{export_format.extension}",
            )
        )
    return written


def surface_download(
    surface: Surface, *, title: str, crs: str = "EPSG:32647", name: str = "suitability"
) -> ExportResult:
    """The surface as a GeoTIFF to download, with the credits of its inputs in its tags."""
    from cmgis.suitability import surface as su

    meta, _ = suitability_metas(
        surface.weights, title=title, resolution_m=surface.grid.resolution_m
    )
    with tempfile.TemporaryDirectory(prefix="cmgis-surface-") as tmp:
        raw = su.write_surface(surface, Path(tmp) / "surface.tif", description=title)
        return layers_to_bytes(
            {"suitability": RasterSource(raw)}, {"suitability": meta}, fmt="tif", crs=crs,
            name=name,
        )  # fmt: skip


def candidates_download(
    surface: Surface, candidates: gpd.GeoDataFrame, *, title: str, name: str
) -> ExportResult:
    """Candidate zones as a GeoPackage (EPSG:4326) to download, with credits and sources.

    The layer is ``candidate_zones``; ``name`` is the file name without ``.gpkg``.
    """
    from cmgis.suitability.surface import CANDIDATE_LAYER

    _, meta = suitability_metas(
        surface.weights, title=title, resolution_m=surface.grid.resolution_m
    )
    return layers_to_bytes(
        {CANDIDATE_LAYER: candidates}, {CANDIDATE_LAYER: meta}, fmt="gpkg", crs="EPSG:4326",
        name=name,
    )  # fmt: skip


def register_model_providers(registry: Registry) -> None:
    """Add the ``suitability:`` and ``candidates:`` providers to ``registry``."""
    registry.add_provider("suitability", resolve=_model_resolver("suitability"))
    registry.add_provider("candidates", resolve=_model_resolver("candidates"))
