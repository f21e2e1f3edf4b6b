"""cmgis Streamlit app: configures the page and the navigation; pages live in ui/pages/."""

from pathlib import Path

import streamlit as st

from cmgis.i18n import t
from cmgis.maps import start_warming
from ui.account import public_mode, render_account_box
from ui.errors import guard
from ui.sidebar import render_sidebar
from ui.state import load_from_url, write_to_url

st.set_page_config(
    page_title="cmgis",
    page_icon=str(Path(__file__).parent / "static" / "cmgis-icon.png"),
    layout="wide",
)


@st.cache_resource
def _warm_street_basemaps() -> None:
    """Once per server: prepare the street basemap in the background (a fresh install
    computes its road classes once, a few seconds) while the first page loads."""
    start_warming()


_warm_street_basemaps()
url_page = load_from_url()
lang = render_sidebar()

PAGES = [
    st.Page(
        "ui/pages/home.py",
        title=t("map.nav.home", lang),
        icon=":material/home:",
        # served at "/"; "/home" is the hidden alias below (a path may name one page only)
        url_path="start",
        default=True,
    ),
    st.Page("ui/pages/map.py", title=t("map.nav.map", lang), icon=":material/map:", url_path="map"),
    st.Page(
        "ui/pages/zones.py",
        title=t("map.nav.zones", lang),
        icon=":material/assignment:",
        url_path="zones",
    ),
    st.Page(
        "ui/pages/projects.py",
        title=t("map.nav.projects", lang),
        icon=":material/push_pin:",
        url_path="projects",
    ),
    st.Page(
        "ui/pages/workshop.py",
        title=t("map.nav.workshop", lang),
        icon=":material/groups:",
        url_path="workshop",
    ),
    st.Page(
        "ui/pages/suitability.py",
        title=t("map.nav.suitability", lang),
        icon=":material/target:",
        url_path="suitability",
    ),
    st.Page(
        "ui/pages/import.py",
        title=t("imports.nav", lang),
        icon=":material/upload_file:",
        url_path="import",
    ),
    st.Page(
        "ui/pages/export.py",
        title=t("export.nav", lang),
        icon=":material/download:",
        url_path="export",
    ),
    st.Page(
        "ui/pages/about.py",
        title=t("map.nav.about", lang),
        icon=":material/info:",
        url_path="about",
    ),
]

#: The sign-in page: not in the public read-only app (nobody signs in there).
SIGN_IN = st.Page(
    "ui/pages/sign_in.py",
    title=t("accounts.nav", lang),
    icon=":material/login:",
    url_path="sign-in",
)
if public_mode():
    # read-only: nobody signs in, joins or moderates a workshop (the library refuses too);
    # published workshops stay on the Map page
    PAGES = [p for p in PAGES if p.url_path != "workshop"]
else:
    PAGES.append(SIGN_IN)

#: ``/home`` as typed (the default page itself lives at ``/``): a hidden alias of Home
HOME_ALIAS = st.Page(
    "ui/pages/home.py", title=t("map.nav.home", lang), url_path="home", visibility="hidden"
)

page = st.navigation([*PAGES, HOME_ALIAS])
guard(render_account_box)(lang, None if public_mode() else SIGN_IN)
if page.url_path == HOME_ALIAS.url_path:
    st.switch_page(PAGES[0], query_params=st.query_params.to_dict())
page_id = page.url_path or "home"
if url_page and url_page != page_id:
    # a shared link like /?page=zones&zone=...: open that page with the same parameters
    target = next((p for p in PAGES if (p.url_path or "home") == url_page), None)
    if target is not None:
        st.switch_page(target, query_params=st.query_params.to_dict())
guard(page.run)()
write_to_url(page_id)
