"""Map page: layers by theme, an indicator choropleth, click a zone for its profile."""

import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import t
from ui import map_panel, user_layer_views
from ui.display import escape_markdown
from ui.errors import guard
from ui.state import current_lang, write_to_url


@st.fragment
@guard
def _map_fragment() -> None:
    lang = current_lang()
    panel, main = st.columns([1, 3], gap="medium")
    # the map goes out first so the browser loads it while the panel's widgets load
    layer_ids, indicator, scheme, k, basemap, workshop = map_panel.current_choices()
    saved = tuple(user_layer_views.chosen_on_map())
    with main:
        map_panel.render_map(layer_ids, indicator, scheme, k, basemap, lang, workshop, saved)
    with panel:
        map_panel.basemap_picker(lang)
        map_panel.indicator_panel(lang)
        map_panel.layer_panel(lang)
        map_panel.workshop_picker(lang)
    with main:
        map_panel.zone_summary(lang)
    write_to_url("map")


lang = current_lang()
st.title(t("map.page.title", lang))
st.caption(t("map.page.caption", lang))
try:
    _map_fragment()
except CmgisError as err:
    st.error(t("map.data_missing", lang, err=escape_markdown(err)))
