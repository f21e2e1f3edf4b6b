"""Leaflet.draw's drawing toolbar in the page's language.

Leaflet.draw reads its button titles, the "Finish / Cancel / Delete last point" actions
and the tooltips that guide a drawing from the global ``L.drawLocal``, which is English.
`draw_control` is folium's `Draw` whose script first merges the strings of
``locales/draw.json`` (keys ``leaflet_draw.<path in L.drawLocal>``) for the page's
language into ``L.drawLocal``, right before the control is made: the toolbar reads its
texts when it is added to the map, the tooltips when a drawing starts. Both languages are
written out, so a map frame that switches from Thai back to English is English again.
"""

from __future__ import annotations

import json
from typing import Any

import folium
import folium.plugins
from jinja2 import Template

from cmgis.i18n import strings, t

_PREFIX = "leaflet_draw."

_MERGE_JS = """(function (text) {
  if (!window.L || !L.drawLocal) { return; }
  var merge = function (into, from) {
    Object.keys(from).forEach(function (k) {
      if (typeof from[k] === "object") { into[k] = into[k] || {}; merge(into[k], from[k]); }
      else { into[k] = from[k]; }
    });
  };
  merge(L.drawLocal, text);
})(%s);
"""


def draw_text(lang: str) -> dict[str, Any]:
    """The ``L.drawLocal`` strings of ``lang`` as one nested mapping (``draw``, ``edit``)."""
    nested: dict[str, Any] = {}
    for key in sorted(k for k in strings() if k.startswith(_PREFIX)):
        *parents, leaf = key.removeprefix(_PREFIX).split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = t(key, lang)
    return nested


def draw_text_js(lang: str) -> str:
    """JavaScript that merges `draw_text` of ``lang`` into ``L.drawLocal``."""
    data = json.dumps(draw_text(lang), ensure_ascii=True).replace("</", "<\\/")
    return _MERGE_JS % data


class _LocalisedDraw(folium.plugins.Draw):
    """folium's `Draw` whose script sets ``L.drawLocal`` first (see the module text)."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.draw_module.html(this, kwargs) }}{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.text_js }}"
        "{{ this.draw_module.script(this, kwargs) }}{% endmacro %}"
    )

    def __init__(self, lang: str, **options: Any) -> None:
        super().__init__(**options)  # type: ignore[no-untyped-call]
        self.text_js = draw_text_js(lang)
        self.draw_module = folium.plugins.Draw._template.module


def draw_control(lang: str, **options: Any) -> folium.plugins.Draw:
    """folium's `Draw` (same ``options``) with its toolbar and tooltips in ``lang``."""
    return _LocalisedDraw(lang, **options)
