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
    keep_widget_values()


def _plain(value: object) -> bool:
    """A value a choice widget can hold: text or a number, or a list or tuple of them."""
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def keep_widget_values() -> None:
    """Store every widget's current value again as a value, before the labels change.

    Streamlit keeps a choice widget's value (radio, selectbox, multiselect, select
    slider) as the *label* of the chosen option; once the labels are drawn in the other
    language the old label no longer matches and came back as the value itself (e.g.
    ``'Zones (5 districts)'`` instead of ``'zones'``). Written back through the Session
    State API, each value is the option id again and is shown with the new label.
    Only plain values are written back: buttons, check boxes, uploaders and editors hold
    booleans, files or dicts, have no labels to translate and may not be set.
    """
    state = st.session_state
    for key in list(state.keys()):
        value = state.get(key)
        if key != "_w_lang" and _plain(value):
            state[key] = value


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
