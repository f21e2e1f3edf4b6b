"""Zone and tambon indicators computed from the layers, with definitions; the ISC scores.

Every indicator is computed by code from the built layers (never typed in) and has a
definition: formula, units, source layers, the ISC dimension and the 3Ds strategy it
informs. POI-, landmark- and road-based indicators are computed over the part of each
area that the OSM extract covers (98.936-99.032 E, 18.750-18.830 N): an area outside it
gets "no data" (NaN), never zero, and its ``osm_coverage_pct`` says how much was seen.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import DataMissingError, InputError
from cmgis.data.network import RoadGraph
from cmgis.data.raw import OSM_EXTRACT_BOUNDS_LONLAT
from cmgis.data.terrain import zonal_mean_elevation_m
from cmgis.projection import to_metric

#: Below this share of an area covered by the OSM extract, OSM-based values are "no data".
MIN_COVERAGE_PCT = 5.0
#: Below this share of an area covered by the OSM extract, an area is never ranked or
#: scored on an OSM-based indicator (its value is shown, but it is not comparable: counts
#: miss the uncovered part).
RANK_MIN_COVERAGE_PCT = 80.0
#: Landmark kinds that ``landmarks_within_800m`` counts (its definition's list).
LANDMARK_KINDS: tuple[str, ...] = ("uni", "hospital", "market", "mall", "bus", "rail")
#: Names of landmarks of kind hospital that are clinics, not hospitals (not counted).
CLINIC_WORDS: tuple[str, ...] = ("clinic", "คลินิก")
#: Walking distance for "within walking distance" counts (straight line, metres).
WALK_M = 800.0
#: Half-width of the Mae Kha canal corridor used by ``canal_corridor_share_pct`` (m).
CANAL_CORRIDOR_M = 250.0

KEYS = {"zones": "zone_id", "tambons": "tambon_code"}
TABLE_FILES = {"zones": "zone_indicators.csv", "tambons": "tambon_indicators.csv"}


@dataclass(frozen=True)
class IndicatorDef:
    """Definition of one indicator.

    ``direction`` is +1 when more is better for an innovation district, -1 when less is
    better, 0 when the indicator is descriptive and takes no part in the scores.
    """

    id: str
    title_en: str
    title_th: str
    unit: str
    formula: str
    source_layers: tuple[str, ...]
    isc_dimension: str
    strategy: str
    direction: int
    osm_based: bool = True
    #: ``formula`` in Thai (same numbers and units).
    formula_th: str = ""
    #: True when the value is a lower bound (the source is known to be incomplete): shown
    #: as "≥ n" wherever it is used.
    lower_bound: bool = False

    def formula_in(self, lang: str) -> str:
        """The formula in ``lang`` ("th" or "en"); English when no Thai is given."""
        return self.formula_th if lang == "th" and self.formula_th else self.formula


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "area_km2",
        "Area",
        "พื้นที่",
        "km²",
        "area of the polygon in EPSG:32647 / 1e6",
        ("zones",),
        "connected",
        "driving-spaces",
        0,
        osm_based=False,
        formula_th="พื้นที่ของรูปหลายเหลี่ยมใน EPSG:32647 / 1e6",
    ),
    IndicatorDef(
        "osm_coverage_pct",
        "Share covered by the OSM extract",
        "สัดส่วนพื้นที่ที่มีข้อมูล OSM",
        "%",
        "area inside the OSM extract bbox / area × 100",
        ("pois",),
        "connected",
        "default",
        0,
        osm_based=False,
        formula_th="พื้นที่ภายในกรอบ (bbox) ของข้อมูล OSM ที่ตัดมา / พื้นที่ × 100",
    ),
    IndicatorDef(
        "office_density_per_km2",
        "Offices per km²",
        "สำนักงานต่อ ตร.กม.",
        "per km²",
        "POIs of category office / covered area (km²)",
        ("pois",),
        "innovative",
        "driving-spaces",
        1,
        formula_th="จำนวน POI ประเภทสำนักงาน (office) / พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "education_density_per_km2",
        "Education places per km²",
        "สถานศึกษาต่อ ตร.กม.",
        "per km²",
        "POIs of category education (schools, faculties) / covered area (km²)",
        ("pois",),
        "innovative",
        "drivers",
        1,
        formula_th="จำนวน POI ประเภทการศึกษา (education: โรงเรียน คณะ) / พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "health_density_per_km2",
        "Health places per km²",
        "สถานบริการสุขภาพต่อ ตร.กม.",
        "per km²",
        "POIs of category hospital or clinic_or_practice / covered area (km²)",
        ("pois",),
        "sustainable",
        "driving-spaces",
        1,
        formula_th="จำนวน POI ประเภทโรงพยาบาล (hospital) หรือคลินิก (clinic_or_practice) / "
        "พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "hospitals_count",
        "Hospitals",
        "โรงพยาบาล",
        "count",
        "POIs of category hospital (named hospitals, clinics excluded) inside the area",
        ("pois",),
        "sustainable",
        "driving-spaces",
        1,
        formula_th="จำนวน POI ประเภทโรงพยาบาล (hospital: โรงพยาบาลที่มีชื่อ ไม่นับคลินิก) ภายในพื้นที่",
    ),
    IndicatorDef(
        "coworking_count",
        "Co-working spaces",
        "พื้นที่ทำงานร่วม",
        "count",
        "points of the coworking layer inside the area; a LOWER BOUND (at least): the "
        "layer holds only the spaces found by name in the POIs, known spaces are missing",
        ("coworking",),
        "connected",
        "driving-spaces",
        1,
        formula_th="จำนวนจุดของชั้นข้อมูล coworking ภายในพื้นที่ เป็นค่าขั้นต่ำ (อย่างน้อย): "
        "ชั้นข้อมูลมีเฉพาะพื้นที่ที่ค้นพบจากชื่อใน POI ยังขาดพื้นที่ที่รู้จักอยู่",
        lower_bound=True,
    ),
    IndicatorDef(
        "poi_diversity_index",
        "Mix of uses (POI diversity)",
        "ความหลากหลายของกิจกรรม",
        "0-1",
        "Shannon entropy of POI categories inside the area / ln(number of categories)",
        ("pois",),
        "innovative",
        "driving-spaces",
        1,
        formula_th="เอนโทรปีของแชนนอน (Shannon entropy) ของประเภท POI ภายในพื้นที่ / ln(จำนวนประเภท)",
    ),
    IndicatorDef(
        "landmarks_within_800m",
        "Landmarks within 800 m",
        "สถานที่สำคัญในระยะ 800 ม.",
        "count",
        "landmarks of kind university, hospital (named clinics excluded), market, mall, "
        "bus or rail station within 800 m (straight line) of the area; monuments are not "
        "counted",
        ("landmarks",),
        "connected",
        "driving-spaces",
        1,
        formula_th="จำนวนสถานที่สำคัญชนิดมหาวิทยาลัย โรงพยาบาล (ไม่นับที่ชื่อเป็นคลินิก) ตลาด "
        "ห้างสรรพสินค้า สถานีขนส่งหรือสถานีรถไฟ ภายในระยะ 800 m (เส้นตรง) จากพื้นที่ "
        "ไม่นับอนุสาวรีย์",
    ),
    IndicatorDef(
        "transit_stations_within_800m",
        "Bus and rail stations within 800 m",
        "สถานีขนส่งและสถานีรถไฟในระยะ 800 ม.",
        "count",
        "landmarks of kind bus or rail and POIs of category transit within 800 m of the area",
        ("landmarks", "pois"),
        "connected",
        "default",
        1,
        formula_th="จำนวนสถานที่สำคัญชนิดรถโดยสาร (bus) หรือรถไฟ (rail) และ POI "
        "ประเภทขนส่งสาธารณะ (transit) ภายในระยะ 800 m จากพื้นที่",
    ),
    IndicatorDef(
        "intersection_density_per_km2",
        "Road intersections per km² (walkability)",
        "ทางแยกต่อ ตร.กม. (การเดินได้)",
        "per km²",
        "road-graph nodes with 3 or more neighbours inside the covered part of the area / "
        "covered area (km²)",
        ("roads",),
        "connected",
        "default",
        1,
        formula_th="จำนวนจุดต่อของโครงข่ายถนนที่เชื่อมกับจุดข้างเคียงตั้งแต่ 3 จุดขึ้นไป "
        "ภายในส่วนของพื้นที่ที่ข้อมูลครอบคลุม / พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "road_density_km_per_km2",
        "Road length per km²",
        "ความยาวถนนต่อ ตร.กม.",
        "km per km²",
        "length of road edges inside the covered part of the area (km) / covered area (km²)",
        ("roads",),
        "connected",
        "default",
        1,
        formula_th="ความยาวของเส้นถนนภายในส่วนของพื้นที่ที่ข้อมูลครอบคลุม (km) / พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "temple_density_per_km2",
        "Temples per km² (heritage)",
        "วัดต่อ ตร.กม. (มรดก)",
        "per km²",
        "POIs of category temple / covered area (km²)",
        ("pois",),
        "sustainable",
        "driving-spaces",
        1,
        formula_th="จำนวน POI ประเภทวัด (temple) / พื้นที่ที่ข้อมูลครอบคลุม (km²)",
    ),
    IndicatorDef(
        "mean_elevation_m",
        "Mean elevation",
        "ความสูงเฉลี่ย",
        "m",
        "mean of the elevation raster cells inside the area (about 530 m cells)",
        ("elevation",),
        "sustainable",
        "default",
        0,
        osm_based=False,
        formula_th="ค่าเฉลี่ยของเซลล์แรสเตอร์ความสูงภายในพื้นที่ (เซลล์ขนาดประมาณ 530 m)",
    ),
    IndicatorDef(
        "canal_corridor_share_pct",
        "Share within 250 m of the Mae Kha canal",
        "สัดส่วนพื้นที่ในระยะ 250 ม. จากคลองแม่ข่า",
        "%",
        "area within 250 m of the canal line / area × 100",
        ("mae_kha_canal",),
        "inclusive",
        "drivers",
        0,
        osm_based=False,
        formula_th="พื้นที่ภายในระยะ 250 m จากแนวคลอง / พื้นที่ × 100",
    ),
)


def indicator_definitions() -> list[IndicatorDef]:
    """The indicator definitions, in display order."""
    return list(INDICATORS)


def definition(indicator_id: str) -> IndicatorDef:
    """The definition of one indicator; `InputError` lists the known ids."""
    for d in INDICATORS:
        if d.id == indicator_id:
            return d
    raise InputError(
        f"unknown indicator {indicator_id!r}; expected one of: "
        + ", ".join(d.id for d in INDICATORS)
    )


def _shannon(categories: pd.Series, n_categories: int) -> float:
    counts = categories.value_counts().to_numpy(dtype=float)
    if counts.sum() == 0 or n_categories < 2:
        return float("nan")
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum() / math.log(n_categories))


@dataclass(frozen=True)
class _IndicatorInputs:
    """The layers the indicators count, in EPSG:32647, prepared once for all areas."""

    pois: gpd.GeoDataFrame
    cowork: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    corridor: BaseGeometry
    extent_m: BaseGeometry
    stations: gpd.GeoSeries
    counted_landmarks: gpd.GeoDataFrame
    junctions: gpd.GeoSeries
    n_categories: int


def _indicator_inputs(layers: dict[str, gpd.GeoDataFrame], graph: RoadGraph) -> _IndicatorInputs:
    pois = to_metric(layers["pois"])
    landmarks = to_metric(layers["landmarks"])
    canal = shapely.union_all(to_metric(layers["mae_kha_canal"]).geometry.values)
    extent = gpd.GeoSeries([box(*OSM_EXTRACT_BOUNDS_LONLAT)], crs=settings.STORE_CRS)
    stations = pd.concat(
        [
            landmarks[landmarks["kind"].isin(["bus", "rail"])].geometry,
            pois[pois["category"] == "transit"].geometry,
        ]
    )
    lm_named = landmarks["name"].fillna("").str.lower()
    is_clinic = (landmarks["kind"] == "hospital") & lm_named.apply(
        lambda n: any(w in n for w in CLINIC_WORDS)
    )
    degree = graph.degree()
    return _IndicatorInputs(
        pois=pois,
        cowork=to_metric(layers["coworking"]),
        roads=to_metric(layers["roads"]),
        corridor=canal.buffer(CANAL_CORRIDOR_M, cap_style="flat"),
        extent_m=to_metric(extent).iloc[0],
        stations=stations,
        counted_landmarks=landmarks[landmarks["kind"].isin(LANDMARK_KINDS) & ~is_clinic],
        junctions=gpd.GeoSeries(shapely.points(graph.xy_m[degree >= 3]), crs=settings.METRIC_CRS),
        n_categories=int(pois["category"].nunique()),
    )


def _area_indicators(geom: BaseGeometry, elev: float, inp: _IndicatorInputs) -> dict[str, Any]:
    """Every indicator of one area (``geom`` in EPSG:32647); NaN where there is no data."""
    area_km2 = geom.area / 1e6
    covered = geom.intersection(inp.extent_m)
    covered_km2 = covered.area / 1e6
    coverage_pct = 100.0 * covered_km2 / area_km2 if area_km2 else 0.0
    has_osm = coverage_pct >= MIN_COVERAGE_PCT
    inside = inp.pois[inp.pois.within(geom)]
    near = geom.buffer(WALK_M)

    def density(n: float) -> float:
        return n / covered_km2 if has_osm and covered_km2 > 0 else float("nan")

    def count(n: int) -> float:
        return float(n) if has_osm else float("nan")

    cat = inside["category"]
    road_km = inp.roads.clip(covered).length.sum() / 1000 if has_osm else float("nan")
    return {
        "area_km2": area_km2,
        "osm_coverage_pct": coverage_pct,
        "office_density_per_km2": density(int((cat == "office").sum())),
        "education_density_per_km2": density(int((cat == "education").sum())),
        "health_density_per_km2": density(int(cat.isin(["hospital", "clinic_or_practice"]).sum())),
        "hospitals_count": count(int((cat == "hospital").sum())),
        "coworking_count": count(int(inp.cowork.within(geom).sum())),
        "poi_diversity_index": _shannon(cat, inp.n_categories) if has_osm else float("nan"),
        "landmarks_within_800m": count(int(inp.counted_landmarks.within(near).sum())),
        "transit_stations_within_800m": count(int(inp.stations.within(near).sum())),
        "intersection_density_per_km2": density(int(inp.junctions.within(covered).sum())),
        "road_density_km_per_km2": density(road_km),
        "temple_density_per_km2": density(int((cat == "temple").sum())),
        "mean_elevation_m": elev,
        "canal_corridor_share_pct": 100.0 * geom.intersection(inp.corridor).area / geom.area,
    }


def compute_indicators(
    areas: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    graph: RoadGraph,
    *,
    key: str,
    elevation_path: Path | None = None,
) -> pd.DataFrame:
    """Compute every indicator for each polygon of ``areas``.

    Parameters
    ----------
    areas
        Polygons in any CRS (reprojected to EPSG:32647 here), with a ``key`` column.
    layers
        Built layers by id (EPSG:4326): pois, coworking, landmarks, roads, mae_kha_canal.
    graph
        The road graph (node degrees for intersections).
    key
        Column of ``areas`` that names each area; becomes the index.
    elevation_path
        The elevation GeoTIFF; defaults to ``settings.elevation_tif()``.

    Returns
    -------
    DataFrame indexed by ``key`` with one column per indicator id. NaN means "no data".
    """
    inputs = _indicator_inputs(layers, graph)
    areas_m = to_metric(areas, name="areas")
    elevation = zonal_mean_elevation_m(areas, path=elevation_path)
    rows = [
        {key: area[key], **_area_indicators(area.geometry, elev, inputs)}
        for (_, area), elev in zip(areas_m.iterrows(), elevation, strict=True)
    ]
    table = pd.DataFrame(rows).set_index(key)
    return table.round(4)


def rankable(table: pd.DataFrame) -> pd.DataFrame:
    """True where a row may be ranked or scored on an indicator.

    An OSM-based indicator is not ranked for a row whose ``osm_coverage_pct`` is below
    `RANK_MIN_COVERAGE_PCT` (counts there miss the uncovered part); NaN values are never
    ranked. Tables without ``osm_coverage_pct`` are judged on NaN only.
    """
    out = pd.DataFrame(index=table.index)
    coverage = (
        table["osm_coverage_pct"].astype(float)
        if "osm_coverage_pct" in table
        else pd.Series(100.0, index=table.index)
    )
    covered_enough = coverage.fillna(0.0) >= RANK_MIN_COVERAGE_PCT
    for d in INDICATORS:
        if d.id not in table:
            continue
        ok = table[d.id].notna()
        out[d.id] = ok & covered_enough if d.osm_based else ok
    return out


def unranked_reason(table: pd.DataFrame, row: object, indicator_id: str) -> str:
    """Why ``row`` is not ranked on ``indicator_id`` ("" when it is): "no_data" or
    "low_coverage" (OSM coverage below `RANK_MIN_COVERAGE_PCT`)."""
    if indicator_id not in table:
        return "no_data"
    value = table.at[row, indicator_id]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no_data"
    if not bool(rankable(table).at[row, indicator_id]):
        return "low_coverage"
    return ""


def normalised_scores(table: pd.DataFrame) -> pd.DataFrame:
    """0-100 scores across the rows of ``table``, per scored indicator, plus ``overall``.

    Min-max scaling, reversed for indicators where less is better; NaN stays NaN (no
    data is never a zero). ``overall`` is the mean of the available scores of a row.
    """
    scores = pd.DataFrame(index=table.index)
    ok = rankable(table)
    for d in INDICATORS:
        if d.direction == 0 or d.id not in table:
            continue
        col = table[d.id].astype(float).where(ok[d.id])
        lo, hi = col.min(), col.max()
        if not np.isfinite(lo) or hi == lo:
            scores[d.id] = np.where(col.notna(), 50.0, np.nan)
        else:
            s = (col - lo) / (hi - lo) * 100
            scores[d.id] = s if d.direction > 0 else 100 - s
    scores["overall"] = scores.mean(axis=1, skipna=True)
    return scores.round(2)


def ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = best) of each row per indicator; NaN where no data or not `rankable`."""
    out = pd.DataFrame(index=table.index)
    ok = rankable(table)
    for d in INDICATORS:
        if d.id not in table:
            continue
        ascending = d.direction < 0
        out[d.id] = table[d.id].where(ok[d.id]).rank(ascending=ascending, method="min")
    return out


def compute_all(
    layers: dict[str, gpd.GeoDataFrame],
    graph: RoadGraph,
    *,
    elevation_path: Path | None = None,
) -> dict[str, pd.DataFrame]:
    """Indicator tables for the zones and the tambons."""
    return {
        kind: compute_indicators(
            layers[kind], layers, graph, key=KEYS[kind], elevation_path=elevation_path
        )
        for kind in ("zones", "tambons")
    }


def save_indicator_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write each table as CSV (UTF-8, fixed float format, deterministic)."""
    for kind, table in tables.items():
        table.to_csv(out_dir / TABLE_FILES[kind], float_format="%.4f", lineterminator="\n")


def load_indicators(kind: str = "zones", *, layers_dir: Path | None = None) -> pd.DataFrame:
    """A stored indicator table (``"zones"`` or ``"tambons"``), indexed by zone_id/tambon_code."""
    if kind not in TABLE_FILES:
        raise InputError(f"unknown indicator table {kind!r}; expected 'zones' or 'tambons'")
    path = (layers_dir or settings.layers_dir()) / TABLE_FILES[kind]
    if not path.exists():
        raise DataMissingError(f"{path} not found; run `cmgis build-layers` first")
    return pd.read_csv(path, index_col=0, dtype={KEYS[kind]: str})


@dataclass(frozen=True)
class ISCScore:
    """One ISC dimension score, as the report gives it."""

    id: str
    title_en: str
    title_th: str
    score_pct: float
    level: str


def isc_scores(path: Path | None = None) -> list[ISCScore]:
    """Chiang Mai's ISC scores (overall and four dimensions) from ``data/spec/isc.toml``."""
    path = path or settings.spec_dir() / "isc.toml"
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [ISCScore(**d) for d in data["dimension"]]
