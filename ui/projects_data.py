"""Cached data of the Projects page: the report's projects layer, the zones, the store."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from cmgis.data import load_catalog, load_layer
from cmgis.plan import Plan, load_plan, load_projects_layer
from cmgis.store import Store
from ui.store import get_store


@st.cache_resource(show_spinner=False)
def plan() -> Plan:
    """The action plan (read once per process)."""
    return load_plan()


@st.cache_resource(show_spinner=False)
def base_projects() -> gpd.GeoDataFrame:
    """The report's projects layer (never mutated: callers get copies from cmgis)."""
    return load_projects_layer()


@st.cache_resource(show_spinner=False)
def zones() -> gpd.GeoDataFrame:
    """Layer ``zones`` (EPSG:4326)."""
    return load_layer("zones")


def store() -> Store:
    """The app's store (`ui.store.get_store`: one cached store for every page)."""
    return get_store()


#: Layers the projects are placed from; their credits are shown on the map.
SOURCE_LAYERS = ("zones", "landmarks", "pois", "coworking", "roads")


@st.cache_resource(show_spinner=False)
def credits() -> list[str]:
    """Credit lines of the projects layer and the layers it is placed from (catalog)."""
    catalog = load_catalog()
    ids = [i for i in ("projects", *SOURCE_LAYERS) if i in catalog.ids()]
    return catalog.credits(ids)
