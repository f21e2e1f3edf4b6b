"""A workshop's contributions as one compact Leaflet layer: data, with its labels once.

Every refresh of a hall's maps sends this layer to every phone and to the projector, so
its size is what a busy hall waits for. A feature carries only its own words (title,
group, comment, already escaped) and keys (category, strategy); the category colours and
the words shared by all (category and strategy names, "group", "votes") travel once, and
the small script below styles each feature and builds its popup in the browser. Against
`folium.GeoJson` with a style function and a popup per feature this is about a fifth of
the text for a hall's 300 drawings, made in a fraction of the time.

No streamlit here. Frames come from `cmgis.workshop.contributions_frame` (EPSG:4326).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from cmgis.i18n import t
from cmgis.map_text import escape_map_text

#: Decimal places of the coordinates sent (6: about 0.1 m, finer than a finger).
COORD_DECIMALS: Final = 6
#: Marker radius in pixels, and the newest contributions' (drawn larger).
RADIUS_PX: Final = 8
NEW_RADIUS_PX: Final = 13

#: Characters escaped in JSON put into a script: no ``</script>``, no HTML entities, and
#: no line separators that end a JavaScript string.
_SCRIPT_SAFE: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script>``: UTF-8 text (Thai is 3 bytes a
    character, not the 6 of a ``\\u`` escape), with ``< > & '`` and line separators
    escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE.items():
        text = text.replace(char, escaped)
    return text


def _rounded_geojson(geometries: Any) -> list[dict[str, Any]]:
    """GeoJSON geometries of ``geometries`` (an array) with their coordinates rounded to
    `COORD_DECIMALS`, made for the whole array at once."""
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, COORD_DECIMALS))
    return [json.loads(text) for text in shapely.to_geojson(rounded)]


def contribution_features(
    frame: gpd.GeoDataFrame, highlight_ids: Collection[str] = ()
) -> dict[str, Any]:
    """The contributions with a shape as a GeoJSON FeatureCollection of short properties.

    ``t`` title, ``g`` group name, ``m`` comment (all escaped with `escape_map_text`),
    ``c`` category and ``s`` strategy keys, ``v`` votes, ``n`` 1 for a contribution in
    ``highlight_ids`` (drawn larger). ``frame`` is in EPSG:4326.
    """
    shaped = frame[frame.geometry.notna() & ~frame.geometry.is_empty] if len(frame) else frame
    n = len(shaped)
    if not n:
        return {"type": "FeatureCollection", "features": []}
    geometries = _rounded_geojson(shaped.geometry.to_numpy())
    column = {  # plain lists: a row at a time from a frame is slow (300 on every refresh)
        name: shaped[name].tolist() if name in shaped else [None] * n
        for name in ("id", "title", "group_name", "category", "strategy", "comment", "votes")
    }
    features = []
    for i, geometry in enumerate(geometries):
        props: dict[str, Any] = {
            "t": escape_map_text(column["title"][i]),
            "g": escape_map_text(column["group_name"][i]),
            "c": str(column["category"][i]),
            "s": str(column["strategy"][i]),
            "v": int(column["votes"][i] or 0),
        }
        if column["comment"][i]:
            props["m"] = escape_map_text(column["comment"][i])
        if str(column["id"][i]) in highlight_ids:
            props["n"] = 1
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def popup_words(
    categories: Collection[str], strategies: Collection[str], lang: str
) -> dict[str, Any]:
    """The words the popups share, in ``lang`` and escaped."""
    return {
        "category": {c: escape_map_text(t(f"workshop.category.{c}", lang)) for c in categories},
        "strategy": {s: escape_map_text(t(f"workshop.strategy.{s}", lang)) for s in strategies},
        "group": escape_map_text(t("workshop.group", lang)),
        "votes": escape_map_text(t("workshop.votes", lang)),
    }


class ContributionLayer(MacroElement):
    """The contributions (`contribution_features`) as one ``L.geoJSON`` layer: points as
    circle markers, lines and areas outlined, each in its category's colour, the newest
    larger; a tooltip with the title and a popup with title, category, strategy, group,
    comment and votes. Every text is escaped before it gets here, and all of it travels
    as JSON data (`script_json`), never as code."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var words = {{ this.words_json }}, colors = {{ this.colors_json }};
  function style(f) {
    var p = f.properties, c = colors[p.c] || "#333333";
    if (f.geometry.type === "Point") {
      return {color: c, weight: p.n ? 5 : 2, fillColor: c, fillOpacity: 0.8,
              radius: p.n ? {{ this.new_radius }} : {{ this.radius }}};
    }
    return {color: c, weight: p.n ? 8 : 4, fillColor: c, fillOpacity: 0.25};
  }
  function popup(p) {
    var html = "<b>" + p.t + "</b><br>" + (words.category[p.c] || "") + " · "
      + (words.strategy[p.s] || "") + "<br>" + words.group + ": " + p.g;
    if (p.m) { html += "<br>" + p.m.split("\\n").join("<br>"); }
    return html + "<br>" + words.votes + ": " + p.v;
  }
  return L.geoJSON({{ this.data_json }}, {
    style: style,
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style(f)); },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.t, {sticky: true});
      layer.bindPopup(popup(f.properties), {maxWidth: 320});
    }
  });
})();
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        *,
        colors: Mapping[str, str],
        lang: str,
        highlight_ids: Collection[str] = (),
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Contributions"
        self.data = contribution_features(frame, highlight_ids)
        self.data_json = script_json(self.data)
        used = frame if len(frame) else None
        categories = sorted(set(map(str, used["category"]))) if used is not None else []
        strategies = sorted(set(map(str, used["strategy"]))) if used is not None else []
        self.words_json = script_json(popup_words(categories, strategies, lang))
        self.colors_json = script_json(dict(colors))
        self.radius, self.new_radius = RADIUS_PX, NEW_RADIUS_PX
