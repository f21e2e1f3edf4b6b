"""The Map page's pieces: layer panel, indicator controls, basemap choice, map, zone summary.

Owns the session keys ``map_layers``, ``map_indicator``, ``map_scheme``, ``map_k``,
``map_basemap``, ``map_view`` (the view for the URL), ``map_build_view`` (the view the
current map was built at), ``_map_last_click`` and ``map_candidate`` (the saved candidate
zone last clicked, as ``(slug, zone_id)``); writes ``zone`` on a click on a district.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from cmgis import CmgisError
from cmgis import maps as webmap
from cmgis.data import THEMES
from cmgis.districts import ZONE_IDS, indicator_definitions
from cmgis.i18n import t
from cmgis.maps import has_style
from ui import data, user_layer_views
from ui.display import escape_markdown
from ui.map_frame import map_frame
from ui.state import AREA_KINDS, DEFAULT_VIEW, drop_unknown_choice

#: Draw order, bottom first (the relief always goes under everything).
DRAW_ORDER: tuple[str, ...] = (
    "elevation",
    "tambons",
    "zones",
    "projects",
    "old_city_moat",
    "old_city_walls",
    "mae_kha_canal",
    "roads",
    "named_places",
    "pois",
    "landmarks",
    "coworking",
    "old_city_gates",
    "zone_anchors",
)
MAP_HEIGHT_PX = 660


def _choice_options() -> dict[str, list[str]]:
    """The option ids of the panel's choice widgets, by widget key."""
    indicators = ["", *[d.id for d in indicator_definitions()]]
    indicators += [g.id for g in data.catalog().no_data]
    return {
        "_w_map_area": list(AREA_KINDS),
        "_w_map_indicator": indicators,
        "_w_map_scheme": list(webmap.SCHEMES),
        "_w_map_basemap": list(webmap.BASEMAPS),
        "_w_map_zone": ["", *ZONE_IDS],
    }


def current_choices() -> tuple[list[str], tuple[str, str] | None, str, int, str, str]:
    """Layers, indicator, scheme, classes, basemap and workshop as the widgets will show them.

    Read from session state before the widgets are drawn, so the map can be sent to the
    browser first (it then loads while the panel's widgets load).
    """
    state = st.session_state
    for key, options in _choice_options().items():
        drop_unknown_choice(key, options)
    chosen = set(state.get("map_layers", webmap.DEFAULT_LAYERS))
    layers = [
        lid for lid in DRAW_ORDER if state.get(f"_w_layer_{lid}", lid in chosen) and has_style(lid)
    ]
    current = state.get("map_indicator")
    kind = state.get("_w_map_area", current[0] if current else "zones")
    ind = state.get("_w_map_indicator", current[1] if current else "")
    indicator = (str(kind), str(ind)) if ind else None
    scheme = str(state.get("_w_map_scheme", state.get("map_scheme", "quantiles")))
    k = int(state.get("_w_map_k", state.get("map_k", 5)))
    basemap = str(state.get("_w_map_basemap", state.get("map_basemap", "relief")))
    workshop = str(state.get("_w_map_workshop", state.get("map_workshop", "")) or "")
    if workshop and workshop not in _shown_workshops():
        workshop = ""  # e.g. a link's workshop that was deleted or is not published
    return layers, indicator, scheme, k, basemap, workshop


def _shown_workshops() -> set[str]:
    """Ids of the workshops the Map page may show (published ones); none if unreadable."""
    try:
        return {w.id for w in data.workshops()}
    except CmgisError:
        return set()


def layer_panel(lang: str) -> list[str]:
    """Checkboxes per layer, grouped by theme; returns the visible layer ids in draw order."""
    chosen = set(st.session_state.get("map_layers", webmap.DEFAULT_LAYERS))
    entries = [e for e in data.catalog().layers if has_style(e.id)]
    visible: set[str] = set()
    st.markdown(f"**{t('map.panel.layers', lang)}**")
    for theme in THEMES:
        in_theme = [e for e in entries if e.theme == theme]
        if not in_theme:
            continue
        st.caption(t(f"map.theme.{theme}", lang))
        for entry in in_theme:
            title = entry.title_th if lang == "th" and entry.title_th else entry.title_en
            checked = st.checkbox(
                title,
                value=entry.id in chosen,
                key=f"_w_layer_{entry.id}",
                help=t("map.layer.roads_note", lang) if entry.id == "roads" else None,
            )
            if checked:
                visible.add(entry.id)
        if theme == "districts":  # saved candidate zones sit with the districts
            user_layer_views.map_picker(lang)
    ordered = [lid for lid in DRAW_ORDER if lid in visible]
    st.session_state["map_layers"] = ordered
    return ordered


def indicator_panel(lang: str) -> tuple[tuple[str, str] | None, str, int]:
    """Area kind, indicator, classification and class count; returns (indicator, scheme, k)."""
    st.caption(t("map.theme.indicators", lang))
    current = st.session_state.get("map_indicator")
    kinds = AREA_KINDS
    kind = st.radio(
        t("map.panel.areas", lang),
        kinds,
        index=kinds.index(current[0]) if current else 0,
        format_func=lambda k: t(f"map.panel.areas.{k}", lang),
        key="_w_map_area",
        horizontal=True,
    )
    gaps = data.catalog().no_data
    options: list[str] = ["", *[d.id for d in indicator_definitions()], *[g.id for g in gaps]]
    titles = {d.id: (d.title_th if lang == "th" else d.title_en) for d in indicator_definitions()}
    no_data = t("map.no_data", lang)
    titles |= {g.id: f"{g.title_th if lang == 'th' else g.title_en} ({no_data})" for g in gaps}
    imported_label = t("imports.map_imported", lang)
    for ind_id in data.imported_values(kind).columns:  # values from imported tables
        gap = next((g for g in gaps if g.id == ind_id), None)
        name = (gap.title_th if lang == "th" else gap.title_en) if gap else str(ind_id)
        titles[str(ind_id)] = f"{name} ({imported_label})"
        if ind_id not in options:
            options.append(str(ind_id))
    ind = st.selectbox(
        t("map.panel.indicator", lang),
        options,
        index=options.index(current[1]) if current and current[1] in options else 0,
        format_func=lambda i: titles.get(i, t("map.panel.indicator_none", lang)),
        key="_w_map_indicator",
        help=t("map.panel.indicator_help", lang),
    )
    indicator = (kind, ind) if ind else None
    st.session_state["map_indicator"] = indicator
    scheme = st.selectbox(
        t("map.panel.scheme", lang),
        webmap.SCHEMES,
        index=webmap.SCHEMES.index(st.session_state.get("map_scheme", "quantiles")),
        format_func=lambda s: t(f"map.scheme.{s}", lang),
        key="_w_map_scheme",
        disabled=indicator is None,
    )
    ks = list(range(2, max(webmap.YLORRD) + 1))
    k = st.selectbox(
        t("map.panel.k", lang),
        ks,
        index=ks.index(int(st.session_state.get("map_k", 5))),
        key="_w_map_k",
        disabled=indicator is None,
    )
    st.session_state["map_scheme"], st.session_state["map_k"] = scheme, int(k)
    return indicator, str(scheme), int(k)


def basemap_picker(lang: str) -> str:
    """Offline relief or online tiles; returns the basemap id."""
    basemap = st.radio(
        t("map.panel.basemap", lang),
        webmap.BASEMAPS,
        index=webmap.BASEMAPS.index(st.session_state.get("map_basemap", "relief")),
        format_func=lambda b: t(f"map.basemap.{b}", lang),
        key="_w_map_basemap",
    )
    st.session_state["map_basemap"] = basemap
    if basemap != "relief":
        st.caption(t("map.panel.basemap_online_note", lang))
    return str(basemap)


def workshop_picker(lang: str) -> str:
    """Show one workshop's contributions on the map (or none); returns its id or ""."""
    try:
        found = data.workshops()
    except CmgisError as err:
        st.caption(escape_markdown(err))
        return ""
    names = {w.id: f"{w.title} ({w.workshop_date})" for w in found}
    st.caption(t("map.panel.workshop", lang))
    current = st.session_state.get("map_workshop", "")
    options = ["", *names]
    wid = st.selectbox(
        t("workshop.map.layer", lang),
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda w: names.get(w, t("map.panel.indicator_none", lang)),
        key="_w_map_workshop",
        disabled=not names,
        help=None if names else t("map.panel.no_workshops", lang),
    )
    st.session_state["map_workshop"] = wid or ""
    return str(wid or "")


def _build_view() -> tuple[float, float, int]:
    view = st.session_state.get("map_build_view") or st.session_state.get("map_view")
    return tuple(view) if view else DEFAULT_VIEW


def render_map(
    layer_ids: list[str], indicator: tuple[str, str] | None, scheme: str, k: int, basemap: str,
    lang: str, workshop_id: str = "", user_layers: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """Draw the map; a click on a zone selects it, moving the map updates the URL view.

    The map is sent in two parts (`cmgis.maps.build_map_parts`): while its base (view it
    opened at, basemap, language) stays the same, the browser keeps the map and only
    swaps its layer group (layers, indicator, overlays, legend) in place.
    """
    view = _build_view()
    st.session_state["map_build_view"] = view
    detail = webmap.detail_for_zoom(view[2])
    selected = str(st.session_state.get("zone") or "")

    def build() -> webmap.MapParts:
        return data.map_parts(
            tuple(layer_ids), indicator, scheme, k, basemap, lang, detail, view, workshop_id,
            extra_overlays=tuple(user_layer_views.overlays(list(user_layers), lang, detail)),
            selected_zone=selected,
        )  # fmt: skip

    shown = webmap.shown_basemap(basemap, layer_ids)
    st.caption(t("map.basemap_on", lang, name=webmap.basemap_text(shown, lang)))
    # workshop contributions and saved layers change under the same choices: not reused
    fixed = not workshop_id and not user_layers
    choices = (
        tuple(layer_ids), indicator, scheme, k, basemap, lang, detail, view, selected,
        data.imported_tables_key() if indicator else (),
    )  # fmt: skip
    out = map_frame(
        build,
        choices=choices if fixed else None,
        key="map",
        height=MAP_HEIGHT_PX,
        returned_objects=["last_active_drawing", "center", "zoom"],
    )
    _handle_map_output(out or {}, detail)


@dataclass(frozen=True)
class Clicked:
    """What a click on the map selects: a district, or a zone of a saved candidate layer."""

    kind: Literal["zone", "candidate"]
    zone_id: str
    layer: str = ""  # slug of the saved layer, for a candidate


#: Longest slug or zone id accepted back from the browser.
MAX_CLICK_ID_CHARS = 120


def clicked_selection(feature: Mapping[str, Any] | None) -> Clicked | None:
    """The selection made by clicking ``feature`` (st_folium's ``last_active_drawing``).

    A district has a known ``zone_id``; a saved layer's zone has ``user_layer`` and
    ``user_zone`` (see `cmgis.maps.user_layers`). Anything else (other layers, values
    that are not short strings) selects nothing: the browser's answer is not trusted.
    """
    props = (feature or {}).get("properties") if isinstance(feature, Mapping) else None
    if not isinstance(props, Mapping):
        return None
    layer, user_zone = props.get("user_layer"), props.get("user_zone")
    if isinstance(layer, str) and isinstance(user_zone, str):
        if 0 < len(layer) <= MAX_CLICK_ID_CHARS and 0 < len(user_zone) <= MAX_CLICK_ID_CHARS:
            return Clicked("candidate", user_zone, layer)
        return None
    zone_id = props.get("zone_id")
    if isinstance(zone_id, str) and zone_id in ZONE_IDS:
        return Clicked("zone", zone_id)
    return None


def _handle_map_output(out: dict[str, Any], detail: int) -> None:
    clicked = out.get("last_active_drawing") or None
    if clicked and clicked != st.session_state.get("_map_last_click"):
        st.session_state["_map_last_click"] = clicked
        selection = clicked_selection(clicked)
        if selection is not None and selection.kind == "zone":
            changed = st.session_state.get("zone") != selection.zone_id
            st.session_state["zone"] = selection.zone_id
            st.session_state["_w_map_zone"] = selection.zone_id
            st.session_state["map_candidate"] = None
            if changed:  # draw the map again with the clicked district outlined
                st.rerun(scope="fragment")
        elif selection is not None:
            st.session_state["map_candidate"] = (selection.layer, selection.zone_id)
            st.session_state["_w_map_zone"] = ""  # no district is selected now
            user_layer_views.select_candidate(selection.layer, selection.zone_id)
    center, zoom = out.get("center"), out.get("zoom")
    if isinstance(center, dict) and isinstance(zoom, int | float):
        lat, lon = float(center.get("lat", math.nan)), float(center.get("lng", math.nan))
        if math.isfinite(lat) and math.isfinite(lon):
            st.session_state["map_view"] = (round(lat, 5), round(lon, 5), int(zoom))
            if webmap.detail_for_zoom(zoom) != detail:
                # the user zoomed past this detail level: rebuild at the current view
                st.session_state["map_build_view"] = st.session_state["map_view"]
                st.rerun(scope="fragment")


def _copy_zone() -> None:
    st.session_state["zone"] = st.session_state["_w_map_zone"]
    st.session_state["map_candidate"] = None


def zone_summary(lang: str) -> None:
    """The selected zone's short profile under the map, with a link to the full profile.

    After a click on a saved candidate zone, that zone's summary is shown instead.
    """
    names = data.zone_names(lang)
    zone = st.session_state.get("zone")
    options: list[str] = ["", *names]
    if "_w_map_zone" not in st.session_state:
        st.session_state["_w_map_zone"] = zone if zone in names else ""
    st.selectbox(
        t("map.selected_zone", lang),
        options,
        format_func=lambda z: names.get(z, "—"),
        key="_w_map_zone",
        on_change=_copy_zone,
        help=t("map.click_hint", lang),
    )
    candidate = st.session_state.get("map_candidate")
    if candidate and user_layer_views.candidate_summary(candidate[0], candidate[1], lang):
        return
    zone = st.session_state.get("zone")
    if zone not in names:
        st.info(t("map.click_hint", lang))
        return
    p = data.profile(zone)
    name = p.name_th if lang == "th" else p.name_en
    theme = p.theme_th if lang == "th" else p.theme_en
    st.subheader(name)
    st.markdown(f"**{t('map.zones.theme', lang)}:** {theme}")
    st.write(p.description_th if lang == "th" else p.description_en)
    cols = st.columns(3)
    cols[0].metric(t("map.zones.area", lang), f"{webmap.format_number(p.area_km2)} km²")
    cols[1].metric(t("map.zones.landmarks", lang), len(p.landmarks))
    cols[2].metric(t("map.zones.coworking", lang), len(p.coworking))
    st.page_link("ui/pages/zones.py", label=t("map.open_profile", lang), icon="📋")
