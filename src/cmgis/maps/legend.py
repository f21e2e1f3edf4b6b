"""The one legend of cmgis maps: rows of a swatch and a label, for web and print.

A legend is a list of `LegendSection` (a title and `LegendItem` rows). A row's swatch is
trusted SVG made here (`swatch_svg`, `style_swatch`, `print_swatch`, `ramp_swatch`) and its
label is plain text, escaped here with `cmgis.map_text.escape_map_text`. The same rows
are rendered three ways: `legend_html` (the foldable box inside a web map, added by
`LegendControl`), `panel_legend_html` (a legend beside a map on a page) and
`print_legend_html` (the legend of a printed map).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from branca.element import MacroElement
from jinja2 import Template

from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.styles import LAYER_STYLES, LayerStyle, PrintStyle

SwatchShape = Literal["point", "line", "area"]


@dataclass(frozen=True)
class LegendItem:
    """One row of the legend: a swatch (trusted SVG made here), a label, a detail.

    ``label`` and ``detail`` (e.g. the value range of a raster) are plain text.
    """

    swatch_html: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows."""

    title: str
    items: tuple[LegendItem, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------
# Swatches
# ---------------------------------------------------------------------------------------


def swatch_svg(
    shape: SwatchShape,
    *,
    stroke: str,
    fill: str | None = None,
    fill_opacity: float = 1.0,
    stroke_width: float = 1.5,
    dash_array: str | None = None,
    radius: float = 5.0,
) -> str:
    """A small inline-SVG swatch: a dot, a line or a box (every value escaped)."""
    e = escape_map_text
    c, f = e(stroke), e(fill or "none")
    dash = f' stroke-dasharray="{e(dash_array)}"' if dash_array else ""
    if shape == "point":
        body = (
            f'<circle cx="9" cy="7" r="{radius:g}" fill="{f}" stroke="{c}" '
            f'fill-opacity="{fill_opacity:g}" stroke-width="{stroke_width:g}"/>'
        )
    elif shape == "line":
        body = (
            f'<line x1="1" y1="7" x2="17" y2="7" stroke="{c}" '
            f'stroke-width="{stroke_width:g}"{dash}/>'
        )
    else:
        body = (
            f'<rect x="1.5" y="1.5" width="15" height="11" fill="{f}" stroke="{c}" '
            f'fill-opacity="{fill_opacity:g}" stroke-width="{stroke_width:g}"{dash}/>'
        )
    return f'<svg class="cmgis-swatch" width="18" height="14" viewBox="0 0 18 14">{body}</svg>'


def ramp_swatch(colours: Sequence[str]) -> str:
    """A colour ramp swatch (left to right) for a raster layer."""
    stops = ", ".join(escape_map_text(c) for c in colours)
    return (
        '<span class="cmgis-swatch cmgis-ramp" style="display:inline-block;width:18px;'
        f'height:10px;background:linear-gradient(to right, {stops})"></span>'
    )


#: The web relief's swatch: its two end colours (see `cmgis.maps.relief`).
_RELIEF_COLOURS = ("#a9c8a0", "#b79b7a")


def style_swatch(style: LayerStyle) -> str:
    """The swatch of a layer style on the web map."""
    if style.kind in ("point", "cluster"):
        return swatch_svg(
            "point", stroke=style.color, fill=style.fill_color or style.color, fill_opacity=0.85
        )
    if style.kind == "line":
        return swatch_svg(
            "line",
            stroke=style.color,
            stroke_width=max(style.weight, 2),
            dash_array=style.dash_array,
        )
    if style.kind == "relief":
        return ramp_swatch(_RELIEF_COLOURS)
    return swatch_svg(
        "area",
        stroke=style.color,
        fill=style.fill_color or style.color,
        fill_opacity=max(style.fill_opacity, 0.15),
        dash_array=style.dash_array,
    )


def print_swatch(style: PrintStyle, shape: SwatchShape) -> str:
    """The swatch of a printed layer drawn as ``shape``."""
    if shape == "point":
        return swatch_svg(
            "point",
            stroke=style.stroke,
            fill=style.fill,
            stroke_width=0.8,
            radius=max(2.0, min(style.marker_size_pt, 6.0)),
        )
    if shape == "line":
        return swatch_svg(
            "line",
            stroke=style.stroke,
            stroke_width=max(style.width_pt, 0.8),
            dash_array="3 2" if style.dashed else None,
        )
    return swatch_svg(
        "area",
        stroke=style.stroke,
        fill=style.fill,
        fill_opacity=style.fill_opacity if style.fill else 0.0,
        stroke_width=max(style.width_pt, 0.8),
        dash_array="3 2" if style.dashed else None,
    )


def html_swatch(
    shape: SwatchShape, *, stroke: str, fill: str | None = None, dashed: bool = False
) -> str:
    """A swatch drawn with a styled ``<span>``, for pages that strip SVG.

    Streamlit's ``st.html`` sanitises with DOMPurify's HTML profile, which removes
    ``<svg>``: a legend beside a map (`panel_legend_html`) uses these swatches.
    """
    e = escape_map_text
    if shape == "line":
        border = "dashed" if dashed else "solid"
        return (
            f'<span style="display:inline-block;width:22px;height:0;'
            f'border-top:3px {border} {e(stroke)}"></span>'
        )
    radius = "50%" if shape == "point" else "2px"
    return (
        f'<span style="display:inline-block;width:14px;height:14px;background:{e(fill or stroke)};'
        f'border:1px solid {e(stroke)};border-radius:{radius}"></span>'
    )


def box_swatch(colour: str) -> str:
    """A plain filled box (classes of an indicator, no data)."""
    return swatch_svg("area", stroke="#636363", fill=colour, stroke_width=0.6)


# ---------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------


def layer_legend_section(visible: Sequence[tuple[str, str]], *, lang: str) -> LegendSection:
    """Legend rows for the visible layers, as ``(style key, title)`` pairs in draw order."""
    items = tuple(
        LegendItem(style_swatch(LAYER_STYLES[key]), title)
        for key, title in visible
        if key in LAYER_STYLES
    )
    return LegendSection(t("map.legend.layers", lang), items)


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def _row(item: LegendItem, *, tag: str = "div", css_class: str = "") -> str:
    attr = f' class="{css_class}"' if css_class else ""
    detail = (
        f' <span class="cmgis-legend-detail">{escape_map_text(item.detail)}</span>'
        if item.detail
        else ""
    )
    return (
        f"<{tag}{attr}><span>{item.swatch_html}</span>"
        f"<span>{escape_map_text(item.label)}{detail}</span></{tag}>"
    )


def legend_html(
    sections: Sequence[LegendSection], *, note: str = "", summary: str = "Legend"
) -> str:
    """The web map's legend (a foldable box); every title and label is escaped here."""
    parts = [
        '<details class="cmgis-legend" open>'
        f'<summary class="cmgis-legend-summary">{escape_map_text(summary)}</summary>'
    ]
    if note:
        parts.append(f'<div class="cmgis-legend-note">{escape_map_text(note)}</div>')
    for section in sections:
        parts.append(f'<div class="cmgis-legend-title">{escape_map_text(section.title)}</div>')
        parts.extend(_row(item, css_class="cmgis-legend-row") for item in section.items)
    parts.append("</details>")
    return "".join(parts)


def panel_legend_html(section: LegendSection, *, css_class: str) -> str:
    """A legend shown beside a map on a page (rows only; the page sets the title).

    Its rows should carry `html_swatch` swatches (the page may strip SVG).
    """
    style = (
        f"<style>.{css_class} > div{{display:flex;align-items:center;gap:6px;margin:2px 0}}"
        f".{css_class} svg{{flex:none}}</style>"
    )
    rows = "".join(_row(item) for item in section.items)
    return f'{style}<div class="{css_class}">{rows}</div>'


def print_legend_html(items: Sequence[LegendItem]) -> str:
    """The legend of a printed map: a ``<ul class="legend">`` of rows."""
    return '<ul class="legend">' + "".join(_row(item, tag="li") for item in items) + "</ul>"


LEGEND_CSS = (
    ".cmgis-legend{background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 'Noto Sans Thai','Noto Sans',"
    "'Helvetica Neue',Arial,sans-serif;max-height:min(340px,60vh);overflow-y:auto;max-width:240px}"
    ".cmgis-legend-title{font-weight:600;margin:4px 0 2px}"
    ".cmgis-legend-summary{font-weight:600;cursor:pointer}"
    ".cmgis-legend-note{color:#444;margin-bottom:2px}"
    ".cmgis-legend-row{display:flex;align-items:center;gap:6px;line-height:1.25;margin:1px 0}"
    ".cmgis-legend-row > span:first-child{flex:none;display:flex}"
    ".leaflet-control-attribution{font-size:10px;line-height:1.3;max-width:70%}"
    ".leaflet-tooltip{font-family:'Noto Sans Thai','Noto Sans',Arial,sans-serif}"
)


#: A map smaller than this (CSS pixels, width or height) starts with its legend folded.
SMALL_MAP_PX: tuple[int, int] = (700, 450)
#: A legend that would cover more than this share of the map starts folded.
MAX_LEGEND_SHARE = 0.12


class LegendControl(MacroElement):
    """A Leaflet control holding the legend HTML (works in fullscreen too).

    The legend is a ``<details>`` box: a click on its title folds or opens it. It starts
    folded on a map smaller than `SMALL_MAP_PX`, when open it would cover more than
    `MAX_LEGEND_SHARE` of the map, and when it would cover ``keep_clear``
    (``[[south, west], [north, east]]``, e.g. the selected district).

    Added to a map, the control is simply on it. Added to a layer group (the changing
    layers of an in-place map, see `cmgis.maps.webmap.build_map_parts`), it rides on a
    holder layer: the control appears when the group is put on a map and goes when the
    group is taken off, so the legend is replaced with the layers it describes. Whether
    the reader folded the box is kept in the page (``window.__cmgisLegendOpen``) and given
    to the next legend.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "cmgis-legend-control");
                div.innerHTML = {{ this.content|tojson }};
                var box = div.querySelector("details");
                if (box && typeof window.__cmgisLegendOpen === "boolean") {
                    box.open = window.__cmgisLegendOpen;
                }
                if (box) {
                    box.addEventListener("toggle", function () {
                        window.__cmgisLegendOpen = box.open;
                    });
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            function setup(map) {
                legend.addTo(map);
                var small = {{ this.small|tojson }}, clear = {{ this.keep_clear|tojson }};
                function fold() {
                    var box = legend.getContainer().querySelector("details");
                    if (!box) { return; }
                    var size = map.getSize();
                    var r = legend.getContainer().getBoundingClientRect();
                    if (size.x < small[0] || size.y < small[1] ||
                        r.width * r.height > {{ this.max_share }} * size.x * size.y) {
                        box.open = false; return;
                    }
                    if (!clear) { return; }
                    var a = map.latLngToContainerPoint(clear[0]);
                    var b = map.latLngToContainerPoint(clear[1]);
                    var m = map.getContainer().getBoundingClientRect();
                    var left = r.left - m.left, top = r.top - m.top;
                    var overlap = Math.min(a.x, b.x) < left + r.width &&
                        Math.max(a.x, b.x) > left &&
                        Math.min(a.y, b.y) < top + r.height && Math.max(a.y, b.y) > top;
                    if (overlap) { box.open = false; }
                }
                // the legend's size is known only once the frame is laid out: check again a
                // little later, unless the user has opened or folded a legend (this one, or
                // one before it on this page: the choice is kept, see onAdd)
                legend.getContainer().addEventListener("click", function () {
                    window.__cmgisLegendUser = true;
                });
                function check() { if (!window.__cmgisLegendUser) { fold(); } }
                map.whenReady(function () {
                    setTimeout(check, 0);
                    setTimeout(function () {
                        check();  // then mark the check done (tests wait for it)
                        legend.getContainer().setAttribute("data-fold-checked", "1");
                    }, 500);
                });
            }
            var parent = {{ this._parent.get_name() }};
            if (parent instanceof L.Map) {
                setup(parent);
            } else {
                var holder = L.featureGroup();
                holder.onAdd = function (map) { setup(map); };
                holder.onRemove = function () { legend.remove(); };
                holder.addTo(parent);
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, *, keep_clear: list[list[float]] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisLegend"
        self.content = content
        self.css = LEGEND_CSS
        self.small = list(SMALL_MAP_PX)
        self.max_share = MAX_LEGEND_SHARE
        self.keep_clear = keep_clear


class LegendStyle(MacroElement):
    """The legend's CSS alone, for a map whose legend comes later (in a layer group)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisLegendStyle"
        self.css = LEGEND_CSS
