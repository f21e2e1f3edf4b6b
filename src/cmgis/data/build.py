"""Rebuild ``data/layers/`` from ``data/raw/`` and ``data/spec/``, deterministically.

Running the build twice gives identical files: features are sorted, numbers rounded where
the source is rounded, and the GeoPackage timestamps are pinned to the sources' own date
(GDAL's ``OGR_CURRENT_DATE``) instead of the time of the build.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import pyogrio

from cmgis import settings
from cmgis.data import catalog as cat
from cmgis.data import raw as raw
from cmgis.data import terrain as terrain
from cmgis.data._validate import validate_layer
from cmgis.data.catalog import vector_entry
from cmgis.data.definitions import LAYER_DEFS_IN_BUILD_ORDER, THEMES, LayerDef
from cmgis.data.network import RoadGraph, graph_from_arrays
from cmgis.districts import indicators as indicators

#: The date written into GeoPackage metadata: the newest raw source's date (2026-10-08,
#: the old-city OSM extract), so a rebuild does not change the file.
BUILD_DATE = "2026-10-08T00:00:00Z"


@dataclass
class BuildContext:
    """What a layer builder gets: the raw folder, the layers built so far, the road graph.

    Builders run in the order of `cmgis.data.definitions.LAYER_DEFS_IN_BUILD_ORDER`, so
    ``built`` holds every layer defined before. `memo` shares one computation between
    builders that come from the same source (e.g. the three old-city layers).
    """

    raw_dir: Path | None = None
    built: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def graph(self) -> RoadGraph:
        """The road graph from ``network.graph.json`` (read once)."""
        return cast(
            RoadGraph,
            self.memo("graph", lambda: graph_from_arrays(raw.graph_from_raw(self.raw_dir))),
        )

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for, the same value after."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def elevation_entry(defn: LayerDef, grid: raw.ElevationGrid) -> cat.LayerEntry:
    """The catalog entry of the elevation raster made from ``grid``."""
    rows, cols = grid.elevation_m.shape
    prov = defn.provenance
    fields = {
        "rows": rows,
        "cols": cols,
        "step_deg": grid.step_deg,
        "nodata": terrain.ELEVATION_NODATA,
        "fetched": str(grid.meta.get("fetched", "")),
    }
    return cat.entry_from_definition(
        defn,
        replace(prov, method=prov.method.format(**fields), date=prov.date.format(**fields)),
        geometry_type="Raster",
        feature_count=int(rows * cols),
        file=settings.ELEVATION_TIF_NAME,
    )


def build_vector_layers(raw_dir: Path | None = None) -> BuildContext:
    """Run every vector layer's builder in definition order; the layers are in ``ctx.built``."""
    ctx = BuildContext(raw_dir=raw_dir)
    for defn in LAYER_DEFS_IN_BUILD_ORDER:
        if defn.kind == "vector":
            ctx.built[defn.id] = defn.build(ctx)
    return ctx


def _write_gpkg(
    built: dict[str, gpd.GeoDataFrame], entries: list[cat.LayerEntry], path: Path
) -> None:
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": BUILD_DATE})
    try:
        for e in entries:
            if e.kind != "vector":
                continue
            gdf = built[e.id]
            validate_layer(e.id, gdf)
            pyogrio.write_dataframe(
                gdf,
                path,
                layer=e.id,
                driver="GPKG",
                layer_options={
                    "IDENTIFIER": e.title_en,
                    "DESCRIPTION": f"{e.title_th}. Source: {e.source}. Licence: {e.licence}. "
                    f"Credit: {e.credit}",
                },
                append=path.exists(),
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def build_layers(*, raw_dir: Path | None = None, out_dir: Path | None = None) -> cat.Catalog:
    """Rebuild every layer, the catalog and the indicator tables into ``out_dir``.

    The output is written to a temporary folder first and moved into place at the end,
    so a failed build leaves the previous layers untouched.
    """
    out_dir = out_dir or settings.layers_dir()
    ctx = build_vector_layers(raw_dir)
    built = ctx.built
    grid = raw.elevation_from_raw(raw_dir)
    entries = [
        vector_entry(d, built[d.id]) if d.kind == "vector" else elevation_entry(d, grid)
        for d in LAYER_DEFS_IN_BUILD_ORDER
    ]
    order = {t: i for i, t in enumerate(THEMES)}
    entries = sorted(entries, key=lambda e: order.get(e.theme, 99))
    catalog = cat.Catalog(layers=entries, no_data=list(cat.NO_DATA))

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as tmp_name:
        tmp = Path(tmp_name)
        terrain.write_elevation_tif(grid, settings.elevation_tif(tmp))
        _write_gpkg(built, entries, settings.layers_gpkg(tmp))
        tables = indicators.compute_all(
            built, ctx.graph, elevation_path=settings.elevation_tif(tmp)
        )
        indicators.save_indicator_tables(tables, tmp)
        cat.save_catalog(catalog, settings.catalog_json(tmp))
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in tmp.iterdir():
            target = out_dir / item.name
            if target.exists():
                target.unlink()
            shutil.move(str(item), target)
    return catalog
