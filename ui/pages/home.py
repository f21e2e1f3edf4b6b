"""Start page: what cmgis is and where the data comes from."""

import streamlit as st

from cmgis.i18n import t

lang = st.session_state.get("lang", "en")
st.title(t("app.title", lang))
st.write(t("app.tagline", lang))
