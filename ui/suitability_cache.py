"""Cached wrappers for the Suitability page: spec, criteria stack, display lookup, base map."""

from __future__ import annotations

import folium
import geopandas as gpd
import streamlit as st

from cmgis.maps import DisplayLookup, display_lookup, suitability_map
from cmgis.suitability import NormalisedStack, Spec, load_spec, normalise_stack, stack_for_spec


@st.cache_resource(show_spinner=False)
def spec() -> Spec:
    """The suitability spec (data/spec/suitability.toml)."""
    return load_spec()


@st.cache_resource(show_spinner=False, max_entries=3)
def normalised(resolution_m: float) -> NormalisedStack:
    """The normalised criteria stack at ``resolution_m`` (built once, cached on disk too)."""
    s = spec()
    return normalise_stack(stack_for_spec(s, resolution_m=resolution_m), s.criteria)


@st.cache_resource(show_spinner=False, max_entries=3)
def lookup(resolution_m: float) -> DisplayLookup:
    """Web Mercator display lookup of the grid at ``resolution_m``."""
    return display_lookup(normalised(resolution_m).stack)


@st.cache_resource(show_spinner=False)
def tambons() -> gpd.GeoDataFrame:
    """The 16 Mueang tambons (EPSG:4326), outlines for the map."""
    from cmgis.data import load_layer

    return load_layer("tambons")


@st.cache_resource(show_spinner=False)
def districts() -> gpd.GeoDataFrame:
    """The five named districts (layer ``zones``, EPSG:4326)."""
    from cmgis.data import load_layer

    return load_layer("zones")


def map_for(
    resolution_m: float, lang: str, legend_title: str, legend_note: str, districts_name: str
) -> folium.Map:
    """A fresh base map: fitted to the grid, legend, credits and district outlines.

    Not cached: streamlit-folium adds the dynamic feature groups to the map object it is
    given. Its output is the same on every rerun (folium's random ids are normalised by
    streamlit-folium), so the browser keeps the map and only swaps the surface and
    candidate layers.
    """
    return suitability_map(
        lookup(resolution_m),
        tambons=tambons(),
        districts=districts(),
        lang=lang,
        legend_title=legend_title,
        legend_note=legend_note,
        districts_name=districts_name,
    )
