"""Suitability on a web map: colour ramp, PNG overlay in Web Mercator, legend, candidate layer.

The surface lives on the EPSG:32647 grid; Leaflet stretches an image overlay linearly in
Web Mercator (EPSG:3857), so `display_lookup` precomputes, once per grid, which grid cell
each display pixel shows (nearest neighbour). Colouring a new surface is then one gather
and one PNG encode. No streamlit here.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import numpy.typing as npt
from branca.element import Figure
from matplotlib import colormaps
from PIL import Image
from pyproj import Transformer

from cmgis import settings
from cmgis.data.catalog import CREDIT_ADMIN, CREDIT_ELEVATION, CREDIT_OSM
from cmgis.map_text import escape_map_text
from cmgis.maps.webmap import Overlay, build_map
from cmgis.suitability.criteria import CriteriaStack
from cmgis.suitability.surface import Surface

#: Colour ramp of the surface (matplotlib name): perceptually uniform, colour-blind safe.
RAMP = "viridis"

#: Credits of the layers the criteria are built from (data/raw/NOTICE.md).
CREDITS = " | ".join((CREDIT_OSM, CREDIT_ADMIN, CREDIT_ELEVATION))


@dataclass(frozen=True)
class DisplayLookup:
    """Which stack cell each pixel of a Web Mercator image shows.

    Attributes
    ----------
    position
        Shape (rows, cols): index into the stack's cells, −1 where the pixel shows none.
    bounds_latlon
        ((south, west), (north, east)) of the image, as folium wants them.
    """

    position: npt.NDArray[np.int64]
    bounds_latlon: tuple[tuple[float, float], tuple[float, float]]


def display_lookup(stack: CriteriaStack, *, max_px: int = 900) -> DisplayLookup:
    """Nearest-neighbour lookup from a Web Mercator image to the stack's cells."""
    grid = stack.grid
    to_merc = Transformer.from_crs(grid.crs, "EPSG:3857", always_xy=True)
    to_grid = Transformer.from_crs("EPSG:3857", grid.crs, always_xy=True)
    to_lonlat = Transformer.from_crs("EPSG:3857", settings.STORE_CRS, always_xy=True)
    minx, miny, maxx, maxy = grid.bounds_m
    xs = np.array([minx, maxx, minx, maxx])
    ys = np.array([miny, miny, maxy, maxy])
    mx, my = to_merc.transform(xs, ys)
    mminx, mmaxx, mminy, mmaxy = mx.min(), mx.max(), my.min(), my.max()
    scale = max(mmaxx - mminx, mmaxy - mminy) / max_px
    width = max(1, min(max_px, int(np.ceil((mmaxx - mminx) / scale))))
    height = max(1, min(max_px, int(np.ceil((mmaxy - mminy) / scale))))
    px = mminx + (np.arange(width) + 0.5) * (mmaxx - mminx) / width
    py = mmaxy - (np.arange(height) + 0.5) * (mmaxy - mminy) / height
    gx, gy = np.meshgrid(px, py)
    ux, uy = to_grid.transform(gx.ravel(), gy.ravel())
    res = grid.resolution_m
    col = np.floor((np.asarray(ux) - grid.transform.c) / res).astype(np.int64)
    row = np.floor((grid.transform.f - np.asarray(uy)) / res).astype(np.int64)
    inside = (col >= 0) & (col < grid.width) & (row >= 0) & (row < grid.height)
    flat = np.where(inside, row * grid.width + col, -1)
    pos = np.searchsorted(stack.cell_index, np.maximum(flat, 0))
    pos = np.minimum(pos, stack.cell_index.size - 1)
    hit = inside & (stack.cell_index[pos] == flat)
    position = np.where(hit, pos, -1).reshape(height, width)
    (w_lon, e_lon), (s_lat, n_lat) = to_lonlat.transform([mminx, mmaxx], [mminy, mmaxy])
    return DisplayLookup(position, ((s_lat, w_lon), (n_lat, e_lon)))


def ramp_colours(n: int = 256) -> npt.NDArray[np.uint8]:
    """The colour ramp as an (n, 4) RGBA uint8 table, low scores first."""
    cmap = colormaps[RAMP]
    table: npt.NDArray[np.uint8] = (cmap(np.linspace(0.0, 1.0, n)) * 255).round().astype(np.uint8)
    return table


def surface_rgba(
    surface: Surface, lookup: DisplayLookup, *, opacity: float = 0.75
) -> npt.NDArray[np.uint8]:
    """RGBA image of the surface (transparent where unscored or outside the extent)."""
    table = ramp_colours()
    table[:, 3] = round(255 * opacity)
    pos = lookup.position
    vals = np.full(pos.shape, np.nan, dtype=np.float32)
    shown = pos >= 0
    vals[shown] = surface.values[pos[shown]]
    ok = np.isfinite(vals)
    idx = np.zeros(pos.shape, dtype=np.int64)
    idx[ok] = np.clip((vals[ok] / 100.0 * 255).round(), 0, 255).astype(np.int64)
    rgba = table[idx]
    rgba[~ok] = 0
    return rgba


def png_data_url(rgba: npt.NDArray[np.uint8]) -> str:
    """A ``data:image/png;base64,...`` URL of an RGBA image (fast, low compression)."""
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def suitability_legend_html(title: str, note: str = "") -> str:
    """A fixed legend box with the colour ramp from 0 to 100 (text is HTML-escaped)."""
    stops = ramp_colours(11)
    gradient = ", ".join(f"rgb({r},{g},{b}) {i * 10}%" for i, (r, g, b, _a) in enumerate(stops))
    note_html = (
        f'<div style="max-width:220px;margin-top:4px">{escape_map_text(note)}</div>' if note else ""
    )
    return (
        '<div class="cmgis-suitability-legend" style="position:absolute;top:10px;right:10px;'
        "z-index:1000;background:rgba(255,255,255,0.9);padding:6px 8px;border-radius:4px;"
        'font:12px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,0.3)">'
        f"<b>{escape_map_text(title)}</b>"
        f'<div style="width:200px;height:12px;margin:4px 0;background:linear-gradient('
        f'to right, {gradient})"></div>'
        '<div style="display:flex;justify-content:space-between;width:200px">'
        "<span>0</span><span>50</span><span>100</span></div>"
        f"{note_html}</div>"
    )


def surface_layer(surface: Surface, lookup: DisplayLookup, *, name: str) -> folium.FeatureGroup:
    """A feature group holding the surface as an image overlay."""
    fg = folium.FeatureGroup(name=escape_map_text(name))
    folium.raster_layers.ImageOverlay(
        image=png_data_url(surface_rgba(surface, lookup)),
        bounds=[list(lookup.bounds_latlon[0]), list(lookup.bounds_latlon[1])],
        interactive=False,
        zindex=1,
    ).add_to(fg)
    return fg


def candidates_group(
    candidates: gpd.GeoDataFrame, *, name: str, label: str = "Candidate zone"
) -> folium.FeatureGroup:
    """Candidate zones (any CRS) as outlined polygons with an escaped tooltip each."""
    fg = folium.FeatureGroup(name=escape_map_text(name))
    if len(candidates) == 0:
        return fg
    cands = candidates.to_crs(settings.STORE_CRS)
    for _, row in cands.iterrows():
        overlaps = escape_map_text(str(row.get("overlap_zones", "")))
        tip = (
            f"<b>{escape_map_text(label)} {int(row['rank'])}</b><br>"
            f"mean score {float(row['mean_score']):.1f} / 100<br>"
            f"area {float(row['area_km2']):.3f} km²" + (f"<br>{overlaps}" if overlaps else "")
        )
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f: {
                "color": "#d7191c",
                "weight": 2,
                "fill": True,
                "fillOpacity": 0.0,
            },
            tooltip=folium.Tooltip(tip),
        ).add_to(fg)
    return fg


def districts_group(
    districts: gpd.GeoDataFrame, *, name: str, lang: str, colour: str = "#333", dashed: bool = True
) -> folium.FeatureGroup:
    """Polygons (the named districts, the tambons) as outlines with their (escaped) names."""
    fg = folium.FeatureGroup(name=escape_map_text(name))
    d = districts.to_crs(settings.STORE_CRS)
    col = "name_th" if lang == "th" and "name_th" in d.columns else "name_en"
    for _, row in d.iterrows():
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f: {
                "color": colour,
                "weight": 1.5 if dashed else 0.8,
                "dashArray": "5 5" if dashed else None,
                "fillOpacity": 0.0,
            },
            tooltip=folium.Tooltip(escape_map_text(row.get(col, row.get("zone_id", "")))),
        ).add_to(fg)
    return fg


def base_map(
    lookup: DisplayLookup,
    *,
    legend: str,
    tiles: str | None = None,
    lang: str = "en",
    overlays: Sequence[Overlay] = (),
) -> folium.Map:
    """A map fitted to the grid, with the credits and the ramp legend (no network needed).

    Made by the one map builder (`cmgis.maps.webmap.build_map`); ``overlays`` (e.g. the
    district outlines) are drawn on it. The surface and the candidates are added later
    (the page swaps them without rebuilding the map). ``tiles`` switches OpenStreetMap on.
    """
    (s, w), (n, e) = lookup.bounds_latlon
    m = build_map(
        [],
        center=((s + n) / 2, (w + e) / 2),
        zoom=12,
        lang=lang,
        credits=CREDITS.split(" | "),
        basemap="osm" if tiles else "relief",
        overlays=overlays,
        fit_bounds=[[s, w], [n, e]],
        basemap_note=False,
    )
    root = m.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(folium.Element(legend))
    return m


def suitability_map(
    lookup: DisplayLookup,
    *,
    tambons: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    lang: str,
    legend_title: str,
    legend_note: str,
    districts_name: str,
) -> folium.Map:
    """The Suitability page's map: the grid's extent, ramp legend, tambon and district outlines."""
    overlays = [
        Overlay(districts_group(tambons, name="tambons", lang=lang, colour="#777", dashed=False)),
        Overlay(districts_group(districts, name=districts_name, lang=lang)),
    ]
    legend = suitability_legend_html(legend_title, legend_note)
    return base_map(lookup, legend=legend, lang=lang, overlays=overlays)
