"""Cached access to the built data and to the prepared web layers (no computing here).

Everything is cached as a resource: the frames, dicts and maps returned are shared across
reruns and sessions and must be treated as read-only.
"""

from __future__ import annotations

from typing import cast

import geopandas as gpd
import pandas as pd
import streamlit as st

from cmgis import maps as webmap
from cmgis import settings
from cmgis import workshop as sk
from cmgis.data import Catalog, load_catalog, load_layer
from cmgis.districts import (
    ISCScore,
    ZoneProfile,
    definition,
    isc_scores,
    load_indicators,
    zone_profile,
)
from cmgis.i18n import t
from cmgis.imports import imported_indicators, list_tables
from cmgis.maps import contributions_overlay as workshop_overlay
from cmgis.maps import relief_from_tif, style_for
from ui.display import credit_lines, unit_text
from ui.store import get_store


@st.cache_resource(show_spinner=False)
def layer(layer_id: str) -> gpd.GeoDataFrame:
    """A built vector layer (EPSG:4326)."""
    return load_layer(layer_id)


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    """The layer catalog."""
    return load_catalog()


@st.cache_resource(show_spinner=False)
def indicators(kind: str) -> pd.DataFrame:
    """The zone or tambon indicator table."""
    return load_indicators(kind)


@st.cache_resource(show_spinner=False)
def isc() -> list[ISCScore]:
    """The report's ISC scores."""
    return isc_scores()


@st.cache_resource(show_spinner=False)
def profile(zone_id: str) -> ZoneProfile:
    """The profile of one zone."""
    return zone_profile(
        zone_id,
        zones=layer("zones"),
        tambons=layer("tambons"),
        indicators=indicators("zones"),
        pois=layer("pois"),
        landmarks=layer("landmarks"),
        coworking=layer("coworking"),
        no_data=catalog().no_data,
    )


def layer_title(layer_id: str, lang: str) -> str:
    """A layer's title in ``lang`` from the catalog."""
    entry = catalog().entry(layer_id)
    return entry.title_th if lang == "th" and entry.title_th else entry.title_en


@st.cache_resource(show_spinner=False)
def web_layer(layer_id: str, lang: str, detail: int) -> webmap.WebLayer:
    """A layer prepared for the browser at a detail level, labelled in ``lang``."""
    title = layer_title(layer_id, lang)
    if layer_id == "elevation":
        rgba, bounds = relief_from_tif()
        return webmap.relief_layer(rgba, bounds, title=title)
    gdf = layer(layer_id)
    if style_for(layer_id).kind == "cluster":
        rows = webmap.cluster_points(gdf, layer_id=layer_id, lang=lang)
        return webmap.WebLayer(
            layer_id, title, cluster_rows=tuple((r[0], r[1], r[2]) for r in rows)
        )
    fc = webmap.feature_collection(gdf, layer_id=layer_id, lang=lang, detail=detail)
    return webmap.WebLayer(layer_id, title, feature_collection=fc)


def imported_tables_key() -> tuple[str, ...]:
    """What the imported indicator tables are now (store and table ids), for cache keys.

    A map drawn before a table was imported (or in another store) is not reused after.
    """
    return (settings.store_url(), *(tbl.id for tbl in list_tables(get_store())))


def imported_values(kind: str) -> pd.DataFrame:
    """Indicator values imported from tables for ``kind`` (live: another instance may add)."""
    return imported_indicators(get_store(), kind)


def choropleth_spec(
    indicator: tuple[str, str], lang: str, detail: int, scheme: str, k: int
) -> webmap.ChoroplethSpec:
    """The areas and values of an indicator, ready for `cmgis.maps.webmap.build_map`.

    An indicator of the catalog's data gaps (e.g. internet speed) has no value anywhere:
    every area is drawn and labelled "no data" — unless an imported table gives values
    (`cmgis.imports.imported_indicators`), which are then drawn, titled as imported.
    """
    kind, ind_id = indicator
    areas = web_layer(kind, lang, detail)
    fc = areas.feature_collection or {"features": []}
    gap = next((g for g in catalog().no_data if g.id == ind_id), None)
    key = "zone_id" if kind == "zones" else "tambon_code"
    imported = imported_values(kind)
    values: tuple[float, ...]
    if ind_id in imported.columns:  # from an imported table (perhaps a catalog gap)
        title = (gap.title_th if lang == "th" else gap.title_en) if gap else ind_id
        title, unit = f"{title} ({t('imports.map_imported', lang)})", ""
        column = imported[ind_id]
        values = tuple(
            float(column.get(f["properties"][key], float("nan"))) for f in fc["features"]
        )
    elif gap is not None:
        title, unit = (gap.title_th if lang == "th" else gap.title_en), ""
        values = tuple(float("nan") for _ in fc["features"])
    else:
        d = definition(ind_id)
        title, unit = (d.title_th if lang == "th" else d.title_en), unit_text(d.unit, lang)
        if d.lower_bound:
            title = f"{title} ({t('map.zones.lower_bound_short', lang)})"
        table = indicators(kind)
        values = tuple(
            float(cast(float, table.at[f["properties"][key], ind_id]))
            if f["properties"][key] in table.index
            else float("nan")
            for f in fc["features"]
        )
    return webmap.ChoroplethSpec(
        layer_id=kind,
        title=title,
        unit=unit,
        feature_collection=fc,
        values=values,
        scheme=scheme,
        k=k,
    )


def workshops() -> list[sk.Workshop]:
    """Workshops a visitor may see (live: not cached): the published ones.

    A workshop is visible only with its join code unless its facilitator published it;
    the Workshop page (with the code) shows the others.
    """
    return sk.list_workshops(get_store(), published_only=True)


@st.cache_data(show_spinner=False, ttl=20)
def contributions(workshop_id: str) -> gpd.GeoDataFrame:
    """A workshop's visible contributions (EPSG:4326), re-read at most every 20 s."""
    return sk.contributions_frame(get_store(), workshop_id)


def contributions_overlay(workshop_id: str, lang: str) -> webmap.Overlay:
    """A workshop's contributions as a map overlay with a legend of their categories."""
    return workshop_overlay(contributions(workshop_id), lang=lang)


def map_parts(
    layer_ids: tuple[str, ...],
    indicator: tuple[str, str] | None,
    scheme: str,
    k: int,
    basemap: str,
    lang: str,
    detail: int,
    view: tuple[float, float, int],
    workshop_id: str = "",
    extra_overlays: tuple[webmap.Overlay, ...] = (),
    selected_zone: str = "",
) -> webmap.MapParts:
    """The Map page's map for these choices: a stable base and its layer group.

    Not cached itself: streamlit-folium rewrites the element ids of the map it is given,
    so one map object cannot be handed to it twice. Building is cheap; preparing the
    layers (cached in `web_layer`) is what costs.
    """
    layers = [web_layer(lid, lang, detail) for lid in layer_ids]
    spec = choropleth_spec(indicator, lang, detail, scheme, k) if indicator else None
    return webmap.build_map_parts(
        layers,
        center=(view[0], view[1]),
        zoom=view[2],
        lang=lang,
        credits=credit_lines(catalog().credits(), lang),
        basemap=basemap,
        choropleth=spec,
        overlays=[
            *extra_overlays,
            *([contributions_overlay(workshop_id, lang)] if workshop_id else []),
        ],
        selected_zone=selected_zone,
    )


def zone_names(lang: str) -> dict[str, str]:
    """Zone id -> name in ``lang``, in the layer's order."""
    zones = layer("zones")
    col = "name_th" if lang == "th" else "name_en"
    return {str(r["zone_id"]): str(r[col]) for _, r in zones.iterrows()}


def tambon_names(lang: str) -> dict[str, str]:
    """Tambon code -> name in ``lang``."""
    tambons = layer("tambons")
    col = "name_th" if lang == "th" else "name_en"
    return {str(r["tambon_code"]): str(r[col]) for _, r in tambons.iterrows()}
