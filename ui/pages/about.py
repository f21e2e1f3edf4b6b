"""About the data: catalog, sources, licences, credits, data gaps, indicators, ISC scores."""

import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import t
from ui import about_views, import_views
from ui.display import escape_markdown
from ui.state import current_lang

lang = current_lang()
st.title(t("map.about.title", lang))
st.write(t("map.about.intro", lang))
try:
    about_views.credits(lang)
    about_views.layers_table(lang)
    import_views.about_section(lang)
    about_views.gaps(lang)
    about_views.indicator_definitions_table(lang)
    about_views.isc(lang)
except CmgisError as err:
    st.error(t("map.data_missing", lang, err=escape_markdown(err)))
