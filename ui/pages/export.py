"""Export page: layers in GIS formats and Thai coordinate systems, and printable maps."""

import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import t
from ui import export_panel
from ui.display import escape_markdown
from ui.state import current_lang

lang = current_lang()
st.title(t("export.page.title", lang))
st.caption(t("export.page.caption", lang))
files_tab, print_tab = st.tabs([t("export.page.tab_files", lang), t("export.page.tab_print", lang)])
try:
    with files_tab:
        export_panel.export_form(lang)
    with print_tab:
        export_panel.print_form(lang)
except CmgisError as err:  # e.g. the built data is missing
    st.error(escape_markdown(err))
