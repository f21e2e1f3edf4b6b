"""Workshop page: join, draw and describe, deliberation board, facilitator's live view."""

import streamlit as st

from cmgis import CmgisError, StoreUnavailableError
from cmgis.i18n import t
from cmgis.maps import use_local_assets
from ui import workshop as w
from ui.display import escape_markdown
from ui.errors import guard
from ui.store import get_store

use_local_assets()  # Leaflet, Leaflet.draw and the heat map from static/, offline
lang = st.session_state.get("lang", "en")
try:
    store = get_store()
except CmgisError as store_err:  # a bad CMGIS_DB: say so, never a traceback
    if isinstance(store_err, StoreUnavailableError):  # the shared database is down
        st.error(t("store.postgis.unreachable_open", lang))
    else:
        st.error(t("store.unavailable", lang, err=escape_markdown(store_err)))
    st.stop()

st.title(t("workshop.page.title", lang))
w.show_flash()
VIEWS = ("join", "map", "board", "facilitator")
view = st.radio(
    t("workshop.page.view", lang),
    VIEWS,
    format_func=lambda v: t(f"workshop.view.{v}", lang),
    horizontal=True,
    key="workshop.view",
)
st.toggle(t("workshop.page.basemap", lang), key="workshop.basemap")

if view == "join":
    w.join_panel(store, lang)
    with st.expander(t("workshop.create.header", lang)):
        w.create_panel(store, lang)
elif view in ("map", "board"):
    workshop = w.current_workshop(store)
    if workshop is None:
        st.info(t("workshop.page.join_first", lang))
    else:
        who = w.active_group_picker(lang)
        if who is not None and view == "map":
            w.draw_panel(store, workshop, who, lang)
            w.my_contributions(store, workshop, who, lang)
        elif view == "board":
            w.board_panel(store, workshop, who, lang)
else:
    login = w.facilitator_login(store, lang)
    if login is not None:
        code, pin = login
        every = st.select_slider(
            t("workshop.live.refresh", lang), options=[0, 5, 10, 30], value=5,
            key="workshop.refresh_s",
        )  # fmt: skip

        @st.fragment(run_every=every or None)
        @guard
        def _live() -> None:
            w.live_view(store, code, lang)

        _live()
        w.moderation_panel(store, code, pin, lang)
        with st.expander(t("workshop.fac.results", lang)):
            w.downloads(store, code, lang)
            w.import_panel(store, code, pin, lang)
        if st.button(t("workshop.fac.leave", lang), key="workshop.fac.leave"):
            st.session_state.pop(w.FACILITATOR, None)
            st.rerun()
