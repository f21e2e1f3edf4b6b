"""The layer catalog: source, licence, credit, method and date of every layer.

The catalog is written by `cmgis.data.build.build_layers` from the layer definitions
(`cmgis.data.definitions`) to ``data/layers/catalog.json`` and
read by the app and every export, which show its credit lines. It also lists the
indicators the action plan wants but for which no open data exists here ("no data"), so
the app can show the gap and a later import can fill it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmgis import settings
from cmgis._errors import DataMissingError, UnknownLayerError
from cmgis.data.definitions import THEMES, LayerDef
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

__all__ = [
    "CREDIT_ADMIN",
    "CREDIT_ELEVATION",
    "CREDIT_OSM",
    "LICENCE_ADMIN",
    "LICENCE_ELEVATION",
    "LICENCE_OSM",
    "NO_DATA",
    "THEMES",
    "Catalog",
    "LayerEntry",
    "NoDataEntry",
    "entry_from_definition",
    "load_catalog",
    "save_catalog",
    "vector_entry",
]


@dataclass(frozen=True)
class LayerEntry:
    """One layer of the catalog: its definition's facts, counted and filled in by the build.

    The provenance fields (source, licence, credit, method, date, approximate) are kept
    flat, as ``catalog.json`` has them; `LayerEntry.provenance` gives them as one
    `cmgis.data.provenance.Provenance`. ``credit`` may hold several credit lines joined by
    " | " when a layer is derived from several sources; `LayerEntry.credit_lines` splits them.
    """

    id: str
    title_en: str
    title_th: str
    theme: str
    kind: str  # "vector" or "raster"
    geometry_type: str
    feature_count: int
    source: str
    licence: str
    credit: str
    method: str
    date: str
    approximate: bool
    description_en: str = ""
    description_th: str = ""
    file: str = settings.LAYERS_GPKG_NAME
    units: str = ""

    @property
    def provenance(self) -> Provenance:
        """Where this layer comes from, as one record."""
        return Provenance(
            source=self.source,
            licence=self.licence,
            credit=self.credit,
            method=self.method,
            date=self.date,
            approximate=self.approximate,
        )

    def credit_lines(self) -> list[str]:
        """The credit lines of this layer."""
        return self.provenance.credit_lines()


def entry_from_definition(
    defn: LayerDef,
    provenance: Provenance,
    *,
    geometry_type: str,
    feature_count: int,
    file: str = settings.LAYERS_GPKG_NAME,
) -> LayerEntry:
    """The catalog entry of a built layer: ``defn``'s facts with the filled-in ``provenance``."""
    return LayerEntry(
        id=defn.id,
        title_en=defn.title_en,
        title_th=defn.title_th,
        theme=defn.theme,
        kind=defn.kind,
        geometry_type=geometry_type,
        feature_count=feature_count,
        source=provenance.source,
        licence=provenance.licence,
        credit=provenance.credit,
        method=provenance.method,
        date=provenance.date,
        approximate=provenance.approximate,
        description_en=defn.description_en,
        description_th=defn.description_th,
        file=file,
        units=defn.units,
    )


def _geometry_type(gdf: gpd.GeoDataFrame) -> str:
    return "/".join(sorted({g.geom_type for g in gdf.geometry if g is not None}))


def _geometry_method_counts(gdf: gpd.GeoDataFrame) -> str:
    if "geometry_method" not in gdf.columns:
        return ""
    return ", ".join(
        f"{m} ({int((gdf['geometry_method'] == m).sum())})"
        for m in dict.fromkeys(gdf["geometry_method"])
    )


def vector_entry(defn: LayerDef, gdf: gpd.GeoDataFrame) -> LayerEntry:
    """The catalog entry of the built vector layer ``gdf`` defined by ``defn``."""
    prov = defn.provenance
    approximate = prov.approximate
    if defn.approximate_from_column:
        approximate = bool(gdf["approximate"].any())
    fields = {"geometry_method_counts": _geometry_method_counts(gdf)}
    return entry_from_definition(
        defn,
        replace(prov, method=prov.method.format(**fields), approximate=approximate),
        geometry_type=_geometry_type(gdf),
        feature_count=len(gdf),
    )


@dataclass(frozen=True)
class NoDataEntry:
    """An indicator the plan asks for, for which no open data exists in cmgis yet."""

    id: str
    title_en: str
    title_th: str
    why: str
    wanted_by: str
    import_hint: str
    status: str = "no data"
    why_th: str = ""
    wanted_by_th: str = ""
    import_hint_th: str = ""

    def why_in(self, lang: str) -> str:
        """``why`` in ``lang`` ("th" or "en"); English when no Thai is given."""
        return self.why_th if lang == "th" and self.why_th else self.why

    def wanted_by_in(self, lang: str) -> str:
        """``wanted_by`` in ``lang``; English when no Thai is given."""
        return self.wanted_by_th if lang == "th" and self.wanted_by_th else self.wanted_by

    def import_hint_in(self, lang: str) -> str:
        """``import_hint`` in ``lang``; English when no Thai is given."""
        return self.import_hint_th if lang == "th" and self.import_hint_th else self.import_hint


@dataclass(frozen=True)
class Catalog:
    """All layers and the known data gaps."""

    layers: list[LayerEntry]
    no_data: list[NoDataEntry] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Layer ids in catalog order."""
        return [e.id for e in self.layers]

    def entry(self, layer_id: str) -> LayerEntry:
        """The entry of ``layer_id``; `UnknownLayerError` lists the known ids."""
        for e in self.layers:
            if e.id == layer_id:
                return e
        raise UnknownLayerError(
            f"unknown layer {layer_id!r}; expected one of: {', '.join(self.ids())}"
        )

    def credits(self, layer_ids: list[str] | None = None) -> list[str]:
        """Distinct credit lines of the given layers (all layers by default), in order."""
        entries = self.layers if layer_ids is None else [self.entry(i) for i in layer_ids]
        seen: dict[str, None] = {}
        for e in entries:
            for line in e.credit_lines():
                seen.setdefault(line, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as written to catalog.json."""
        return {
            "layers": [asdict(e) for e in self.layers],
            "no_data": [asdict(e) for e in self.no_data],
        }


#: Data the plan and the workshops ask for that no open source here provides.
NO_DATA: tuple[NoDataEntry, ...] = (
    NoDataEntry(
        id="internet_speed_mbps",
        title_en="Internet speed (Mbit/s)",
        title_th="ความเร็วอินเทอร์เน็ต (Mbit/s)",
        why="No open, spatially detailed measurement of fixed or mobile internet speed for "
        "Chiang Mai is in the bundled data.",
        wanted_by="Workshops: faster internet; strategy 1.1 (high-speed internet gap study)",
        import_hint="Import a point or zone layer with a numeric speed_mbps field "
        "(e.g. from an operator or a speed-test campaign).",
        why_th="ข้อมูลที่รวมมาไม่มีผลการวัดความเร็วอินเทอร์เน็ตแบบบ้านหรือมือถือของเชียงใหม่ที่เปิดเผยและละเอียดเชิงพื้นที่",
        wanted_by_th="เวิร์กช็อป: อินเทอร์เน็ตที่เร็วขึ้น; ยุทธศาสตร์ 1.1 (ศึกษาช่องว่างอินเทอร์เน็ตความเร็วสูง)",
        import_hint_th="นำเข้าชั้นข้อมูลจุดหรือย่านที่มีฟิลด์ตัวเลข speed_mbps (เช่น "
        "จากผู้ให้บริการหรือแคมเปญทดสอบความเร็ว)",
    ),
    NoDataEntry(
        id="electricity_reliability",
        title_en="Electricity reliability (outages per year)",
        title_th="ความเสถียรของไฟฟ้า (จำนวนครั้งไฟดับต่อปี)",
        why="The Provincial Electricity Authority's outage records are not open data here.",
        wanted_by="Workshops: sufficient, stable electricity",
        import_hint="Import a zone or tambon table with outages_per_year.",
        why_th="บันทึกไฟดับของการไฟฟ้าส่วนภูมิภาคไม่ได้เป็นข้อมูลเปิดที่นี่",
        wanted_by_th="เวิร์กช็อป: ไฟฟ้าที่เพียงพอและเสถียร",
        import_hint_th="นำเข้าตารางรายย่านหรือรายตำบลที่มี outages_per_year",
    ),
    NoDataEntry(
        id="tap_water_quality",
        title_en="Tap-water quality",
        title_th="คุณภาพน้ำประปา",
        why="No open tap-water quality measurements by area are in the bundled data.",
        wanted_by="Workshops: tap-water quality",
        import_hint="Import sampling points with a quality index or pass/fail field.",
        why_th="ข้อมูลที่รวมมาไม่มีผลการวัดคุณภาพน้ำประปารายพื้นที่ที่เปิดเผย",
        wanted_by_th="เวิร์กช็อป: คุณภาพน้ำประปา",
        import_hint_th="นำเข้าจุดเก็บตัวอย่างที่มีฟิลด์ดัชนีคุณภาพหรือผ่าน/ไม่ผ่าน",
    ),
    NoDataEntry(
        id="bus_routes",
        title_en="Bus and songthaew routes",
        title_th="เส้นทางรถเมล์และรถสองแถว",
        why="No open route geometry for city buses (RTC, CMU purple bus) or songthaews is "
        "in the bundled data; only two bus stations and one rail station are.",
        wanted_by="Workshops: connected mass transit; strategy 1.1 (transport)",
        import_hint="Import route lines (GeoJSON/GeoPackage, EPSG:4326) with a route name.",
        why_th="ข้อมูลที่รวมมาไม่มีแนวเส้นทางแบบเปิดของรถเมล์ในเมือง (RTC, รถม่วง มช.) "
        "หรือรถสองแถว มีเพียงสถานีขนส่งสองแห่งและสถานีรถไฟหนึ่งแห่ง",
        wanted_by_th="เวิร์กช็อป: ระบบขนส่งมวลชนที่เชื่อมต่อกัน; ยุทธศาสตร์ 1.1 (การขนส่ง)",
        import_hint_th="นำเข้าเส้นทาง (GeoJSON/GeoPackage, EPSG:4326) ที่มีชื่อเส้นทาง",
    ),
    NoDataEntry(
        id="population_by_zone",
        title_en="Population by zone",
        title_th="ประชากรรายย่าน",
        why="The report gives only the municipality's registered population (129,536, end "
        "of 2018); no population by tambon or smaller area is in the bundled data.",
        wanted_by="ISC inclusive dimension; per-capita indicators",
        import_hint="Import a tambon table with population (registered and, if known, "
        "non-registered).",
        why_th="รายงานให้เพียงจำนวนประชากรตามทะเบียนราษฎร์ของเทศบาล (129,536 คน ณ สิ้นปี 2018) "
        "ข้อมูลที่รวมมาไม่มีประชากรรายตำบลหรือพื้นที่ที่เล็กกว่านั้น",
        wanted_by_th="มิติความครอบคลุมทุกกลุ่ม (inclusive) ของ ISC; ตัวชี้วัดต่อหัวประชากร",
        import_hint_th="นำเข้าตารางรายตำบลที่มีจำนวนประชากร (ตามทะเบียน และประชากรแฝงหากทราบ)",
    ),
)


def load_catalog(path: Path | None = None) -> Catalog:
    """Read ``data/layers/catalog.json`` (or ``path``)."""
    path = path or settings.catalog_json()
    if not path.exists():
        raise DataMissingError(f"catalog {path} not found; run `cmgis build-layers` first")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Catalog(
        layers=[LayerEntry(**e) for e in data["layers"]],
        no_data=[NoDataEntry(**e) for e in data.get("no_data", [])],
    )


def save_catalog(catalog: Catalog, path: Path | None = None) -> Path:
    """Write the catalog as pretty, sorted JSON (deterministic)."""
    path = path or settings.catalog_json()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(catalog.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path
