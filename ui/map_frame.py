"""Map frames: streamlit-folium's component fed with cached map code (Map, Projects, Workshop).

`st_folium` turns the whole folium map into code on every run: a few renders of every
element, GeoJSON dumped to text each time. On the Map page that was most of the server's
share of a layer toggle (0.1-0.2 s of a 0.3 s rerun on a busy machine). The code depends
only on the choices the map was built from, so `map_frame` makes it once per choices
(`frame_code`, the same steps as `st_folium`) and hands the cached code to the same
component. ``tests/app/test_map_frame.py`` checks that the component gets exactly what
`st_folium` would give it, so a streamlit-folium upgrade that changes those steps fails
there rather than in a browser.

The workshop maps keep their base in the session (`kept_map`, under the caller's key)
with its code made once: each run makes only the code of the contributions group
(`with_group`), and the browser keeps the map. Otherwise owns no session key;
streamlit-folium's ``key`` (e.g. ``"map"``) holds the map's last answer, as with
`st_folium`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import branca
import folium
import folium.elements
import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit_folium as sf

from cmgis.maps import MapParts


@dataclass(frozen=True)
class FrameCode:
    """What streamlit-folium's component draws: the base map's code and its layer group's."""

    script: str
    header: str
    html: str
    map_id: str
    js_links: tuple[str, ...]
    css_links: tuple[str, ...]
    feature_group: str | None
    bounds: list[list[float | None]]
    zoom: Any


def frame_code(parts: MapParts | folium.Map) -> FrameCode:
    """The component's code for a map, made as `st_folium` makes it (mutates the map).

    ``parts`` is a map in two parts (its group goes to ``feature_group``) or a plain map.
    """
    base = parts.base if isinstance(parts, MapParts) else parts
    base.get_root().render()
    base.render()  # type: ignore[no-untyped-call]
    html = sf._get_html(base)
    header = sf._get_header(base)
    script = sf._get_map_string(base)
    map_id = sf.get_full_id(base)
    try:
        bounds = base.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    js, css = _links(base)
    code = FrameCode(
        script=script,
        header=header,
        html=html,
        map_id=map_id,
        js_links=tuple(dict.fromkeys(js)),
        css_links=tuple(dict.fromkeys(css)),
        feature_group=None,
        bounds=bounds,
        zoom=base.options.get("zoom") if hasattr(base, "options") else {},
    )
    return with_group(code, base, parts.layers) if isinstance(parts, MapParts) else code


def with_group(code: FrameCode, base: folium.Map, layers: folium.FeatureGroup) -> FrameCode:
    """``code`` of a ``base`` alone (`frame_code`) with ``layers`` as its swappable group,
    as `st_folium` adds ``feature_group_to_add`` (``layers`` becomes the base's child)."""
    group = sf._get_feature_group_string(layers, map=base, idx=0)
    js, css = _links(layers)
    # a colour scale in the group puts its scripts before the base's, as in `st_folium`
    first = _D3 if any(isinstance(e, branca.colormap.ColorMap) for e in _walk(layers)) else []
    return dataclasses.replace(
        code,
        js_links=tuple(dict.fromkeys([*first, *code.js_links, *js])),
        css_links=tuple(dict.fromkeys([*code.css_links, *css])),
        feature_group=group,
    )


#: The scripts `st_folium` adds first when a map has a colour scale.
_D3 = ["https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]


def _links(element: Any) -> tuple[list[str], list[str]]:
    """The scripts and styles of ``element`` and its children, as `st_folium` lists them."""
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(element):
        if isinstance(elem, branca.colormap.ColorMap):
            js[:0] = _D3
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return js, css


def _walk(element: Any) -> Iterator[Any]:
    """Every element of a map that may bring scripts or styles (as `st_folium` walks it)."""
    if isinstance(element, branca.colormap.ColorMap):
        yield element
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


@st.cache_resource(show_spinner=False, max_entries=48)
def _cached_code(
    choices: tuple[Any, ...], _build: Callable[[], MapParts | folium.Map]
) -> FrameCode:
    """`frame_code` of the map built by ``_build``, once per ``choices``."""
    return frame_code(_build())


@dataclass(frozen=True)
class KeptMap:
    """A map base kept in a session with its code (`frame_code`, made once), and the empty
    layer group each run fills (`parts`)."""

    signature: tuple[Any, ...]
    base: folium.Map
    layers: folium.FeatureGroup
    code: FrameCode

    def parts(self) -> MapParts:
        """The kept base with a new, empty copy of its layer group."""
        return MapParts(self.base, copy.deepcopy(self.layers))

    def frame(self, parts: MapParts) -> FrameCode:
        """The component's code for ``parts`` (from `parts`): only its group is made."""
        return with_group(self.code, self.base, parts.layers)


def kept_map(state_key: str, signature: tuple[Any, ...], build: Callable[[], MapParts]) -> KeptMap:
    """The map base kept in the session under ``state_key`` while ``signature`` (language,
    basemap, zones ...) stays; ``build`` makes it when the signature changes.

    Each run then swaps only the layer group: neither the server nor the browser makes the
    base again (no reload, no flicker, a drawing tool stays on).
    """
    kept = st.session_state.get(state_key)
    if not isinstance(kept, KeptMap) or kept.signature != signature:
        parts = build()
        kept = KeptMap(signature, parts.base, parts.layers, frame_code(parts.base))
        st.session_state[state_key] = kept
    return kept


def map_frame(
    build: Callable[[], MapParts | folium.Map],
    *,
    choices: tuple[Any, ...] | None,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    width: int | str | None = None,
    kept: KeptMap | None = None,
) -> Any:
    """Draw the map ``build`` makes and return its answer, like `st_folium`.

    Parameters
    ----------
    build
        Makes the map: a stable base and its layer group, or a plain map.
    choices
        Everything the map depends on (hashable), to reuse its code; ``None`` when it
        depends on data that may change under the same choices (then made every run).
    key, height, returned_objects, width
        As for `st_folium` (``None``: the container's width).
    kept
        The kept base ``build``'s parts come from (`kept_map`): only the group is made.
    """
    if kept is not None:
        parts = build()
        if not isinstance(parts, MapParts) or parts.base is not kept.base:
            raise ValueError("with kept=, build must return kept.parts() filled in")
        code = kept.frame(parts)
    elif choices is None:
        code = frame_code(build())
    else:
        code = _cached_code(choices, build)
    defaults = {
        "last_active_drawing": None,
        "all_drawings": None,
        "last_object_clicked": None,
        "bounds": _bounds_dict(code.bounds),
        "zoom": code.zoom,
    }
    hash_key = sf.generate_js_hash(code.script, key, False)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=code.script,
        header=code.header,
        html=code.html,
        id=code.map_id,
        key=hash_key,
        height=height,
        width=width,
        returned_objects=list(returned_objects),
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=None,
        center=None,
        feature_group=code.feature_group,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(code.css_links),
        js_links=list(code.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )


def fingerprint(*frames: gpd.GeoDataFrame) -> str:
    """A short digest of the rows of ``frames`` (for ``choices`` when data may change)."""
    digest = hashlib.sha256()
    for frame in frames:
        attributes = frame.drop(columns=frame.geometry.name).astype(str)
        digest.update(repr(list(attributes.columns)).encode())
        digest.update(pd.util.hash_pandas_object(attributes, index=True).to_numpy().tobytes())
        for wkb in frame.geometry.to_wkb():
            digest.update(wkb or b"-")
    return digest.hexdigest()[:24]


def _bounds_dict(bounds: list[list[float | None]]) -> dict[str, dict[str, float | None]]:
    (south, west), (north, east) = bounds
    return {
        "_southWest": {"lat": south, "lng": west},
        "_northEast": {"lat": north, "lng": east},
    }
