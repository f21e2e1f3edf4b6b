"""Saved user layers in the app: the map panel's picker, the Zones page's profile section.

Owns the session keys ``map_user_layers`` (slugs shown on the map, widget ``_w_map_user``),
``user_layers.zone_layer`` / ``user_layers.zone`` (widgets of the Zones page section),
``user_layers.selected`` (a zone clicked on the map, to open on the Zones page) and
``user_layers.flash``. Layer names are user text: they are shown through widgets that
render plain text, or escaped (`cmgis.maps.user_layers` escapes its own popups).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from cmgis import CmgisError, export
from cmgis import user_layers as ul
from cmgis.accounts import Role
from cmgis.districts import indicator_definitions, indicator_rows
from cmgis.i18n import pick, t
from cmgis.imports import tiles_for_map
from cmgis.maps import Overlay, format_number, imported_style, tiled_overlay, user_layer_overlay
from cmgis.sources import export_suitability
from cmgis.store import Store
from cmgis.suitability import Surface
from ui.account import can, current_actor
from ui.display import escape_markdown, show_table
from ui.store import get_store

FLASH = "user_layers.flash"
SELECTED = "user_layers.selected"


def store() -> Store:
    """The app's store (`ui.store.get_store`: one cached store for every page)."""
    return get_store()


def saved_layers() -> list[ul.UserLayer]:
    """Every saved layer, newest first (live: another instance may have saved one)."""
    return ul.list_user_layers(store())


@st.cache_data(show_spinner=False, max_entries=32)
def _features(slug: str, saved_at: str) -> gpd.GeoDataFrame:
    """A saved layer's features; ``saved_at`` keys the cache (a replaced layer is re-read)."""
    return ul.load_user_layer(store(), slug)


def features(record: ul.UserLayer) -> gpd.GeoDataFrame:
    """The features of ``record`` (EPSG:4326), cached per save."""
    return _features(record.slug, record.created_at)


# --------------------------------------------------------------------------- Map page


def chosen_on_map() -> list[str]:
    """Slugs of the saved layers to draw, as the widget will show them."""
    return list(st.session_state.get("_w_map_user", st.session_state.get("map_user_layers", [])))


def map_picker(lang: str) -> list[str]:
    """A multiselect of the saved layers under the districts theme; returns the slugs."""
    try:
        records = saved_layers()
    except CmgisError as err:
        st.caption(escape_markdown(err))
        return []
    names = {
        r.slug: t("user_layers.map_option", lang, name=r.name, date=r.created_at[:10],
                  kind=t(f"user_layers.kind.{r.kind}", lang))
        for r in records
    }  # fmt: skip
    current = st.session_state.get("_w_map_user", st.session_state.get("map_user_layers", []))
    st.session_state["_w_map_user"] = [s for s in current if s in names]  # deleted ones go
    chosen = st.multiselect(
        t("user_layers.map_caption", lang),
        list(names),
        format_func=lambda s: names.get(s, s),
        key="_w_map_user",
        disabled=not names,
        help=None if names else t("user_layers.map_none", lang),
        placeholder=t("user_layers.map_none" if not names else "common.choose", lang),
    )
    st.session_state["map_user_layers"] = list(chosen)
    return list(chosen)


def overlays(slugs: list[str], lang: str, detail: int) -> list[Overlay]:
    """Map overlays of the chosen saved layers; a damaged one is named, not fatal."""
    out = []
    for slug in slugs:
        try:
            record = ul.get_user_layer(store(), slug)
            tiles = tiles_for_map(store(), record)
            if tiles is not None:  # a big imported layer: drawn from vector tiles
                out.append(
                    tiled_overlay(record, tiles.url, imported_style(record), lang=lang,
                                  max_zoom=tiles.max_zoom, tile_layer=tiles.tile_layer)
                )  # fmt: skip
                continue
            out.append(user_layer_overlay(features(record), record, lang=lang, detail=detail))
        except CmgisError as err:
            st.warning(
                t("user_layers.damaged", lang, name=escape_markdown(slug),
                  err=escape_markdown(err))
            )  # fmt: skip
    return out


def select_candidate(slug: str, zone_id: str) -> None:
    """Remember a candidate zone clicked on the map: the Zones page opens its profile."""
    st.session_state[SELECTED] = (slug, zone_id)


def candidate_summary(slug: str, zone_id: str, lang: str) -> bool:
    """Short profile of a clicked candidate zone under the map, with a link to the full one.

    Returns ``False`` (showing nothing) when the layer or the zone is gone or not a saved
    candidate layer: the caller then shows the district summary.
    """
    try:
        record = ul.get_user_layer(store(), slug)
        layer = features(record) if record.kind == "candidates" else None
    except CmgisError:
        return False
    if layer is None or "zone_id" not in layer.columns:
        return False
    rows = layer[layer["zone_id"].astype(str) == zone_id]
    if rows.empty:
        return False
    row = rows.iloc[0]
    name = pick(str(row.get("name_en") or ""), str(row.get("name_th") or ""), lang) or zone_id
    st.subheader(escape_markdown(name))  # imported attribute: may hold markdown and links
    st.caption(t("user_layers.summary_layer", lang, name=escape_markdown(record.name)))
    _candidate_metrics(row, layer, lang)
    st.page_link("ui/pages/zones.py", label=t("map.open_profile", lang), icon="📋")
    return True


# ------------------------------------------------------------------------- Zones page


@st.cache_data(show_spinner=False, max_entries=16)
def _indicators(slug: str, saved_at: str) -> pd.DataFrame:
    from cmgis.suitability import candidate_indicators

    return candidate_indicators(ul.load_user_layer(store(), slug))


def candidate_profile(lang: str) -> None:
    """Profile of a saved candidate zone: indicators, rank among districts + candidates."""
    st.subheader(t("user_layers.profile_header", lang))
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    try:
        records = [r for r in saved_layers() if r.kind == "candidates"]
    except CmgisError as err:
        st.error(escape_markdown(err))
        return
    if not records:
        st.info(t("user_layers.map_none", lang))
        return
    st.caption(t("user_layers.profile_intro", lang))
    by_slug = {r.slug: r for r in records}
    clicked = st.session_state.pop(SELECTED, None)  # a zone clicked on the Map page
    if clicked and clicked[0] in by_slug:
        st.session_state["user_layers.zone_layer"] = clicked[0]
    slug = st.selectbox(
        t("user_layers.choose_layer", lang),
        list(by_slug),
        format_func=lambda s: f"{by_slug[s].name} ({by_slug[s].created_at[:10]})",
        key="user_layers.zone_layer",
    )
    record = by_slug[str(slug)]
    try:
        layer = ul.candidate_zones(features(record))  # ids and names even if the file lacked them
    except CmgisError as err:
        st.error(
            t("user_layers.damaged", lang, name=escape_markdown(record.name),
              err=escape_markdown(err))
        )  # fmt: skip
        return
    zone_names = {
        str(z): pick(str(en), str(th), lang)
        for z, en, th in zip(layer["zone_id"], layer["name_en"], layer["name_th"], strict=True)
    }
    if clicked and clicked[0] == record.slug and clicked[1] in zone_names:
        st.session_state["user_layers.zone"] = clicked[1]
    zone = st.selectbox(
        t("user_layers.choose_zone", lang),
        list(zone_names),
        format_func=lambda z: zone_names[z],
        key="user_layers.zone",
    )
    row = layer[layer["zone_id"].astype(str) == zone].iloc[0]
    _candidate_metrics(row, layer, lang)
    with st.expander(t("user_layers.provenance", lang)):
        st.markdown(
            escape_markdown(
                t("user_layers.saved_by", lang, who=record.created_by, when=record.created_at)
            )
        )
        st.text(record.provenance.text())
        st.markdown(f"**{t('user_layers.credits', lang)}**")
        st.text(record.provenance.credit.replace(" | ", "\n"))
        st.code(json.dumps(record.parameters, ensure_ascii=False, indent=2), language="json")
    if st.button(t("user_layers.compute", lang), key="user_layers.compute"):
        st.session_state["user_layers.computed"] = (record.slug, record.created_at)
    if st.session_state.get("user_layers.computed") == (record.slug, record.created_at):
        try:
            with st.spinner(t("suitability.building", lang)):
                table = _indicators(record.slug, record.created_at)
        except CmgisError as err:
            st.error(escape_markdown(err))
        else:
            _indicator_table(table, zone, lang)
    actor = current_actor()  # the owner or the admin may delete (the library checks again)
    allowed = can(Role.EDITOR) and ul.may_change(actor, record)
    if allowed and st.button(t("user_layers.delete", lang), key="user_layers.delete"):
        try:
            ul.delete_user_layer(store(), record.slug, actor=actor)
        except CmgisError as err:
            st.error(escape_markdown(err))
        else:
            name = escape_markdown(record.name)  # typed text
            st.session_state[FLASH] = t("user_layers.deleted", lang, name=name)
            st.rerun()


def _candidate_metrics(row: pd.Series, layer: gpd.GeoDataFrame, lang: str) -> None:
    """Area, mean score and rank of one candidate zone, and its approximate flag."""
    cols = st.columns(3)
    cols[0].metric(t("map.zones.area", lang), f"{format_number(float(row['area_km2']))} km²")
    if "mean_score" in layer.columns:
        cols[1].metric(t("suitability.col_mean", lang), f"{float(row['mean_score']):.1f}")
    if "rank" in layer.columns:
        cols[2].metric(t("suitability.col_rank", lang), f"{int(row['rank'])} / {len(layer)}")
    st.warning(t("map.zones.approximate_yes", lang))


def _indicator_table(table: pd.DataFrame, zone: str, lang: str) -> None:
    from ui.zone_views import indicator_row

    st.caption(t("user_layers.rank_note", lang, n=len(table)))
    show_table(pd.DataFrame([indicator_row(r, lang) for r in indicator_rows(zone, table)]))
    names = {d.id: pick(d.title_en, d.title_th, lang) for d in indicator_definitions()}
    st.dataframe(table.rename(columns=names).round(2))


# -------------------------------------------------------------------- Suitability page


def export_in_crs(surface: Surface, candidates: gpd.GeoDataFrame) -> None:
    """The surface (GeoTIFF) and candidate zones in a chosen CRS and vector format."""
    lang = str(st.session_state.get("lang", "en"))
    with st.expander(t("user_layers.export_surface", lang)):
        col1, col2 = st.columns(2)
        crs = col1.selectbox(
            t("user_layers.export_crs", lang),
            list(export.CRS_CHOICES),
            format_func=lambda c: (
                f"{c} — {pick(export.CRS_CHOICES[c].name_en, export.CRS_CHOICES[c].name_th, lang)}"
            ),
            key="user_layers.export_crs",
        )
        vector_formats = [k for k, f in export.FORMATS.items() if "vector" in f.kinds]
        fmt = col2.selectbox(
            t("user_layers.export_format", lang),
            vector_formats,
            format_func=lambda k: export.FORMATS[k].label,
            key="user_layers.export_fmt",
        )
        request = (tuple(sorted(surface.weights.items())), surface.grid.resolution_m, crs, fmt,
                   len(candidates))  # fmt: skip
        if st.button(t("user_layers.export_make", lang), key="user_layers.export_go"):
            try:
                with tempfile.TemporaryDirectory(prefix="cmgis-suit-") as tmp:
                    paths = export_suitability(
                        surface, candidates, title="cmgis suitability", fmt=str(fmt),
                        crs=str(crs), folder=Path(tmp),
                    )  # fmt: skip
                    files = [(p.name, p.read_bytes()) for p in paths]
            except CmgisError as err:
                st.error(escape_markdown(err))
            else:
                st.session_state["user_layers.export_files"] = (request, files)
        made = st.session_state.get("user_layers.export_files")
        if made is not None and made[0] == request:
            for k, (name, data) in enumerate(made[1]):
                label = (
                    t("user_layers.export_download_tif", lang, crs=crs)
                    if name.endswith(".tif")
                    else t("user_layers.export_download_vec", lang, fmt=fmt, crs=crs)
                )
                st.download_button(label, data, file_name=name, key=f"user_layers.dl{k}")
