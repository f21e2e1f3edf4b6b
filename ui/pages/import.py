"""Import page: bring agency files (layers) and indicator tables into cmgis."""

import streamlit as st

from cmgis.i18n import t
from ui import import_views
from ui.errors import guard
from ui.state import current_lang

lang = current_lang()
st.title(t("imports.page_title", lang))
st.caption(t("imports.page_caption", lang))
who = st.text_input(t("imports.who_label", lang), key="imports.who").strip()
layer_tab, table_tab, list_tab = st.tabs(
    [t("imports.tab_layer", lang), t("imports.tab_table", lang), t("imports.tab_list", lang)]
)
with layer_tab:
    if who:
        guard(import_views.layer_form)(lang, who)
    else:
        st.info(t("imports.who_needed", lang))
with table_tab:
    guard(import_views.table_form)(lang, who)
with list_tab:
    guard(import_views.imported_list)(lang)
