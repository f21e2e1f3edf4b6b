"""Import page: bring agency files (layers) and indicator tables into cmgis.

Storing and deleting need the editor role: the forms and delete buttons are shown only to
a role that can use them (the library checks the role again on every write).
"""

import streamlit as st

from cmgis.accounts import Role
from cmgis.i18n import t
from ui import import_views
from ui.account import current_actor, public_mode
from ui.errors import guard
from ui.state import current_lang

lang = current_lang()
st.title(t("imports.page_title", lang))
st.caption(t("imports.page_caption", lang))
actor = current_actor()
may_import = not public_mode() and actor.can(Role.EDITOR)
who = ""
if may_import and actor.verified:  # the account is recorded; a typed name goes beside it
    who = (
        st.text_input(
            t("accounts.name_optional", lang, user=actor.username), key="imports.who"
        ).strip()
        or actor.display_name
    )
elif may_import:
    who = st.text_input(t("imports.who_label", lang), key="imports.who").strip()
layer_tab, table_tab, list_tab = st.tabs(
    [t("imports.tab_layer", lang), t("imports.tab_table", lang), t("imports.tab_list", lang)]
)
with layer_tab:
    if not may_import:
        st.info(t("accounts_access.import_needs_editor", lang))
    elif who:
        guard(import_views.layer_form)(lang, who, actor)
    else:
        st.info(t("imports.who_needed", lang))
with table_tab:
    guard(import_views.table_form)(lang, who, actor if may_import else None)
with list_tab:
    guard(import_views.imported_list)(lang, actor if may_import else None)
