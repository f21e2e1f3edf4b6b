"""What a printed map adds to its layers: the street basemap, district labels, indicator classes.

- `draw_streets`: the offline street basemap (`cmgis.maps.basemap.print_streets`) under
  the layers, thin and light, as on the web map.
- `PrintChoropleth` / `indicator_choropleth`: an indicator drawn as classes over the
  zones or the tambons (the classes of `cmgis.maps.classes.classify`, the web map's
  colours), with its legend (`choropleth_legend_html`).
- `district_labels_html`: the five districts' names placed over the map image as HTML
  text, so Thai is shaped by the page's text engine (matplotlib cannot shape Thai).

The map is drawn in `cmgis.printing.render.MAP_CRS` (EPSG:32647, metres).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl

from cmgis import settings
from cmgis.data.layers import load_layer
from cmgis.districts.indicators import definition, load_indicators
from cmgis.i18n import pick, strings, t
from cmgis.maps.basemap import ROAD_STYLES, WATER_COLOR, print_streets, streets_legend_section
from cmgis.maps.classes import Classification, classify
from cmgis.maps.labels import district_labels
from cmgis.maps.legend import LegendItem, print_legend_html
from cmgis.maps.styles import PX_TO_PT
from cmgis.maps.webmap import choropleth_legend_section

MAP_CRS = settings.METRIC_CRS
#: Print widths of the road classes (pt): the web widths, a little thinner on paper.
ROAD_WIDTH_PT: dict[str, float] = {
    cls: round(style.weight * PX_TO_PT * 0.7, 2) for cls, style in ROAD_STYLES.items()
}
#: Units printed without a suffix (plain counts, 0-1 indices).
_NO_SUFFIX = frozenset({"count", "0-1"})


@dataclass(frozen=True)
class PrintChoropleth:
    """An indicator drawn as classes: ``areas`` (any CRS) and one value per area (NaN = none).

    ``indicator_id`` names the indicator (used in the file name).
    """

    areas: gpd.GeoDataFrame
    values: tuple[float, ...]
    title: str
    unit: str = ""
    scheme: str = "quantiles"
    k: int = 5
    indicator_id: str = ""


def unit_in(unit: str, lang: str) -> str:
    """An indicator unit in ``lang`` (``""`` for counts and indices)."""
    if unit in _NO_SUFFIX:
        return ""
    entry = strings().get(f"map.unit.{unit}")
    return unit if entry is None else t(f"map.unit.{unit}", lang)


def indicator_choropleth(
    kind: str, indicator_id: str, *, lang: str, scheme: str = "quantiles", k: int = 5
) -> PrintChoropleth:
    """The built indicator ``indicator_id`` over ``kind`` (``"zones"`` or ``"tambons"``).

    Values come from the stored indicator table (`load_indicators`); an area missing from
    it has no data. Raises `InputError` for an unknown indicator or area kind.
    """
    table = load_indicators(kind)
    d = definition(indicator_id)
    areas = load_layer(kind)
    key = "zone_id" if kind == "zones" else "tambon_code"
    column = table[indicator_id] if indicator_id in table.columns else None
    values = tuple(
        float(column.loc[code]) if column is not None and code in column.index else math.nan
        for code in areas[key].astype(str)
    )
    title = pick(d.title_en, d.title_th, lang)
    if d.lower_bound:
        title = f"{title} ({t('map.zones.lower_bound_short', lang)})"
    return PrintChoropleth(
        areas=areas,
        values=values,
        title=title,
        unit=unit_in(d.unit, lang),
        scheme=scheme,
        k=k,
        indicator_id=indicator_id,
    )


def draw_choropleth(ax: Any, spec: PrintChoropleth) -> Classification:
    """Fill the areas by class on ``ax`` (MAP_CRS); returns the classification."""
    classification = classify(list(spec.values), scheme=spec.scheme, k=spec.k)
    areas = spec.areas.to_crs(MAP_CRS)
    colours = [classification.color_of(i) for i in range(len(areas))]
    areas.plot(
        ax=ax,
        facecolor=[mpl.colors.to_rgba(c, 0.75) for c in colours],
        edgecolor="#4d4d4d",
        linewidth=0.6,
        zorder=0.4,  # under the streets, which stay readable through the classes
    )
    return classification


def choropleth_legend_html(
    spec: PrintChoropleth, classification: Classification, *, lang: str
) -> str:
    """The indicator's title and one row per class (with the unit), then "no data"."""
    no_data = sum(1 for c in classification.classes if c is None)
    section = choropleth_legend_section(
        classification, title=spec.title, unit=spec.unit, lang=lang, no_data_count=no_data
    )
    return f'<h3 class="classes">{html.escape(section.title)}</h3>' + print_legend_html(
        list(section.items)
    )


def draw_streets(ax: Any) -> bool:
    """Draw the street basemap on ``ax`` (MAP_CRS) under the layers; False if no data."""
    streets = print_streets()
    if not streets:
        return False
    if "water_areas" in streets:
        streets["water_areas"].to_crs(MAP_CRS).plot(
            ax=ax, facecolor=mpl.colors.to_rgba(WATER_COLOR, 0.5), edgecolor="none", zorder=0.5
        )
    for cls in ("minor", "medium", "major"):
        if cls in streets:
            streets[cls].to_crs(MAP_CRS).plot(
                ax=ax, color=ROAD_STYLES[cls].color, linewidth=ROAD_WIDTH_PT[cls], zorder=0.55
            )
    if "water_lines" in streets:
        streets["water_lines"].to_crs(MAP_CRS).plot(
            ax=ax, color=WATER_COLOR, linewidth=1.6, zorder=0.6
        )
    return True


def streets_legend_items(lang: str) -> list[LegendItem]:
    """Legend rows of the printed street basemap (as on the web map; every road printed)."""
    items = list(streets_legend_section(lang).items)
    items[1] = LegendItem(items[1].swatch_html, t("basemap.legend.minor_roads_print", lang))
    return items


def district_labels_html(
    extent: tuple[float, float, float, float], map_w_mm: float, map_h_mm: float, *, lang: str
) -> str:
    """The districts' names as HTML placed over the map (mm from its top-left corner).

    Only names whose point lies inside ``extent`` (MAP_CRS metres) are placed.
    """
    labels = district_labels(load_layer("zones"), lang)
    if not labels:
        return ""
    points = gpd.GeoSeries.from_xy(
        [lab.lon for lab in labels], [lab.lat for lab in labels], crs=4326
    ).to_crs(MAP_CRS)
    minx, miny, maxx, maxy = extent
    out = []
    placed: list[tuple[float, float, float]] = []  # (left, top, width) of placed labels
    for lab, point in zip(labels, points, strict=True):
        if not (minx <= point.x <= maxx and miny <= point.y <= maxy):
            continue
        left = (point.x - minx) / (maxx - minx) * map_w_mm
        top = _free_top(
            left, (maxy - point.y) / (maxy - miny) * map_h_mm, _width_mm(lab.text), placed
        )
        out.append(
            f'<div class="maplabel" style="left:{left:.1f}mm;top:{top:.1f}mm">'
            f"{html.escape(lab.text)}</div>"
        )
    return "".join(out)


#: Height of a printed district label (mm, 8.5 pt text with its line gap).
LABEL_H_MM = 4.2


def _width_mm(text: str) -> float:
    """Rough width of a label in mm (8.5 pt bold; Thai marks above/below take no width)."""
    spacing = sum(
        1 for ch in text if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e")
    )
    return spacing * 1.75


def _free_top(
    left: float, top: float, width: float, placed: list[tuple[float, float, float]]
) -> float:
    """``top`` moved up or down by label heights until the label overlaps none placed."""
    for step in (0, 1, -1, 2, -2, 3, -3):
        candidate = top + step * LABEL_H_MM
        if all(
            abs(candidate - other_top) >= LABEL_H_MM or abs(left - other_left) >= (width + w) / 2
            for other_left, other_top, w in placed
        ):
            placed.append((left, candidate, width))
            return candidate
    placed.append((left, top, width))
    return top
