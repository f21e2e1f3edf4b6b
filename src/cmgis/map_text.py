"""One escaping rule for every text that goes into a folium map (no streamlit here).

Folium does not put a tooltip, popup, legend or layer name in one place only: the same
string ends up inside HTML (Leaflet sets it as ``innerHTML``) *and*, for `folium.Tooltip`
and `folium.Popup`, inside a JavaScript template literal of the map's ``<script>``
(`` bindTooltip(`<div>…</div>`) ``). ``html.escape`` covers the HTML but not the template
literal: a backtick ends it, ``${…}`` runs code, a backslash escapes the closing backtick.
`escape_map_text` replaces ``& < > " '`` and also `` ` ``, ``$``, ``\\`` and the braces
``{ }`` with HTML entities, so the text is inert in HTML, in attributes, in a template
literal, in a ``<script>`` block (no ``<`` is left to close it) and in a Jinja template;
the browser shows the original characters. Text passed through GeoJSON properties
(`folium.GeoJsonTooltip`) is data, not code, but Leaflet still inserts it as HTML, so it
is escaped the same way.

Every map module (`webmap`, `projects_map`, `sketches_map`, `user_layers_map`,
`suitability_map`) escapes data and user text with this function and nothing else.
"""

from __future__ import annotations

import html
import math
from typing import Final

#: Characters harmless in HTML but not in a JavaScript template literal, and the braces
#: of a Jinja template (branca compiled rendered output again: `maps.literal_render`).
_JS_TEMPLATE_UNSAFE: Final = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def escape_map_text(value: object) -> str:
    """``value`` as text safe for any folium tooltip, popup, legend or layer name.

    ``None`` and NaN give ``""``. ``<script>`` becomes ``&lt;script&gt;``; quotes,
    backticks, ``$`` and backslashes become entities, so ``${...}`` cannot run inside a
    template literal. The browser shows the original characters.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_UNSAFE)
