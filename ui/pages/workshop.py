"""Workshop page: join (by link or QR code), draw and describe, deliberation board, the
facilitator's view and the projector view."""

import streamlit as st

from cmgis import CmgisError, StoreUnavailableError
from cmgis import workshop as sk
from cmgis.i18n import t
from cmgis.maps import use_local_assets
from ui import workshop as w
from ui import workshop_facilitator as fac
from ui import workshop_hall as hall
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

hall.phone_css()
link_code = hall.apply_join_link()
hall.apply_goto()
VIEWS = ("join", "map", "board", "facilitator", "projector")
if st.session_state.get(hall.VIEW) != "projector":
    st.title(t("workshop.page.title", lang))
    w.show_flash()
view = st.radio(
    t("workshop.page.view", lang),
    VIEWS,
    format_func=lambda v: t(f"workshop.view.{v}", lang) if v != "projector"
    else t("workshop_hall.view.projector", lang),
    horizontal=True,
    key=hall.VIEW,
)  # fmt: skip


def _refresh_every() -> int:
    every: int = st.select_slider(
        t("workshop.live.refresh", lang), options=[0, 5, 10, 30], value=5,
        key="workshop.refresh_s",
    )  # fmt: skip
    return every


if view == "join":
    w.join_panel(store, lang)
    if not link_code:  # a participant who came by the link needs nothing else here
        with st.expander(t("workshop.create.header", lang)):
            w.create_panel(store, lang)
elif view in ("map", "board"):
    workshop = w.current_workshop(store)
    if workshop is None:
        st.info(t("workshop.page.join_first", lang))
    else:
        who = w.active_group_picker(lang)
        if who is not None and hall.consent_needed(who):
            hall.consent_panel(store, workshop, who, lang)
        elif who is not None and view == "map":
            items = sk.list_contributions(store, workshop.id)  # one read for the whole run
            w.draw_panel(store, workshop, who, lang, items)
            st.toggle(t("workshop.page.basemap", lang), key="workshop.basemap")
            w.my_contributions(store, workshop, who, lang, items)
        elif view == "board":
            w.board_panel(store, workshop, who, lang)
else:
    login = fac.facilitator_login(store, lang)
    if login is not None:
        code, pin = login
        if view == "projector":
            st.html(hall.PROJECTOR_CSS)
            every = _refresh_every()

            @st.fragment(run_every=every or None)
            @guard
            def _projector() -> None:
                left, right = st.columns([4, 1])
                with left:  # first: what changed reaches the projector before the QR code
                    ws, items = fac.live_view(store, code, lang, map_height=640)
                with right:
                    hall.qr_panel(code, lang, width=220)
                w.board_panel(store, ws, None, lang, items)

            _projector()
        else:
            fac.facilitating_as(store, pin, lang)
            every = _refresh_every()
            st.toggle(t("workshop.page.basemap", lang), key="workshop.basemap")
            with st.expander(t("workshop_hall.qr.header", lang), expanded=True):
                hall.qr_panel(code, lang)

            @st.fragment(run_every=every or None)
            @guard
            def _live() -> None:
                fac.live_view(store, code, lang)

            _live()
            fac.moderation_panel(store, code, pin, lang)
            with st.expander(t("workshop_hall.opt.header", lang)):
                hall.hall_options(store, code, pin, lang)
            with st.expander(t("workshop_hall.people.header", lang)):
                hall.people_panel(store, code, pin, lang)
            with st.expander(t("workshop.fac.results", lang)):
                fac.downloads(store, code, lang)
                fac.import_panel(store, code, pin, lang)
            if st.button(t("workshop.fac.leave", lang), key="workshop.fac.leave"):
                st.session_state.pop(w.FACILITATOR, None)
                st.rerun()
