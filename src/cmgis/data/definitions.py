"""One declarative definition per layer id: titles, theme, schema, provenance, style, builder.

`LAYER_DEFS` is the registry every part of cmgis reads a layer's facts from:

- the build (`cmgis.data.build`) calls each vector layer's builder in this order, checks
  the result against the definition's schema (`cmgis.data._validate`) and writes the
  catalog entry (`cmgis.data.catalog.LayerEntry`) from the definition;
- maps look the layer's style up by `LayerDef.style_key`.

Adding a vector layer takes two edits: a builder function ``(BuildContext) -> GeoDataFrame``
(anywhere, e.g. in `cmgis.data.layers`) and a `LayerDef` here naming it (docs/ARCHITECTURE.md,
"Adding a layer"). This module imports no feature package: builders are named by a
``"module:function"`` string and resolved only when the build runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cmgis._errors import UnknownLayerError
from cmgis.data.provenance import (
    CREDIT_ADMIN,
    CREDIT_ELEVATION,
    CREDIT_OSM,
    LICENCE_ADMIN,
    LICENCE_ELEVATION,
    LICENCE_OSM,
    Provenance,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from cmgis.data.build import BuildContext

#: Themes of the layer panel, in display order.
THEMES: tuple[str, ...] = (
    "districts",
    "administrative",
    "heritage",
    "water",
    "infrastructure",
    "terrain",
    "indicators",
)

POLYGONAL = ("Polygon", "MultiPolygon")

#: Declared column types (`LayerDef.dtypes`) and the numpy dtype kinds each accepts.
DTYPE_KINDS: dict[str, str] = {"float": "fiu", "int": "iu", "bool": "b", "text": "OSU"}

_OSM_EXTRACT = (
    "OpenStreetMap via the Overpass API, extracted by deesamery-cloud/chiangmai-transit "
    "(pipeline/extract*.py), snapshot commit 7177e29 (2026-06-19), bbox 98.936-99.032 E, "
    "18.750-18.830 N"
)
_OLD_CITY_SOURCE = (
    "OpenStreetMap API 0.6 map call, bbox 98.9775,18.7795,98.9995,18.7975, via "
    "jmcvetta/chiang-mai-wall-book (research/materials/osm), commit cf466a1"
)
_OSM_NAMED = ("osm_id", "osm_url", "name_en", "name_th")
_OSM_DTYPES = (("osm_id", "int"),)


def _osm(source: str, method: str, date: str) -> Provenance:
    return Provenance(
        source=source, licence=LICENCE_OSM, credit=CREDIT_OSM, method=method, date=date
    )


@dataclass(frozen=True)
class LayerDef:
    """Everything cmgis declares about one layer id (its data comes from the builder).

    ``provenance.method`` and ``provenance.date`` may hold ``{name}`` fields filled in at
    build time from the built data (`cmgis.data.build`); ``approximate_from_column`` makes
    the catalog's ``approximate`` flag "any row's ``approximate`` is true" instead of the
    provenance's fixed flag.
    """

    id: str
    title_en: str
    title_th: str
    theme: str
    provenance: Provenance
    builder: str = ""  # "module:function", the function taking a BuildContext
    kind: Literal["vector", "raster"] = "vector"
    columns: tuple[str, ...] = ()  # required columns (besides geometry)
    geometry_types: tuple[str, ...] = ()  # allowed geometry types (null geometry allowed)
    dtypes: tuple[tuple[str, str], ...] = ()  # (column, DTYPE_KINDS key); other columns: any
    description_en: str = ""
    description_th: str = ""
    approximate_from_column: bool = False
    style: str = ""  # map style key; the id when empty
    units: str = ""

    @property
    def style_key(self) -> str:
        """The key of this layer's map style (`cmgis.maps`)."""
        return self.style or self.id

    def build(self, ctx: BuildContext) -> gpd.GeoDataFrame:
        """Run the builder named by `builder` on ``ctx``."""
        module, _, func = self.builder.partition(":")
        fn: Callable[[BuildContext], gpd.GeoDataFrame] = getattr(
            importlib.import_module(module), func
        )
        return fn(ctx)


#: Columns of the projects layer, in order (plus ``geometry``).
PROJECT_COLUMNS: tuple[str, ...] = (
    "code",
    "origin",
    "title_en",
    "title_th",
    "place_th",
    "strategy",
    "related",
    "status",
    "lead",
    "partners",
    "partners_named_en",
    "activities_en",
    "note_en",
    "zones_touched",
    "geometry_method",
    "approximate",
    "length_m",
    "source",
)
#: Geometry types of the projects layer; rows without a place have no geometry (null).
PROJECT_GEOMETRY_TYPES: tuple[str, ...] = (
    "Point",
    "MultiPoint",
    "LineString",
    "Polygon",
    "MultiPolygon",
)

#: Every layer, in build order (a builder may use the layers defined before it).
LAYER_DEFS_IN_BUILD_ORDER: tuple[LayerDef, ...] = (
    LayerDef(
        id="tambons",
        title_en="Tambons of Mueang Chiang Mai",
        title_th="ตำบลในอำเภอเมืองเชียงใหม่",
        theme="administrative",
        builder="cmgis.data.layers:build_tambons",
        columns=("tambon_code", "name_en", "name_th", "municipality_coverage", "area_km2"),
        geometry_types=POLYGONAL,
        dtypes=(("area_km2", "float"),),
        provenance=Provenance(
            source="OCHA HDX COD-AB Thailand (cod-ab-tha), Royal Thai Survey Department; "
            "via prasertcbs/thailand_gis commit 1682c1d",
            licence=LICENCE_ADMIN,
            credit=CREDIT_ADMIN,
            method="The 16 tambons of district TH5001 as published; area_km2 computed in "
            "EPSG:32647; municipality_coverage (whole/part/none) from the public record "
            "(6 whole, 8 part, Mae Hia and San Phisuea none). No municipal boundary polygon "
            "exists in the data and none is drawn.",
            date="2022-07-25 (conversion commit; the data carry no vintage)",
        ),
    ),
    LayerDef(
        id="old_city_moat",
        title_en="Old city moat",
        title_th="คูเมืองเชียงใหม่",
        theme="heritage",
        builder="cmgis.data.layers:build_old_city_moat",
        columns=_OSM_NAMED,
        geometry_types=("Polygon",),
        dtypes=_OSM_DTYPES,
        provenance=_osm(
            _OLD_CITY_SOURCE,
            "OSM features tagged water=moat, kept as published (19 polygons).",
            "2026-10-08 (retrieved)",
        ),
    ),
    LayerDef(
        id="old_city_walls",
        title_en="Old city walls and bastions",
        title_th="กำแพงเมืองและแจ่ง",
        theme="heritage",
        builder="cmgis.data.layers:build_old_city_walls",
        columns=_OSM_NAMED,
        geometry_types=("Polygon",),
        dtypes=_OSM_DTYPES,
        provenance=_osm(
            _OLD_CITY_SOURCE,
            "OSM features tagged barrier=city_wall (fragments and the four corner "
            "bastions), kept as published.",
            "2026-10-08 (retrieved)",
        ),
    ),
    LayerDef(
        id="old_city_gates",
        title_en="Old city gates",
        title_th="ประตูเมือง",
        theme="heritage",
        builder="cmgis.data.layers:build_old_city_gates",
        columns=_OSM_NAMED,
        geometry_types=("Point",),
        dtypes=_OSM_DTYPES,
        provenance=_osm(
            _OLD_CITY_SOURCE,
            "OSM nodes tagged historic=city_gate, kept as published.",
            "2026-10-08 (retrieved)",
        ),
    ),
    LayerDef(
        id="mae_kha_canal",
        title_en="Mae Kha canal",
        title_th="คลองแม่ข่า",
        theme="water",
        builder="cmgis.data.layers:build_canal",
        columns=("name_th", "name_en", "length_m"),
        geometry_types=("LineString",),
        dtypes=(("length_m", "float"),),
        provenance=_osm(
            "OSM ways named คลองแม่ข่า (waterway=stream) joined into one line by "
            "naodiw/maekuang-water-quality (maekha.geojson), commit a01d2f5",
            "As published; length_m computed in EPSG:32647.",
            "2026-07-21 (commit; OSM way dates lost in the merge)",
        ),
    ),
    LayerDef(
        id="pois",
        title_en="Points of interest",
        title_th="จุดสนใจ",
        theme="infrastructure",
        builder="cmgis.data.layers:build_pois",
        columns=("poi_id", "name", "category", "osm_category", "purpose"),
        geometry_types=("Point",),
        dtypes=(("poi_id", "int"),),
        provenance=_osm(
            _OSM_EXTRACT,
            "As published, with honest categories: the source's 'hospital' split by "
            "name into hospital and clinic_or_practice; 'attraction' labelled "
            "tourism_leisure (includes hotels, condominiums, pitches). Restaurants, bars "
            "and shops were capped and thinned by the source: not a complete inventory. "
            "Coverage stops at 18.750 N and 98.936 E.",
            "2026-06-14 (last change of the file; extraction date not recorded)",
        ),
    ),
    LayerDef(
        id="coworking",
        title_en="Co-working spaces",
        title_th="พื้นที่ทำงานร่วม",
        theme="infrastructure",
        builder="cmgis.data.layers:build_coworking",
        columns=("poi_id", "name"),
        geometry_types=("Point",),
        dtypes=(("poi_id", "int"),),
        provenance=_osm(
            _OSM_EXTRACT,
            "POIs whose name contains 'coworking'/'co-working' (the source has no "
            "co-working category), duplicates within 30 m merged. A lower bound: spaces "
            "without the word in their OSM name are missed.",
            "2026-06-14 (last change of pois.json)",
        ),
    ),
    LayerDef(
        id="landmarks",
        title_en="Landmarks (universities, hospitals, markets, stations)",
        title_th="สถานที่สำคัญ (มหาวิทยาลัย โรงพยาบาล ตลาด สถานีขนส่ง)",
        theme="infrastructure",
        builder="cmgis.data.layers:build_landmarks",
        columns=("landmark_id", "name", "kind", "kind_source", "note"),
        geometry_types=("Point",),
        dtypes=(("landmark_id", "int"),),
        provenance=_osm(
            _OSM_EXTRACT,
            "As published (capped per kind and spaced out by the source); five known "
            "misclassifications corrected by name, original kind kept in kind_source and "
            "the reason in note.",
            "2026-06-19 (snapshot commit)",
        ),
    ),
    LayerDef(
        id="named_places",
        title_en="Named residential places",
        title_th="ชุมชนและหมู่บ้านที่มีชื่อ",
        theme="administrative",
        builder="cmgis.data.layers:build_named_places",
        columns=("name", "weight"),
        geometry_types=("Point",),
        dtypes=(("weight", "int"),),
        provenance=_osm(
            _OSM_EXTRACT,
            "OSM place=village/suburb/neighbourhood points from pois.json 'homes', "
            "with the source's weight.",
            "2026-06-14 (last change of pois.json)",
        ),
    ),
    LayerDef(
        id="roads",
        title_en="Road network",
        title_th="โครงข่ายถนน",
        theme="infrastructure",
        builder="cmgis.data.layers:build_roads",
        columns=("edge_id", "u", "v", "length_m"),
        geometry_types=("LineString",),
        dtypes=(("edge_id", "int"), ("u", "int"), ("v", "int"), ("length_m", "float")),
        provenance=_osm(
            "OpenStreetMap via Overpass, graph by deesamery-cloud/chiangmai-transit "
            "(network.graph.json), commit ef27ead",
            "One two-point line per graph edge; length_m as given by the source. "
            "Drivable roads only (no footways, cycleways or steps), largest connected "
            "component, no names, classes or one-way flags.",
            "2026-06-14 (last change of the file)",
        ),
    ),
    LayerDef(
        id="zones",
        title_en="Innovation districts (constructed)",
        title_th="ย่านนวัตกรรม (สร้างจากวิธีที่ระบุ)",
        theme="districts",
        builder="cmgis.districts.zones:build_zones_layer",
        columns=(
            "zone_id",
            "name_en",
            "name_th",
            "theme_en",
            "theme_th",
            "strategies",
            "plan_items",
            "area_km2",
            "method",
            "method_th",
            "parameters",
            "approximate",
        ),
        geometry_types=POLYGONAL,
        dtypes=(("area_km2", "float"), ("approximate", "bool")),
        approximate_from_column=True,
        provenance=Provenance(
            source="Built by cmgis from the layers below with data/spec/zones.toml; the "
            "action plan (CMU PPSI for NIA, 2019) names the districts but draws no "
            "boundaries",
            licence=f"{LICENCE_OSM} (derived database); {LICENCE_ADMIN}",
            credit=f"{CREDIT_OSM} | {CREDIT_ADMIN}",
            method="Each district by its stated method (see the zone's method and parameters "
            "attributes): walking catchments on the road graph (Nimman, Suan Dok, Mae Hia), "
            "the moat enclosure (Old Town), a canal corridor (Mae Kha); then made disjoint "
            "by the rule in the disjoint_rule attribute (Old Town a hard edge; overlapping "
            "catchments split by the nearer anchor along the road network).",
            date="built from the sources below; spec data/spec/zones.toml",
        ),
        description_en="Nimman, Old Town, Suan Dok, Mae Kha canal and Mae Hia.",
        description_th="นิมมานเหมินท์ เมืองเก่า สวนดอก คลองแม่ข่า และแม่เหียะ",
    ),
    LayerDef(
        id="zone_anchors",
        title_en="District anchors",
        title_th="จุดยึดของย่าน",
        theme="districts",
        builder="cmgis.districts.zones:build_zone_anchors_layer",
        columns=("zone_id", "name", "source", "approximate"),
        geometry_types=("Point",),
        dtypes=(("approximate", "bool"),),
        approximate_from_column=True,
        provenance=Provenance(
            source=f"POIs (OSM) by exact name. {_OSM_EXTRACT}",
            licence=LICENCE_OSM,
            credit=CREDIT_OSM,
            method="Named places each district is built around, looked up by exact name in "
            "the POIs (the CMU Mae Hia campus: STeP, the veterinary faculty's cafeteria, the "
            "Mae Hia dormitory court).",
            date="2026-06-19 (OSM snapshot commit)",
        ),
    ),
    LayerDef(
        id="projects",
        title_en="Action plan projects (place-bound)",
        title_th="โครงการตามแผนปฏิบัติการ (ผูกกับพื้นที่)",
        theme="districts",
        builder="cmgis.plan.projects:build_projects_for_catalog",
        columns=PROJECT_COLUMNS,
        geometry_types=PROJECT_GEOMETRY_TYPES,
        dtypes=(("approximate", "bool"), ("length_m", "float")),
        provenance=Provenance(
            source="Chiang Mai City of Innovation Action Plan, first-month progress report "
            "(CMU PPSI for NIA and Chiang Mai City Municipality, 2019), via "
            "data/spec/plan.toml; geometry from the layers zones, landmarks, pois, "
            "coworking and the road graph",
            licence=f"{LICENCE_OSM} (derived database); {LICENCE_ADMIN}",
            credit=f"{CREDIT_OSM} | {CREDIT_ADMIN}",
            method="Each proposal the report ties to a place, placed by the method in its "
            "geometry_method attribute: {geometry_method_counts}. 'indicative' is a "
            "shortest road-graph path CMU -> Suan Dok anchors, not a planned route; 'none' "
            "rows have no geometry because there is no place for it in the bundled data. "
            "'poi-points' are named OSM points standing for a faculty. zones_touched is a "
            "spatial join with layer zones.",
            date="report 2019-08-13/2019-09-12; built from the layers above",
            approximate=True,
        ),
        description_en="The report's place-bound proposals, filed as the report files them "
        "(goals-and-means table, co-sensing lists): Smart Nimman, Smart Old Town, Smart CMU, "
        "Medical Hub, CMU purple bus extension, Mae Kha canal, Bio-Food at Mae Hia, air "
        "purifiers, co-working spaces, and those without a place in the data.",
        description_th="ข้อเสนอของรายงานที่ผูกกับพื้นที่",
    ),
    LayerDef(
        id="elevation",
        title_en="Elevation (terrain context)",
        title_th="ความสูงภูมิประเทศ",
        theme="terrain",
        kind="raster",
        units="m",
        provenance=Provenance(
            source="Open-Meteo Elevation API (Copernicus DEM GLO-90), via "
            "NaNoBotCo/chiang-mai-roads data/harvest/elevation.json, commit 2a37b26",
            licence=LICENCE_ELEVATION,
            credit=CREDIT_ELEVATION,
            method="{rows}x{cols} samples at {step_deg} degrees taken as pixel centres, "
            "north row first, written with rasterio as int16 GeoTIFF in EPSG:4326, nodata "
            "{nodata}. About 530 m spacing: terrain context only, not site-level slope.",
            date="{fetched} (fetched)",
        ),
    ),
)

#: Every layer definition by id.
LAYER_DEFS: dict[str, LayerDef] = {d.id: d for d in LAYER_DEFS_IN_BUILD_ORDER}


def layer_def(layer_id: str) -> LayerDef:
    """The definition of ``layer_id``; `UnknownLayerError` lists the known ids."""
    try:
        return LAYER_DEFS[layer_id]
    except KeyError:
        raise UnknownLayerError(
            f"unknown layer {layer_id!r}; expected one of: {', '.join(LAYER_DEFS)}"
        ) from None
