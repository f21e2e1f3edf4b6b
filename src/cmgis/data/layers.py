"""Base layers built from the raw sources, and loading of the built layers.

Builders are named ``<layer>_layer`` and take raw GeoDataFrames (EPSG:4326); they return
a new GeoDataFrame in EPSG:4326 with the layer's declared columns. The ``build_<layer>``
functions are what the layer definitions (`cmgis.data.definitions`) name: each takes a
`cmgis.data.build.BuildContext` and reads its raw source. `load_layer` reads a built layer
from ``data/layers/cmgis.gpkg``. The whole build is `cmgis.data.build.build_layers`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from cmgis import settings
from cmgis._errors import DataMissingError, UnknownLayerError
from cmgis.data import raw as raw
from cmgis.projection import to_metric

if TYPE_CHECKING:
    from cmgis.data.build import BuildContext

#: Coverage of each tambon by Chiang Mai City Municipality (public record, see the brief):
#: whole for 6, part for 8, none for Mae Hia and San Phisuea.
MUNICIPALITY_COVERAGE: dict[str, str] = {
    "Si Phum": "whole",
    "Phra Sing": "whole",
    "Hai Ya": "whole",
    "Chang Moi": "whole",
    "Chang Khlan": "whole",
    "Wat Ket": "whole",
    "Chang Phueak": "part",
    "Suthep": "part",
    "Pa Daet": "part",
    "Pa Tan": "part",
    "Nong Hoi": "part",
    "Tha Sala": "part",
    "Nong Pa Khrang": "part",
    "Fa Ham": "part",
    "Mae Hia": "none",
    "San Phisuea": "none",
}

#: Honest category names for the source's ``cat`` values (see NOTICE.md caveats).
POI_CATEGORY: dict[str, str] = {
    "attraction": "tourism_leisure",  # any tourism=* / leisure=*: hotels, condos, pitches too
    "shop": "shop",
    "restaurant": "restaurant",
    "bar": "bar",
    "office": "office",
    "temple": "temple",
    "school": "education",
    "transit": "transit",
    # "hospital" is split by name into hospital / clinic_or_practice
}

_HOSPITAL_NAME = re.compile(r"โรงพยาบาล|hospital", re.IGNORECASE)
_NOT_HOSPITAL_NAME = re.compile(r"clinic|คลินิก|สัตว|pet|veterin|dental|ทันต", re.IGNORECASE)
_COWORKING_NAME = re.compile(r"co-?working|โคเวิร์ก", re.IGNORECASE)

#: Known misclassifications in landmarks.json (NOTICE.md): name -> (kind, reason).
LANDMARK_CORRECTIONS: dict[str, tuple[str, str]] = {
    "วัดหมื่นสาร": ("temple", "a temple (Wat Muen San), tagged as a monument in the source"),
    "Greens Music": ("shop", "a music shop, classified as a mall in the source"),
    "WorldChemical": ("shop", "a chemicals shop, classified as a mall in the source"),
    "Dental Buddy Clinic (เดนทัลบัดดี้คลินิก)": (
        "clinic",
        "a dental clinic, classified as a hospital in the source",
    ),
    "MIlada Thai-Chinese Medical Clinic": (
        "clinic",
        "a clinic, classified as a hospital in the source",
    ),
}


def tambons_layer(raw_tambons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 16 tambons with codes, Thai/English names, municipality coverage and area."""
    gdf = raw_tambons.sort_values("ADM3_PCODE").reset_index(drop=True)
    unknown = set(gdf["ADM3_EN"]) - set(MUNICIPALITY_COVERAGE)
    if unknown:
        raise DataMissingError(f"no municipality coverage known for tambons {sorted(unknown)}")
    out = gpd.GeoDataFrame(
        {
            "tambon_code": gdf["ADM3_PCODE"],
            "name_en": gdf["ADM3_EN"],
            "name_th": gdf["ADM3_TH"],
            "district_en": gdf["ADM2_EN"],
            "district_th": gdf["ADM2_TH"],
            "municipality_coverage": gdf["ADM3_EN"].map(MUNICIPALITY_COVERAGE),
            "area_km2": (to_metric(gdf).area / 1e6).round(4),
        },
        geometry=gdf.geometry.values,
        crs=settings.STORE_CRS,
    )
    return out


def _osm_names(tags: pd.Series) -> tuple[pd.Series, pd.Series]:
    def get(t: object, *keys: str) -> str:
        if not isinstance(t, dict):
            return ""
        for k in keys:
            if t.get(k):
                return str(t[k])
        return ""

    name_en = tags.map(lambda t: get(t, "name:en", "name"))
    name_th = tags.map(lambda t: get(t, "name:th", "name"))
    return name_en, name_th


def old_city_layers(raw_old_city: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Split the old-city extract into moat, walls and gates layers (OSM ids kept)."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, source_layer in (
        ("old_city_moat", "moat-water"),
        ("old_city_walls", "osm-city-wall"),
        ("old_city_gates", "osm-city-gate"),
    ):
        part = raw_old_city[raw_old_city["layer"] == source_layer]
        part = part.sort_values(["osm_type", "osm_id"]).reset_index(drop=True)
        name_en, name_th = _osm_names(part["osm_tags"])
        out[layer_id] = gpd.GeoDataFrame(
            {
                "osm_type": part["osm_type"],
                "osm_id": part["osm_id"].astype("int64"),
                "osm_version": part["osm_version"].astype("int64"),
                "osm_timestamp": part["osm_timestamp"],
                "osm_url": part["osm_url"],
                "name_en": name_en,
                "name_th": name_th,
            },
            geometry=part.geometry.values,
            crs=settings.STORE_CRS,
        )
    return out


def canal_layer(raw_canal: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The Mae Kha canal line with its length in metres (EPSG:32647)."""
    return gpd.GeoDataFrame(
        {
            "name_th": raw_canal["name"],
            "name_en": ["Khlong Mae Kha (Mae Kha canal)"] * len(raw_canal),
            "flow": raw_canal["flow"],
            "length_m": to_metric(raw_canal).length.round(1),
        },
        geometry=raw_canal.geometry.values,
        crs=settings.STORE_CRS,
    )


def _poi_category(cat: str, name: str) -> str:
    if cat == "hospital":
        if _HOSPITAL_NAME.search(name) and not _NOT_HOSPITAL_NAME.search(name):
            return "hospital"
        return "clinic_or_practice"
    return POI_CATEGORY.get(cat, cat)


def pois_layer(raw_pois: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """POIs with honest categories.

    The source's ``hospital`` mixes hospitals with clinics, doctors and dentists: names
    with "โรงพยาบาล"/"hospital" (and no clinic/dental/pet word) become ``hospital``, the
    rest ``clinic_or_practice``. ``attraction`` is labelled ``tourism_leisure`` because it
    holds any tourism/leisure tag (hotels, condominiums, sports pitches).
    """
    names = raw_pois["name"].fillna("")
    return gpd.GeoDataFrame(
        {
            "poi_id": np.arange(len(raw_pois), dtype=np.int64),
            "name": names,
            "category": [_poi_category(c, n) for c, n in zip(raw_pois["cat"], names, strict=True)],
            "osm_category": raw_pois["cat"],
            "purpose": raw_pois["p"],
        },
        geometry=raw_pois.geometry.values,
        crs=settings.STORE_CRS,
    )


def coworking_layer(pois: gpd.GeoDataFrame, *, dedupe_m: float = 30.0) -> gpd.GeoDataFrame:
    """Co-working spaces: POIs whose name says co-working, duplicates within ``dedupe_m`` merged.

    The source has no co-working category, so this is a name search and a lower bound:
    spaces without "coworking" in their OSM name are missed.
    """
    hits = pois[pois["name"].str.contains(_COWORKING_NAME)].copy()
    hits["key"] = hits["name"].str.lower().str.replace(r"[^a-z0-9ก-๙]+", " ", regex=True)
    metric = to_metric(hits)
    keep: list[int] = []
    for i in range(len(hits)):
        dup = any(
            hits["key"].iloc[i] == hits["key"].iloc[j]
            and metric.geometry.iloc[i].distance(metric.geometry.iloc[j]) <= dedupe_m
            for j in keep
        )
        if not dup:
            keep.append(i)
    out = hits.iloc[keep]
    return gpd.GeoDataFrame(
        {
            "poi_id": out["poi_id"].to_numpy(),
            "name": out["name"].to_numpy(),
            "osm_category": out["osm_category"].to_numpy(),
        },
        geometry=out.geometry.values,
        crs=settings.STORE_CRS,
    ).reset_index(drop=True)


def landmarks_layer(raw_landmarks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Landmarks with the source's known misclassifications corrected and noted."""
    kinds, notes = [], []
    for name, kind in zip(raw_landmarks["name"], raw_landmarks["kind"], strict=True):
        fix = LANDMARK_CORRECTIONS.get(name)
        kinds.append(fix[0] if fix else kind)
        notes.append(f"corrected: {fix[1]}" if fix else "")
    return gpd.GeoDataFrame(
        {
            "landmark_id": np.arange(len(raw_landmarks), dtype=np.int64),
            "name": raw_landmarks["name"],
            "kind": kinds,
            "kind_source": raw_landmarks["kind"],
            "note": notes,
        },
        geometry=raw_landmarks.geometry.values,
        crs=settings.STORE_CRS,
    )


def named_places_layer(raw_places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Named residential places (villages, neighbourhoods) with the source's weight."""
    return gpd.GeoDataFrame(
        {"name": raw_places["name"], "weight": raw_places["w"].astype("int64")},
        geometry=raw_places.geometry.values,
        crs=settings.STORE_CRS,
    )


# --- builders named by the layer definitions (cmgis.data.definitions) -------------


def build_tambons(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``tambons`` from the raw COD-AB tambons."""
    return tambons_layer(raw.tambons_from_raw(ctx.raw_dir))


def _old_city(ctx: BuildContext) -> dict[str, gpd.GeoDataFrame]:
    built: dict[str, gpd.GeoDataFrame] = ctx.memo(
        "old_city", lambda: old_city_layers(raw.old_city_from_raw(ctx.raw_dir))
    )
    return built


def build_old_city_moat(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``old_city_moat`` from the old-city OSM extract."""
    return _old_city(ctx)["old_city_moat"]


def build_old_city_walls(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``old_city_walls`` from the old-city OSM extract."""
    return _old_city(ctx)["old_city_walls"]


def build_old_city_gates(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``old_city_gates`` from the old-city OSM extract."""
    return _old_city(ctx)["old_city_gates"]


def build_canal(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``mae_kha_canal`` from the raw canal line."""
    return canal_layer(raw.canal_from_raw(ctx.raw_dir))


def build_pois(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``pois`` from the raw OSM POIs."""
    return pois_layer(raw.pois_from_raw(ctx.raw_dir))


def build_coworking(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``coworking`` from the built ``pois``."""
    return coworking_layer(ctx.built["pois"])


def build_landmarks(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``landmarks`` from the raw landmarks."""
    return landmarks_layer(raw.landmarks_from_raw(ctx.raw_dir))


def build_named_places(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``named_places`` from the raw named places."""
    return named_places_layer(raw.named_places_from_raw(ctx.raw_dir))


def build_roads(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``roads``: one line per edge of the raw road graph."""
    return raw.roads_from_raw(ctx.raw_dir)


# --- reading the built layers ---------------------------------------------------------


def list_built_layers(path: Path | None = None) -> list[str]:
    """Names of the vector layers in the built GeoPackage."""
    path = path or settings.layers_gpkg()
    if not path.exists():
        raise DataMissingError(f"{path} not found; run `cmgis build-layers` first")
    return [str(name) for name, _ in pyogrio.list_layers(path)]


def load_layer(layer_id: str, *, path: Path | None = None) -> gpd.GeoDataFrame:
    """A built vector layer from ``data/layers/cmgis.gpkg``, in EPSG:4326.

    Parameters
    ----------
    layer_id
        A layer id of the catalog, e.g. ``"zones"`` or ``"tambons"``.
    path
        The GeoPackage; defaults to ``settings.layers_gpkg()``.
    """
    path = path or settings.layers_gpkg()
    layers = list_built_layers(path)
    if layer_id not in layers:
        raise UnknownLayerError(
            f"unknown layer {layer_id!r}; expected one of: {', '.join(sorted(layers))}"
        )
    gdf = pyogrio.read_dataframe(path, layer=layer_id)
    if "fid" in gdf.columns:
        gdf = gdf.drop(columns="fid")
    return gdf
