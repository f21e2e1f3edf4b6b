"""The sidebar every page shares: language switch and the note on shareable URLs.

Rendered once by ``app.py`` before the page runs, never pasted into pages. Owns the
session key ``lang`` (through the widget key ``_w_lang``).
"""

from __future__ import annotations

import streamlit as st

from cmgis.i18n import t
from ui.state import current_lang

LANGS = ("th", "en")


def _copy_lang() -> None:
    st.session_state["lang"] = st.session_state["_w_lang"]


def render_sidebar() -> str:
    """Draw the shared sidebar and return the chosen language (``"th"`` or ``"en"``)."""
    lang = current_lang()
    st.session_state["_w_lang"] = lang
    with st.sidebar:
        st.radio(
            f"{t('lang.label', 'th')} / {t('lang.label', 'en')}",
            LANGS,
            key="_w_lang",
            format_func=lambda code: "ไทย" if code == "th" else "English",
            horizontal=True,
            on_change=_copy_lang,
        )
        st.caption(t("map.sidebar.share", lang))
    return current_lang()
