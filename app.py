"""cmgis Streamlit app: configures the page and the navigation; pages live in ui/pages/."""

import streamlit as st

st.set_page_config(page_title="cmgis", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("ui/pages/home.py", title="Home", icon="🏠", url_path="home", default=True),
    st.Page("ui/pages/projects.py", title="Projects", icon="📌", url_path="projects"),
    st.Page("ui/pages/workshop.py", title="Workshop", icon="🗳️", url_path="workshop"),
    st.Page("ui/pages/suitability.py", title="Suitability", icon="🎯", url_path="suitability"),
]

st.navigation(PAGES).run()
