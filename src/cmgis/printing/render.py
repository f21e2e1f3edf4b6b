"""Printable maps (PDF and PNG) with correctly shaped Thai text, legend, scale bar and credits.

The map body (geometry only, no text) is drawn by matplotlib in EPSG:32647 (UTM 47N, so the
scale bar is true and grid north is true north within 0.1° at Chiang Mai) and saved as
SVG. Everything with text — title, legend, scale bar labels, north arrow, credits, date —
is laid out in HTML/CSS and rendered by WeasyPrint, whose text engine (Pango + HarfBuzz)
shapes Thai: tone marks and above/below vowels are placed by the font's rules. The fonts
are Noto Sans Thai / Noto Sans (Debian ``fonts-noto-core``), falling back to the TLWG
fonts (``fonts-thai-tlwg``). PNG is the PDF rasterised with pypdfium2 (a PyPI wheel), so
no poppler is needed at run time.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import io
import math
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import matplotlib as mpl
import numpy as np

from cmgis import settings
from cmgis._errors import InputError
from cmgis.export.meta import LayerData, LayerMeta, RasterSource, credit_lines, layer_kind
from cmgis.export.raster import read_raster_in
from cmgis.export.write import staged_output
from cmgis.i18n import Lang, normalise_lang, t
from cmgis.maps.legend import LegendItem, print_legend_html, print_swatch, ramp_swatch
from cmgis.maps.styles import PrintStyle, print_style_for
from cmgis.printing.extras import (
    PrintChoropleth,
    choropleth_legend_html,
    district_labels_html,
    draw_choropleth,
    draw_streets,
    streets_legend_items,
)
from cmgis.projection import require_crs
from cmgis.textclean import is_blank, strip_unwanted

Paper = Literal["A4", "A3"]
Orientation = Literal["portrait", "landscape"]
Era = Literal["ce", "be"]

#: Paper sizes in millimetres (width, height) in portrait.
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MAP_CRS = settings.METRIC_CRS
_RENDER_LOCK = threading.Lock()
FONT_STACK = "'Noto Sans Thai', 'Noto Sans', 'Garuda', 'Loma', sans-serif"
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


@dataclass(frozen=True)
class PrintOptions:
    """What to print and how.

    Attributes
    ----------
    title
        The map title (any text; it is escaped, never interpreted as HTML).
    lang
        ``"th"`` or ``"en"``: labels, layer titles and the date.
    paper, orientation
        A4 or A3, portrait or landscape.
    era
        ``"ce"`` (Gregorian year) or ``"be"`` (Buddhist Era, CE + 543).
    date
        The date printed (default: today).
    """

    title: str
    lang: Lang = "en"
    paper: Paper = "A4"
    orientation: Orientation = "landscape"
    era: Era = "ce"
    date: dt.date | None = None


def check_options(
    *,
    title: str,
    lang: str = "en",
    paper: str = "A4",
    orientation: str = "landscape",
    era: str = "ce",
) -> PrintOptions:
    """Validate typed options and return `PrintOptions`; raises `InputError` if wrong."""
    title = strip_unwanted(title or "", multiline=False)  # the rule of every typed text
    if is_blank(title):
        raise InputError("the map needs a title; give --title TEXT")
    if len(title) > 200:
        raise InputError(f"the title is {len(title)} characters long; at most 200 fit on a page")
    paper_up = (paper or "").upper()
    if paper_up not in PAPER_MM:
        raise InputError(f"unknown paper size {paper!r}; expected A4 or A3")
    orient = (orientation or "").lower()
    if orient not in ("portrait", "landscape"):
        raise InputError(f"unknown orientation {orientation!r}; expected portrait or landscape")
    era_low = (era or "").lower()
    if era_low not in ("ce", "be"):
        raise InputError(f"unknown era {era!r}; expected ce (Gregorian) or be (Buddhist Era)")
    if (lang or "").lower() not in ("th", "en"):
        raise InputError(f"unknown language {lang!r}; expected th or en")
    return PrintOptions(
        title=title,
        lang=normalise_lang(lang),
        paper="A4" if paper_up == "A4" else "A3",
        orientation="portrait" if orient == "portrait" else "landscape",
        era="be" if era_low == "be" else "ce",
    )


def format_date(date: dt.date, *, lang: str, era: str) -> str:
    """The date as printed: ``24 November 2026``, ``24 พฤศจิกายน พ.ศ. 2569``…

    Buddhist Era years are CE + 543 (the Thai calendar since 1941 starts the year on
    1 January).
    """
    be = era == "be"
    year = date.year + 543 if be else date.year
    if normalise_lang(lang) == "th":
        return f"{date.day} {THAI_MONTHS[date.month - 1]} {'พ.ศ.' if be else 'ค.ศ.'} {year}"
    return f"{date.day} {date:%B} {'BE ' if be else ''}{year}"


# --------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------


#: Print styles come from the one style record of each layer, `cmgis.maps.styles`
#: (`print_style_for`): a layer looks the same on screen and on paper.
style_for = print_style_for


# --------------------------------------------------------------------------------------
# Page geometry
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLayout:
    """Sizes in millimetres of the page and its map frame."""

    page_w: float
    page_h: float
    map_w: float
    map_h: float
    side_panel: bool  # legend beside the map (landscape) or below it (portrait)


MARGIN_MM = 10.0
HEADER_MM = 20.0
SIDE_MM = 62.0
BOTTOM_MM = 58.0
SLACK_MM = 6.0  # borders and rounding: the page must never spill onto a second sheet


def page_layout(paper: str, orientation: str) -> PageLayout:
    """Where things go on the page, in mm."""
    w, h = PAPER_MM[paper]
    if orientation == "landscape":
        w, h = h, w
        map_w = w - 2 * MARGIN_MM - SIDE_MM - 5
        map_h = h - 2 * MARGIN_MM - HEADER_MM - SLACK_MM
        return PageLayout(w, h, map_w, map_h, True)
    map_w = w - 2 * MARGIN_MM
    map_h = h - 2 * MARGIN_MM - HEADER_MM - BOTTOM_MM - SLACK_MM
    return PageLayout(w, h, map_w, map_h, False)


def map_extent(
    bounds: tuple[float, float, float, float], map_w_mm: float, map_h_mm: float, pad: float = 0.04
) -> tuple[float, float, float, float]:
    """Expand ``bounds`` (metres) by ``pad`` and to the frame's aspect ratio."""
    minx, miny, maxx, maxy = bounds
    width = max(maxx - minx, 100.0) * (1 + 2 * pad)
    height = max(maxy - miny, 100.0) * (1 + 2 * pad)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = map_w_mm / map_h_mm
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def nice_scale_length_m(map_width_m: float) -> float:
    """A round length (1, 2 or 5 × 10^k metres) about a quarter of the map width."""
    target = map_width_m / 4
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return float(step * power)
    return float(power)


# --------------------------------------------------------------------------------------
# The map body (matplotlib, no text)
# --------------------------------------------------------------------------------------


def _draw_order(item: tuple[str, LayerData]) -> int:
    """Rasters first, then polygons, lines and points (points on top)."""
    data = item[1]
    if isinstance(data, RasterSource):
        return 0
    kinds = set(data.geometry.geom_type.dropna())
    if kinds <= {"Polygon", "MultiPolygon"}:
        return 1
    if kinds <= {"LineString", "MultiLineString"}:
        return 2
    return 3


def _draw_raster(ax: Any, data: RasterSource, style: PrintStyle) -> tuple[float, float] | None:
    """Draw a raster on ``ax``; returns its value range (None if it is all nodata)."""
    array, transform, profile = read_raster_in(data, MAP_CRS)
    values = np.ma.masked_equal(array, profile["nodata"]).astype(float)
    height, width = array.shape
    left, top = transform.c, transform.f
    right, bottom = left + transform.a * width, top + transform.e * height
    ax.imshow(
        values,
        extent=(left, right, bottom, top),
        cmap=_colormap(style),
        interpolation="bilinear",
        alpha=0.55,
        zorder=0,
    )
    return (float(values.min()), float(values.max())) if np.ma.count(values) else None


def _draw_vector(ax: Any, data: gpd.GeoDataFrame, style: PrintStyle) -> None:
    """Draw points, lines or polygons on ``ax`` in ``style``."""
    gdf = data.to_crs(MAP_CRS)
    heavy = len(gdf) > 3000  # rasterise big layers inside the SVG to keep the PDF light
    kinds = set(gdf.geometry.geom_type.dropna())
    if kinds <= {"Point", "MultiPoint"}:
        gdf.plot(
            ax=ax,
            color=style.fill or style.stroke,
            edgecolor=style.stroke,
            linewidth=min(style.width_pt, 1.0),
            markersize=style.marker_size_pt**2,
            zorder=3,
            rasterized=heavy,
        )
        return
    linestyle = "--" if style.dashed else "-"
    if kinds <= {"LineString", "MultiLineString"}:
        gdf.plot(
            ax=ax,
            color=style.stroke,
            linewidth=style.width_pt,
            linestyle=linestyle,
            zorder=2,
            rasterized=heavy,
        )
        return
    gdf.plot(
        ax=ax,
        facecolor=mpl.colors.to_rgba(style.fill, style.fill_opacity) if style.fill else "none",
        edgecolor=style.stroke,
        linewidth=style.width_pt,
        linestyle=linestyle,
        zorder=1,
        rasterized=heavy,
    )


@dataclass
class _Drawn:
    """What the map body drew besides the layers (for the legend)."""

    streets: bool = False
    classes_html: str = ""


def _draw_map_svg(
    layers: Mapping[str, LayerData],
    styles: Mapping[str, PrintStyle],
    extent: tuple[float, float, float, float],
    layout: PageLayout,
    extras: tuple[PrintChoropleth | None, bool, Lang] = (None, False, "en"),
) -> tuple[bytes, dict[str, tuple[float, float]], _Drawn]:
    """Draw the layers (in MAP_CRS) to SVG; returns the SVG, raster value ranges and extras.

    ``extras`` is (an indicator to draw as classes or None, whether to draw the street
    basemap, the language of the classes' legend).
    """
    mpl.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(layout.map_w / 25.4, layout.map_h / 25.4), dpi=200)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ranges: dict[str, tuple[float, float]] = {}
    choropleth, streets, lang = extras
    drawn = _Drawn(streets=draw_streets(ax) if streets else False)
    if choropleth is not None:
        classification = draw_choropleth(ax, choropleth)
        drawn.classes_html = choropleth_legend_html(choropleth, classification, lang=lang)
    for layer_id, data in sorted(layers.items(), key=_draw_order):
        if isinstance(data, RasterSource):
            value_range = _draw_raster(ax, data, styles[layer_id])
            if value_range is not None:
                ranges[layer_id] = value_range
        else:
            _draw_vector(ax, data, styles[layer_id])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", dpi=200, transparent=True)
    return buffer.getvalue(), ranges, drawn


# --------------------------------------------------------------------------------------
# The page (HTML/CSS → WeasyPrint)
# --------------------------------------------------------------------------------------


def _colormap(style: PrintStyle) -> mpl.colors.Colormap:
    low, high = style.colormap_range
    base = mpl.colormaps[style.colormap]
    return mpl.colors.ListedColormap(base(np.linspace(low, high, 256)))


def _swatch(style: PrintStyle, data: LayerData) -> str:
    """The legend swatch of a printed layer (`cmgis.maps.legend`), by what it holds."""
    if isinstance(data, RasterSource):
        cmap = _colormap(style)
        return ramp_swatch([mpl.colors.to_hex(cmap(v)) for v in np.linspace(0, 1, 6)])
    kinds = set(data.geometry.geom_type.dropna())
    if kinds <= {"Point", "MultiPoint"}:
        return print_swatch(style, "point")
    if kinds <= {"LineString", "MultiLineString"}:
        return print_swatch(style, "line")
    return print_swatch(style, "area")


def _legend_items(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    styles: Mapping[str, PrintStyle],
    ranges: Mapping[str, tuple[float, float]],
    lang: Lang,
) -> list[LegendItem]:
    """One legend row per layer (`cmgis.maps.legend`): swatch, title, value range."""
    items = []
    for layer_id, data in layers.items():
        meta = metas.get(layer_id) or LayerMeta(layer_id, layer_id)
        detail = ""
        if layer_id in ranges:
            low, high = ranges[layer_id]
            detail = f"{low:.0f}–{high:.0f} {t('export.print.m', lang)}"
        items.append(LegendItem(_swatch(styles[layer_id], data), _layer_title(meta, lang), detail))
    return items


def _layer_title(meta: LayerMeta, lang: Lang) -> str:
    return meta.title_th if lang == "th" and meta.title_th else meta.title


def _scale_bar_html(length_m: float, m_per_mm: float, lang: Lang) -> str:
    bar_mm = length_m / m_per_mm
    use_km = length_m >= 1000
    unit = t("export.print.km" if use_km else "export.print.m", lang)

    def label(v: float) -> str:
        value = v / 1000 if use_km else v
        return f"{value:g}"

    segments = "".join(
        f'<span class="seg {"dark" if i % 2 == 0 else ""}"></span>' for i in range(4)
    )
    return (
        f'<div class="scalebar" style="width:{bar_mm:.2f}mm">{segments}</div>'
        f'<div class="scalelabels" style="width:{bar_mm:.2f}mm">'
        f"<span>0</span><span>{label(length_m / 2)}</span>"
        f"<span>{label(length_m)} {html.escape(unit)}</span></div>"
    )


_NORTH_ARROW = (
    '<svg class="north" width="14mm" height="18mm" viewBox="0 0 40 52">'
    '<polygon points="20,2 32,40 20,32" fill="#222"/>'
    '<polygon points="20,2 8,40 20,32" fill="#fff" stroke="#222" stroke-width="1.2"/>'
    '<text x="20" y="51" text-anchor="middle" font-size="12" font-weight="bold" '
    "font-family=\"'Noto Sans', sans-serif\">N</text></svg>"
)


def page_html(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    options: PrintOptions,
    style_overrides: Mapping[str, PrintStyle] | None = None,
    *,
    choropleth: PrintChoropleth | None = None,
    streets: bool = True,
) -> str:
    """The page as HTML: map image, title, legend, scale bar, north arrow, credits, date.

    Layers are styled by `style_for` unless ``style_overrides`` has their id. The street
    basemap (``streets``) is drawn under them and ``choropleth`` (an indicator) as classes;
    the districts' names are placed over the map in the page language.
    Long because most of it is the page's HTML/CSS template, kept in one piece to be
    read as a page.
    """
    layout = page_layout(options.paper, options.orientation)
    bounds = _bounds_m({**layers, **({"": choropleth.areas} if choropleth else {})})
    extent = map_extent(bounds, layout.map_w, layout.map_h)
    styles = {i: style_for(i, n) for n, i in enumerate(layers)}
    styles.update({i: v for i, v in (style_overrides or {}).items() if i in layers})
    lang = options.lang
    svg, ranges, drawn = _draw_map_svg(layers, styles, extent, layout, (choropleth, streets, lang))
    m_per_mm = (extent[2] - extent[0]) / layout.map_w
    scale_denominator = m_per_mm * 1000
    legend_rows = _legend_items(layers, metas, styles, ranges, lang)
    if drawn.streets:
        legend_rows += streets_legend_items(lang)
    labels = district_labels_html(extent, layout.map_w, layout.map_h, lang=lang)
    credits = credit_lines(metas.values())  # the layers' and the indicator areas'
    date = format_date(options.date or dt.date.today(), lang=lang, era=options.era)
    svg_b64 = base64.b64encode(svg).decode("ascii")
    subtitle = t("export.print.subtitle", lang)
    scale_text = (
        f"{t('export.print.scale', lang)} 1:{_round_scale(scale_denominator):,} ({options.paper})"
    )
    width, height = layout.page_w, layout.page_h
    panel_class = "side" if layout.side_panel else "bottom"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(options.title)}</title>
<style>
@page {{ size: {width}mm {height}mm; margin: {MARGIN_MM}mm; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {FONT_STACK}; color: #1a1a1a; font-size: 9pt; }}
header {{ height: {HEADER_MM}mm; }}
h1 {{ font-size: 18pt; margin: 0 0 1mm 0; line-height: 1.25;
      white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.sub {{ font-size: 9pt; color: #444; }}
.body {{ display: flex; flex-direction: {"row" if layout.side_panel else "column"}; }}
.map {{ width: {layout.map_w}mm; height: {layout.map_h}mm; border: 0.3mm solid #333;
        position: relative; }}
.map img {{ width: 100%; height: 100%; display: block; }}
.maplabel {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
             font-size: 8.5pt; font-weight: bold; color: #3f007d;
             text-shadow: 0 0 1.5px #fff, 0 0 1.5px #fff, 0 0 2px #fff; }}
h3.classes {{ font-size: 8.5pt; margin: 0 0 1mm 0; }}
table.legendcols {{ border-collapse: collapse; width: 100%; }}
table.legendcols td {{ vertical-align: top; padding: 0 3mm 0 0; width: 50%; }}
table.legendcols ul.legend {{ columns: 1; }}
table.legendcols ul.legend li {{ margin-bottom: 0.6mm; }}
.panel.side {{ width: {SIDE_MM}mm; margin-left: 5mm; }}
.panel.bottom {{ height: {BOTTOM_MM - 4}mm; margin-top: 4mm; display: flex; gap: 6mm; }}
.panel.bottom > div {{ flex: 1; overflow: hidden; }}
.panel.bottom > div.legendbox {{ flex: {2.8 if drawn.classes_html else 1.5}; }}
.panel.bottom ul.legend {{ columns: {2 if len(legend_rows) > 6 else 1}; column-gap: 4mm; }}
.panel.side > div.legendbox {{ max-height: {layout.map_h * 0.66:.0f}mm; overflow: hidden; }}
h2 {{ font-size: 10pt; margin: 0 0 1.5mm 0; }}
ul.legend {{ list-style: none; margin: 0 0 4mm 0; padding: 0; }}
ul.legend li {{ display: flex; align-items: center; gap: 2mm; margin-bottom: 1.2mm;
               break-inside: avoid; }}
ul.legend li > span:last-child {{ flex: 1; min-width: 0; }}
.cmgis-swatch {{ flex: none; }}
ul.legend li > span:first-child {{ flex: none; display: flex; }}
.cmgis-legend-detail {{ color: #555; }}
.scalebar {{ display: flex; height: 2mm; border: 0.25mm solid #222; margin-top: 2mm; }}
.scalebar .seg {{ flex: 1; background: #fff; }}
.scalebar .seg.dark {{ background: #222; }}
.scalelabels {{ display: flex; justify-content: space-between; font-size: 7.5pt;
               margin-top: 0.5mm; white-space: nowrap; }}
.scaletext {{ font-size: 8pt; color: #333; margin-top: 1mm; }}
.north {{ display: block; margin: 3mm 0 2mm 0; }}
.credits {{ font-size: 7pt; color: #333; line-height: 1.35; }}
.credits p {{ margin: 0 0 0.8mm 0; }}
.small {{ font-size: 7pt; color: #555; }}
</style></head>
<body>
<header><h1>{html.escape(options.title)}</h1>
<div class="sub">{html.escape(date)} · {html.escape(subtitle)}</div></header>
<div class="body">
<div class="map"><img src="data:image/svg+xml;base64,{svg_b64}" alt="">{labels}</div>
<div class="panel {panel_class}">
<div class="legendbox"><h2>{html.escape(t("export.print.legend", lang))}</h2>
{_legend_block(drawn.classes_html, print_legend_html(legend_rows), layout.side_panel)}</div>
<div>{_NORTH_ARROW}
{_scale_bar_html(nice_scale_length_m(extent[2] - extent[0]), m_per_mm, lang)}
<div class="scaletext">{html.escape(scale_text)}</div>
<div class="small">{html.escape(t("export.print.crs", lang))}</div></div>
<div class="credits"><h2>{html.escape(t("export.print.credits", lang))}</h2>
{"".join(f"<p>{html.escape(c)}</p>" for c in credits)}
<p class="small">{html.escape(t("export.print.made_with", lang))} · {html.escape(date)}</p></div>
</div></div>
</body></html>"""


def _legend_block(classes_html: str, rows_html: str, side_panel: bool) -> str:
    """The indicator's classes and the layer rows: stacked beside the map, or in two
    columns under it (a portrait page has room for width, not height)."""
    if not classes_html:
        return rows_html
    if side_panel:
        return classes_html + rows_html
    return f'<table class="legendcols"><tr><td>{classes_html}</td><td>{rows_html}</td></tr></table>'


def _round_scale(denominator: float) -> int:
    """Round a scale denominator to 2 significant figures (1:23,456 → 1:23,000)."""
    digits = max(0, math.floor(math.log10(max(denominator, 1))) - 1)
    return int(round(denominator / 10**digits) * 10**digits)


def _bounds_m(layers: Mapping[str, LayerData]) -> tuple[float, float, float, float]:
    """Bounds in metres of the vector layers, or of the rasters if there are only rasters."""
    boxes = []
    has_vectors = any(isinstance(d, gpd.GeoDataFrame) and len(d) for d in layers.values())
    for data in layers.values():
        if isinstance(data, RasterSource) and has_vectors:
            continue
        if isinstance(data, RasterSource):
            array, transform, _ = read_raster_in(data, MAP_CRS)
            h, w = array.shape
            xs = (transform.c, transform.c + transform.a * w)
            ys = (transform.f, transform.f + transform.e * h)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        elif len(data):
            box = tuple(float(v) for v in data.to_crs(MAP_CRS).total_bounds)
            if all(math.isfinite(v) for v in box):
                boxes.append((box[0], box[1], box[2], box[3]))
    if not boxes:
        raise InputError("the chosen layers have no features to print; choose other layers")
    arr = np.array(boxes)
    return (
        float(arr[:, 0].min()),
        float(arr[:, 1].min()),
        float(arr[:, 2].max()),
        float(arr[:, 3].max()),
    )


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def print_map(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta] | None,
    options: PrintOptions,
    output: Path | str,
    *,
    png_dpi: int = 150,
    style_overrides: Mapping[str, PrintStyle] | None = None,
    choropleth: PrintChoropleth | None = None,
    streets: bool = True,
) -> Path:
    """Print ``layers`` (any CRS) to ``output`` (``.pdf`` or ``.png``); returns the path.

    ``choropleth`` draws an indicator as classes (with its classes in the legend) under
    the layers; ``streets`` the offline street basemap. See `page_html`.

    Raises
    ------
    InputError
        Empty selection, layers with nothing to draw, or another suffix than .pdf/.png.
    """
    if not layers and choropleth is None:
        raise InputError("no layers chosen; choose at least one layer to print")
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise InputError(f"output {output.name!r} should end in .pdf or .png")
    for layer_id, data in layers.items():
        layer_kind(data)
        if isinstance(data, gpd.GeoDataFrame):
            require_crs(data, name=layer_id)
    metas = dict(metas or {})
    page = page_html(
        layers, metas, options, style_overrides, choropleth=choropleth, streets=streets
    )
    pdf = html_to_pdf(page)
    with staged_output(output) as staged:
        staged.write_bytes(pdf if suffix == ".pdf" else pdf_to_png(pdf, dpi=png_dpi))
    return output


def html_to_pdf(page: str) -> bytes:
    """Render HTML to PDF with WeasyPrint, with Thai text extractable (see below)."""
    import weasyprint

    # one render at a time: the text-map fix below patches a WeasyPrint class while it runs
    with _RENDER_LOCK, _thai_text_mapping():
        pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    return pdf


@contextlib.contextmanager
def _thai_text_mapping() -> Iterator[None]:
    """Make copy/paste and search of Thai in the PDF give the right characters.

    HarfBuzz draws SARA AM (ำ) as two glyphs, NIKHAHIT + SARA AA, in one cluster; WeasyPrint
    maps each glyph to the text of its cluster the first time it meets it, so SARA AA's glyph
    becomes "ำ" and every later "า" is extracted as "ำ" (the drawing is right, the text
    layer is not). Before the fonts are written, this maps every Thai glyph that the font's
    own cmap gives for one Thai character back to that character; "ำ" is then extracted
    as "ํา", its Unicode compatibility decomposition (NFKC-equal). Nothing is changed if
    WeasyPrint's internals differ from the version this was written for.
    """
    try:
        from weasyprint.pdf import fonts as wp_fonts
    except ImportError:  # pragma: no cover - another WeasyPrint layout
        yield
        return
    font_class = getattr(wp_fonts, "Font", None)
    original = getattr(font_class, "clean", None)
    if font_class is None or original is None:  # pragma: no cover
        yield
        return

    def clean(self: Any, to_unicode: dict[int, str], hinting: Any) -> Any:
        # never break printing over the text layer
        with contextlib.suppress(Exception):
            _fix_thai_glyph_text(self)
        return original(self, to_unicode, hinting)

    font_class.clean = clean
    try:
        yield
    finally:
        font_class.clean = original


def _fix_thai_glyph_text(font: Any) -> None:
    from fontTools.ttLib import TTFont

    mapping: dict[int, str] = font.to_unicode
    if not any(any("\u0e00" <= ch <= "\u0e7f" for ch in text) for text in mapping.values()):
        return
    tt = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
    char_of: dict[str, str] = {}
    for codepoint, glyph_name in tt.getBestCmap().items():
        if 0x0E00 <= codepoint <= 0x0E7F:
            char_of.setdefault(glyph_name, chr(codepoint))
    # Positional variants of tone marks and vowels (e.g. a tone mark moved left over a tall
    # consonant) are not in the cmap: follow the font's single substitutions to them.
    singles: list[dict[str, str]] = []
    if "GSUB" in tt:
        for lookup in tt["GSUB"].table.LookupList.Lookup:
            for sub in lookup.SubTable:
                table = getattr(sub, "ExtSubTable", sub)
                if getattr(table, "LookupType", None) == 1:
                    singles.append(dict(table.mapping))
    changed = True
    while changed:
        changed = False
        for single in singles:
            for source, target in single.items():
                if source in char_of and target not in char_of:
                    char_of[target] = char_of[source]
                    changed = True
    for glyph_name, char in char_of.items():
        glyph_id = tt.getGlyphID(glyph_name)
        if glyph_id in mapping:
            mapping[glyph_id] = char


def pdf_to_png(pdf: bytes, *, dpi: int = 150) -> bytes:
    """Rasterise the first page of ``pdf`` to PNG bytes at ``dpi`` (pypdfium2)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
        return buffer.getvalue()
    finally:
        document.close()
