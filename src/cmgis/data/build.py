"""Rebuild ``data/layers/`` from ``data/raw/`` and ``data/spec/``, deterministically.

Running the build twice gives identical files: features are sorted, numbers rounded where
the source is rounded, and the GeoPackage timestamps are pinned to the sources' own date
(GDAL's ``OGR_CURRENT_DATE``) instead of the time of the build.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pyogrio

from cmgis.data import catalog as cat
from cmgis import settings
from cmgis.districts import indicators as indicators
from cmgis.data import layers as layers
from cmgis.plan import projects as projects
from cmgis.data import raw as raw
from cmgis.data import terrain as terrain
from cmgis.districts import zones as zones
from cmgis.data._validate import validate_layer
from cmgis.data.network import graph_from_arrays

#: The date written into GeoPackage metadata: the newest raw source's date (2026-10-08,
#: the old-city OSM extract), so a rebuild does not change the file.
BUILD_DATE = "2026-10-08T00:00:00Z"

_OSM_EXTRACT = (
    "OpenStreetMap via the Overpass API, extracted by deesamery-cloud/chiangmai-transit "
    "(pipeline/extract*.py), snapshot commit 7177e29 (2026-06-19), bbox 98.936-99.032 E, "
    "18.750-18.830 N"
)


def _entry(layer_id: str, gdf: gpd.GeoDataFrame, **kw: object) -> cat.LayerEntry:
    geom_types = sorted(set(gdf.geom_type))
    return cat.LayerEntry(
        id=layer_id,
        kind="vector",
        geometry_type="/".join(geom_types),
        feature_count=len(gdf),
        **kw,  # type: ignore[arg-type]
    )


def _entries(built: dict[str, gpd.GeoDataFrame]) -> list[cat.LayerEntry]:
    osm = {"licence": cat.LICENCE_OSM, "credit": cat.CREDIT_OSM, "approximate": False}
    old_city_src = (
        "OpenStreetMap API 0.6 map call, bbox 98.9775,18.7795,98.9995,18.7975, via "
        "jmcvetta/chiang-mai-wall-book (research/materials/osm), commit cf466a1"
    )
    return [
        _entry(
            "zones",
            built["zones"],
            title_en="Innovation districts (constructed)",
            title_th="ย่านนวัตกรรม (สร้างจากวิธีที่ระบุ)",
            theme="districts",
            source="Built by cmgis from the layers below with data/spec/zones.toml; the "
            "action plan (CMU PPSI for NIA, 2019) names the districts but draws no boundaries",
            licence=f"{cat.LICENCE_OSM} (derived database); {cat.LICENCE_ADMIN}",
            credit=f"{cat.CREDIT_OSM} | {cat.CREDIT_ADMIN}",
            method="Each district by its stated method (see the zone's method and parameters "
            "attributes): walking catchments on the road graph (Nimman, Suan Dok, Mae Hia), "
            "the moat enclosure (Old Town), a canal corridor (Mae Kha); then made disjoint "
            "by the rule in the disjoint_rule attribute (Old Town a hard edge; overlapping "
            "catchments split by the nearer anchor along the road network).",
            date="built from the sources below; spec data/spec/zones.toml",
            approximate=bool(built["zones"]["approximate"].any()),
            description_en="Nimman, Old Town, Suan Dok, Mae Kha canal and Mae Hia.",
            description_th="นิมมานเหมินท์ เมืองเก่า สวนดอก คลองแม่ข่า และแม่เหียะ",
        ),
        _entry(
            "zone_anchors",
            built["zone_anchors"],
            title_en="District anchors",
            title_th="จุดยึดของย่าน",
            theme="districts",
            source=f"POIs (OSM) by exact name. {_OSM_EXTRACT}",
            licence=cat.LICENCE_OSM,
            credit=cat.CREDIT_OSM,
            method="Named places each district is built around, looked up by exact name in "
            "the POIs (the CMU Mae Hia campus: STeP, the veterinary faculty's cafeteria, the "
            "Mae Hia dormitory court).",
            date="2026-06-19 (OSM snapshot commit)",
            approximate=bool(built["zone_anchors"]["approximate"].any()),
        ),
        _entry(
            "tambons",
            built["tambons"],
            title_en="Tambons of Mueang Chiang Mai",
            title_th="ตำบลในอำเภอเมืองเชียงใหม่",
            theme="administrative",
            source="OCHA HDX COD-AB Thailand (cod-ab-tha), Royal Thai Survey Department; "
            "via prasertcbs/thailand_gis commit 1682c1d",
            licence=cat.LICENCE_ADMIN,
            credit=cat.CREDIT_ADMIN,
            method="The 16 tambons of district TH5001 as published; area_km2 computed in "
            "EPSG:32647; municipality_coverage (whole/part/none) from the public record "
            "(6 whole, 8 part, Mae Hia and San Phisuea none). No municipal boundary polygon "
            "exists in the data and none is drawn.",
            date="2022-07-25 (conversion commit; the data carry no vintage)",
            approximate=False,
        ),
        _entry(
            "old_city_moat",
            built["old_city_moat"],
            title_en="Old city moat",
            title_th="คูเมืองเชียงใหม่",
            theme="heritage",
            source=old_city_src,
            method="OSM features tagged water=moat, kept as published (19 polygons).",
            date="2026-10-08 (retrieved)",
            **osm,
        ),
        _entry(
            "old_city_walls",
            built["old_city_walls"],
            title_en="Old city walls and bastions",
            title_th="กำแพงเมืองและแจ่ง",
            theme="heritage",
            source=old_city_src,
            method="OSM features tagged barrier=city_wall (fragments and the four corner "
            "bastions), kept as published.",
            date="2026-10-08 (retrieved)",
            **osm,
        ),
        _entry(
            "old_city_gates",
            built["old_city_gates"],
            title_en="Old city gates",
            title_th="ประตูเมือง",
            theme="heritage",
            source=old_city_src,
            method="OSM nodes tagged historic=city_gate, kept as published.",
            date="2026-10-08 (retrieved)",
            **osm,
        ),
        _entry(
            "mae_kha_canal",
            built["mae_kha_canal"],
            title_en="Mae Kha canal",
            title_th="คลองแม่ข่า",
            theme="water",
            source="OSM ways named คลองแม่ข่า (waterway=stream) joined into one line by "
            "naodiw/maekuang-water-quality (maekha.geojson), commit a01d2f5",
            method="As published; length_m computed in EPSG:32647.",
            date="2026-07-21 (commit; OSM way dates lost in the merge)",
            **osm,
        ),
        _entry(
            "pois",
            built["pois"],
            title_en="Points of interest",
            title_th="จุดสนใจ",
            theme="infrastructure",
            source=_OSM_EXTRACT,
            method="As published, with honest categories: the source's 'hospital' split by "
            "name into hospital and clinic_or_practice; 'attraction' labelled "
            "tourism_leisure (includes hotels, condominiums, pitches). Restaurants, bars "
            "and shops were capped and thinned by the source: not a complete inventory. "
            "Coverage stops at 18.750 N and 98.936 E.",
            date="2026-06-14 (last change of the file; extraction date not recorded)",
            **osm,
        ),
        _entry(
            "coworking",
            built["coworking"],
            title_en="Co-working spaces",
            title_th="พื้นที่ทำงานร่วม (co-working)",
            theme="infrastructure",
            source=_OSM_EXTRACT,
            method="POIs whose name contains 'coworking'/'co-working' (the source has no "
            "co-working category), duplicates within 30 m merged. A lower bound: spaces "
            "without the word in their OSM name are missed.",
            date="2026-06-14 (last change of pois.json)",
            **osm,
        ),
        _entry(
            "landmarks",
            built["landmarks"],
            title_en="Landmarks (universities, hospitals, markets, stations)",
            title_th="สถานที่สำคัญ (มหาวิทยาลัย โรงพยาบาล ตลาด สถานีขนส่ง)",
            theme="infrastructure",
            source=_OSM_EXTRACT,
            method="As published (capped per kind and spaced out by the source); five known "
            "misclassifications corrected by name, original kind kept in kind_source and "
            "the reason in note.",
            date="2026-06-19 (snapshot commit)",
            **osm,
        ),
        _entry(
            "named_places",
            built["named_places"],
            title_en="Named residential places",
            title_th="ชุมชนและหมู่บ้านที่มีชื่อ",
            theme="administrative",
            source=_OSM_EXTRACT,
            method="OSM place=village/suburb/neighbourhood points from pois.json 'homes', "
            "with the source's weight.",
            date="2026-06-14 (last change of pois.json)",
            **osm,
        ),
        _entry(
            "roads",
            built["roads"],
            title_en="Road network",
            title_th="โครงข่ายถนน",
            theme="infrastructure",
            source="OpenStreetMap via Overpass, graph by deesamery-cloud/chiangmai-transit "
            "(network.graph.json), commit ef27ead",
            method="One two-point line per graph edge; length_m as given by the source. "
            "Drivable roads only (no footways, cycleways or steps), largest connected "
            "component, no names, classes or one-way flags.",
            date="2026-06-14 (last change of the file)",
            **osm,
        ),
    ]


def _elevation_entry(grid: raw.ElevationGrid) -> cat.LayerEntry:
    rows, cols = grid.elevation_m.shape
    return cat.LayerEntry(
        id="elevation",
        title_en="Elevation (terrain context)",
        title_th="ความสูงภูมิประเทศ",
        theme="terrain",
        kind="raster",
        geometry_type="Raster",
        feature_count=int(rows * cols),
        source="Open-Meteo Elevation API (Copernicus DEM GLO-90), via "
        "NaNoBotCo/chiang-mai-roads data/harvest/elevation.json, commit 2a37b26",
        licence=cat.LICENCE_ELEVATION,
        credit=cat.CREDIT_ELEVATION,
        method=f"{rows}x{cols} samples at {grid.step_deg} degrees taken as pixel centres, "
        "north row first, written with rasterio as int16 GeoTIFF in EPSG:4326, nodata "
        f"{terrain.ELEVATION_NODATA}. About 530 m spacing: terrain context only, not "
        "site-level slope.",
        date=str(grid.meta.get("fetched", "")) + " (fetched)",
        approximate=False,
        file=settings.ELEVATION_TIF_NAME,
        units="m",
    )


def build_base_layers(raw_dir: Path | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Every base layer (not zones), built from the raw sources, by id."""
    built: dict[str, gpd.GeoDataFrame] = {
        "tambons": layers.tambons_layer(raw.tambons_from_raw(raw_dir))
    }
    built.update(layers.old_city_layers(raw.old_city_from_raw(raw_dir)))
    built["mae_kha_canal"] = layers.canal_layer(raw.canal_from_raw(raw_dir))
    built["pois"] = layers.pois_layer(raw.pois_from_raw(raw_dir))
    built["coworking"] = layers.coworking_layer(built["pois"])
    built["landmarks"] = layers.landmarks_layer(raw.landmarks_from_raw(raw_dir))
    built["named_places"] = layers.named_places_layer(raw.named_places_from_raw(raw_dir))
    built["roads"] = raw.roads_from_raw(raw_dir)
    return built


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
    built = build_base_layers(raw_dir)
    graph = graph_from_arrays(raw.graph_from_raw(raw_dir))
    built["zones"], built["zone_anchors"] = zones.build_zones(built, graph)
    built["projects"] = projects.build_projects_layer(
        inputs=projects.place_inputs_from_built(built), router=projects.road_router(graph)
    )
    grid = raw.elevation_from_raw(raw_dir)
    entries = [
        *_entries(built),
        projects.projects_catalog_entry(built["projects"]),
        _elevation_entry(grid),
    ]
    order = {t: i for i, t in enumerate(cat.THEMES)}
    entries = sorted(entries, key=lambda e: order.get(e.theme, 99))
    catalog = cat.Catalog(layers=entries, no_data=list(cat.NO_DATA))

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as tmp_name:
        tmp = Path(tmp_name)
        terrain.write_elevation_tif(grid, settings.elevation_tif(tmp))
        _write_gpkg(built, entries, settings.layers_gpkg(tmp))
        tables = indicators.compute_all(built, graph, elevation_path=settings.elevation_tif(tmp))
        indicators.save_indicator_tables(tables, tmp)
        catalog = replace(catalog)
        cat.save_catalog(catalog, settings.catalog_json(tmp))
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in tmp.iterdir():
            target = out_dir / item.name
            if target.exists():
                target.unlink()
            shutil.move(str(item), target)
    return catalog
