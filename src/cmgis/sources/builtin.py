"""The layers cmgis itself registers for export: catalog layers and indicator layers.

Every layer of the catalog (``data/layers/catalog.json``) is registered under its id, the
vectors loaded with `cmgis.data.layers.load_layer`, rasters from their file in the layers
folder. Two more layers join the zones and the tambons with their indicator tables
(`cmgis.districts.indicators.load_indicators`), so officials get districts with their numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd

from cmgis import settings
from cmgis.data.catalog import Catalog, load_catalog
from cmgis.export.formats import LayerKind
from cmgis.export.meta import LayerData, LayerMeta, RasterSource, meta_from_catalog_entry
from cmgis.sources.registry import Registry

#: The indicator layers: id → (geometry layer, indicator table, key, titles).
INDICATOR_LAYERS: dict[str, tuple[str, str, str, str, str]] = {
    "zone_indicators": (
        "zones",
        "zones",
        "zone_id",
        "Innovation districts with indicators",
        "ย่านนวัตกรรมพร้อมตัวชี้วัด",
    ),
    "tambon_indicators": (
        "tambons",
        "tambons",
        "tambon_code",
        "Tambons with indicators",
        "ตำบลพร้อมตัวชี้วัด",
    ),
}


def _vector_loader(layer_id: str) -> Callable[[], LayerData]:
    def load() -> LayerData:
        from cmgis.data.layers import load_layer

        return load_layer(layer_id)

    return load


def _raster_loader(file_name: str) -> Callable[[], LayerData]:
    def load() -> LayerData:
        return RasterSource(settings.layers_dir() / file_name)

    return load


def _meta_loader(layer_id: str) -> Callable[[], LayerMeta]:
    def meta() -> LayerMeta:
        return meta_from_catalog_entry(load_catalog().entry(layer_id))

    return meta


def indicator_layer(layer_id: str) -> gpd.GeoDataFrame:
    """Zones or tambons (EPSG:4326) joined with their indicator table."""
    from cmgis.data.layers import load_layer
    from cmgis.districts.indicators import indicator_definitions, load_indicators

    geometry_layer, table, key, _, _ = INDICATOR_LAYERS[layer_id]
    areas = load_layer(geometry_layer)
    keep = [c for c in (key, "name_en", "name_th") if c in areas.columns]
    values = load_indicators(table)
    values = values.drop(columns=[c for c in values.columns if c in keep], errors="ignore")
    joined = areas[[*keep, areas.geometry.name]].merge(
        values, left_on=key, right_index=True, how="left"
    )
    # A lower-bound indicator (co-working: found by name) says so in its own column.
    for d in indicator_definitions():
        if d.lower_bound and d.id in joined.columns:
            joined[f"{d.id}_is_lower_bound"] = True
    return gpd.GeoDataFrame(joined, geometry=areas.geometry.name, crs=areas.crs)


def _indicator_loader(layer_id: str) -> Callable[[], LayerData]:
    def load() -> LayerData:
        return indicator_layer(layer_id)

    return load


def _indicator_meta(layer_id: str, catalog: Callable[[], Catalog]) -> Callable[[], LayerMeta]:
    def meta() -> LayerMeta:
        geometry_layer, _, _, title_en, title_th = INDICATOR_LAYERS[layer_id]
        cat = catalog()
        entry = cat.entry(geometry_layer)
        return LayerMeta(
            layer_id=layer_id,
            title=title_en,
            title_th=title_th,
            description=f"{entry.title_en} with the indicators computed by cmgis from the "
            "open layers (definitions: `cmgis indicators --definitions`). coworking_count "
            "is a LOWER BOUND (at least; spaces found by name), flagged by the column "
            "coworking_count_is_lower_bound.",
            source="cmgis indicators from the catalog's layers",
            licence=" + ".join(dict.fromkeys(e.licence for e in cat.layers if e.licence)),
            credit=" | ".join(cat.credits()),
            method="cmgis.districts.indicators.compute_all, stored in data/layers/*_indicators.csv",
            date=entry.date,
        )

    return meta


def register_builtin_layers(registry: Registry) -> None:
    """Register the catalog's layers and the indicator layers in ``registry``."""
    catalog = load_catalog()
    for entry in catalog.layers:
        if entry.kind == "raster":
            load = _raster_loader(entry.file)
        else:
            load = _vector_loader(entry.id)
        kind: LayerKind = "raster" if entry.kind == "raster" else "vector"
        registry.register(entry.id, kind=kind, load=load, meta=_meta_loader(entry.id), replace=True)
    for layer_id in INDICATOR_LAYERS:
        registry.register(
            layer_id,
            kind="vector",
            load=_indicator_loader(layer_id),
            meta=_indicator_meta(layer_id, load_catalog),
            group="indicators",
            style_like=INDICATOR_LAYERS[layer_id][0],
            replace=True,
        )
