"""Zones page: a profile per zone and a side-by-side comparison of two or more zones."""

import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import t
from ui import user_layer_views, zone_views
from ui.display import escape_markdown
from ui.state import current_lang

lang = current_lang()
st.title(t("map.zones.title", lang))
try:
    zone_id = zone_views.zone_picker(lang)
    zone_views.profile(zone_id, lang)
    st.divider()
    zone_views.comparison_chart(zone_id, lang)
    st.divider()
    zone_views.side_by_side(zone_id, lang)
    st.divider()
    user_layer_views.candidate_profile(lang)
except CmgisError as err:
    st.error(t("map.data_missing", lang, err=escape_markdown(err)))
