"""Shareable state: the URL's query parameters <-> session state.

The URL holds ``page``, ``lang`` (``th``/``en``), ``zone``, ``layers`` (comma-separated
layer ids), ``indicator`` (``zones:<id>`` or ``tambons:<id>``), ``view``
(``lat,lon,zoom``), the Map page's classification ``scheme`` and class count ``k`` and
its ``workshop`` overlay (a workshop id), the Zones page's ``compare`` (comma-separated
zone ids) and the Projects page's ``project`` (a project code). `load_from_url` reads
them once per session, checking every value (a bad value is ignored, never trusted);
`write_to_url` puts the current state back after each run. Session keys owned here:
``lang``, ``zone``, ``map_layers``, ``map_indicator``, ``map_view`` and the one-shot flag
``_url_loaded``; the URL also fills ``map_scheme``, ``map_k``, ``map_workshop``,
``zones_compare`` and ``project``, which their pages own (a workshop id and a project
code are checked again there against what exists and may be shown).
"""

from __future__ import annotations

import math
import re

import streamlit as st

from cmgis import settings
from cmgis.data import NO_DATA, load_catalog
from cmgis.districts import ZONE_IDS, indicator_definitions
from cmgis.i18n import normalise_lang
from cmgis.maps import DEFAULT_LAYERS, SCHEMES, YLORRD

AREA_KINDS: tuple[str, ...] = ("zones", "tambons")
#: The view a map opens at: the municipality and the five districts.
DEFAULT_VIEW: tuple[float, float, int] = (18.782, 98.962, 13)
_ZOOM_RANGE = (10, 18)
_OWN_PARAMS = (
    "page", "lang", "zone", "layers", "indicator", "view",
    "scheme", "k", "workshop", "compare", "project",
)  # fmt: skip
#: The Map page's classification and class count when the URL names none (left out of it).
DEFAULT_SCHEME, DEFAULT_K = "quantiles", 5
#: Class counts the Map page offers (its colour ramps have 2 to 9 classes).
CLASS_COUNTS: tuple[int, ...] = tuple(range(2, max(YLORRD) + 1))
#: A workshop id or project code as the URL may carry it (checked again on its page).
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def parse_lang(value: str | None) -> str:
    """``"th"`` or ``"en"`` (anything else, including nothing, gives English)."""
    return normalise_lang(value) if value else "en"


def parse_zone(value: str | None) -> str | None:
    """A known zone id, or ``None``."""
    return value if value in ZONE_IDS else None


def parse_layers(value: str | None) -> tuple[str, ...] | None:
    """Catalog layer ids from ``"a,b,c"`` (unknown ones dropped); ``None`` if absent."""
    if value is None:
        return None
    known = {entry.id for entry in load_catalog().layers}
    return tuple(v for v in (p.strip() for p in value.split(",")) if v in known)


def format_layers(layers: tuple[str, ...] | list[str]) -> str:
    """``"a,b,c"`` for the URL."""
    return ",".join(layers)


def parse_indicator(value: str | None) -> tuple[str, str] | None:
    """``(area kind, indicator id)`` from ``"zones:<id>"``; ``None`` if absent or unknown."""
    if not value or ":" not in value:
        return None
    kind, ind = value.split(":", 1)
    known = {d.id for d in indicator_definitions()} | {g.id for g in NO_DATA}
    return (kind, ind) if kind in AREA_KINDS and ind in known else None


def format_indicator(value: tuple[str, str] | None) -> str:
    """``"zones:<id>"`` or ``""`` for none."""
    return f"{value[0]}:{value[1]}" if value else ""


def parse_view(value: str | None) -> tuple[float, float, int] | None:
    """``(lat, lon, zoom)`` from ``"lat,lon,zoom"`` if inside the app's area, else ``None``."""
    if not value:
        return None
    try:
        lat_s, lon_s, zoom_s = value.split(",")
        lat, lon, zoom = float(lat_s), float(lon_s), round(float(zoom_s))
    except ValueError:
        return None
    min_lon, min_lat, max_lon, max_lat = settings.AREA_BOUNDS_LONLAT
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        return None
    return lat, lon, int(min(max(zoom, _ZOOM_RANGE[0]), _ZOOM_RANGE[1]))


def format_view(view: tuple[float, float, int]) -> str:
    """``"lat,lon,zoom"`` with 5 decimals (about 1 m)."""
    return f"{view[0]:.5f},{view[1]:.5f},{int(view[2])}"


def parse_scheme(value: str | None) -> str | None:
    """A known classification method (``quantiles``, ...), or ``None``."""
    return value if value in SCHEMES else None


def parse_k(value: str | None) -> int | None:
    """A class count the Map page offers, or ``None``."""
    if not value or not value.isdigit() or len(value) > 2:
        return None
    k = int(value)
    return k if k in CLASS_COUNTS else None


def parse_id(value: str | None) -> str | None:
    """A workshop id or project code: short, letters, digits, ``.``, ``_``, ``-``; else ``None``.

    Only the form is checked here; the page checks that it names something it may show.
    """
    return value if value and _ID_RE.fullmatch(value) else None


def parse_zones(value: str | None) -> list[str] | None:
    """Known zone ids from ``"a,b"`` (unknown and repeated ones dropped); ``None`` if absent."""
    if value is None:
        return None
    picked = [v for v in (p.strip() for p in value.split(",")) if v in ZONE_IDS]
    return list(dict.fromkeys(picked))


def load_from_url() -> str | None:
    """Copy the URL's state into the session once per session; return the URL's page id."""
    qp = st.query_params
    page = qp.get("page")
    if st.session_state.get("_url_loaded"):
        return None
    st.session_state["_url_loaded"] = True
    st.session_state["lang"] = parse_lang(qp.get("lang"))
    zone = parse_zone(qp.get("zone"))
    if zone:
        st.session_state["zone"] = zone
    layers = parse_layers(qp.get("layers"))
    st.session_state["map_layers"] = list(DEFAULT_LAYERS if layers is None else layers)
    st.session_state["map_indicator"] = parse_indicator(qp.get("indicator"))
    st.session_state["map_view"] = parse_view(qp.get("view")) or DEFAULT_VIEW
    optional = {
        "map_scheme": parse_scheme(qp.get("scheme")),
        "map_k": parse_k(qp.get("k")),
        "map_workshop": parse_id(qp.get("workshop")),
        "zones_compare": parse_zones(qp.get("compare")),
        "project": parse_id(qp.get("project")),
    }
    for key, value in optional.items():
        if value is not None:
            st.session_state[key] = value
    return page if page and page.replace("_", "").replace("-", "").isalnum() else None


def current_lang() -> str:
    """The chosen language, ``"th"`` or ``"en"``."""
    return parse_lang(st.session_state.get("lang"))


def write_to_url(page: str) -> None:
    """Put page, language, zone, layers, indicator, view and the pages' choices into the URL."""
    state = st.session_state
    wanted: dict[str, str] = {"page": page, "lang": current_lang()}
    if state.get("zone") in ZONE_IDS:
        wanted["zone"] = state["zone"]
    if "map_layers" in state:
        wanted["layers"] = format_layers(state["map_layers"])
    if state.get("map_indicator"):
        wanted["indicator"] = format_indicator(state["map_indicator"])
    if state.get("map_view"):
        wanted["view"] = format_view(state["map_view"])
    if parse_scheme(state.get("map_scheme")) and state["map_scheme"] != DEFAULT_SCHEME:
        wanted["scheme"] = state["map_scheme"]
    if state.get("map_k") in CLASS_COUNTS and state["map_k"] != DEFAULT_K:
        wanted["k"] = str(state["map_k"])
    if parse_id(state.get("map_workshop")):
        wanted["workshop"] = state["map_workshop"]
    if state.get("zones_compare"):
        wanted["compare"] = ",".join(state["zones_compare"])
    if parse_id(state.get("project")):
        wanted["project"] = state["project"]
    qp = st.query_params
    for key in [k for k in _OWN_PARAMS if k in qp and k not in wanted]:
        del qp[key]  # other pages' own parameters are left alone
    for key, value in wanted.items():
        if qp.get(key) != value:
            qp[key] = value


def drop_unknown_choice(key: str, options: list[str] | tuple[str, ...]) -> None:
    """Forget a choice widget's value that is not one of ``options`` (call before the widget).

    Streamlit keeps a choice widget's value as its option's label: a rerun that races a
    language switch can hand back the old label instead of an id. The widget then starts
    again from the default its page passes (taken from the page's own saved state).
    """
    state = st.session_state
    if key not in state:
        return
    value = state[key]
    values = value if isinstance(value, list | tuple) else [value]
    if any(v not in options for v in values):
        del state[key]
