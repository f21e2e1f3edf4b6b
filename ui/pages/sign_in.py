"""Sign-in page: an account's username and password (Thai/English); sign-out in the sidebar.

Wrong passwords are slowed down by the library (per account, browser session and
address). Not in the navigation of the public read-only app.
"""

from __future__ import annotations

import streamlit as st

from cmgis import AuthError, CmgisError
from cmgis.accounts import TooManyPasswordsError, has_accounts, sign_in
from cmgis.i18n import t
from ui.account import client, current_actor, public_mode, remember
from ui.display import escape_markdown
from ui.store import get_store

lang = st.session_state.get("lang", "en")
st.title(t("accounts.sign_in.title", lang))
store = get_store()
actor = current_actor(store)
if public_mode():
    st.info(t("accounts.sidebar.public", lang))
    st.stop()
if actor.verified:
    st.success(
        t(
            "accounts.sign_in.already",
            lang,
            name=escape_markdown(actor.display_name),
            role=t(f"accounts.role.{actor.role.value}", lang),
        )
    )
    st.stop()
if not has_accounts(store):
    local = actor.is_local_editor  # else the app is open to a network: nobody edits
    st.info(t("accounts.sign_in.no_accounts" if local else "accounts.sidebar.network", lang))
    st.stop()
st.caption(t("accounts.sign_in.caption", lang))
with st.form("account.sign_in_form"):
    username = st.text_input(t("accounts.username", lang), key="account.username")
    password = st.text_input(t("accounts.password", lang), type="password", key="account.password")
    submitted = st.form_submit_button(t("accounts.sign_in", lang))
if submitted:
    try:
        session = sign_in(store, username, password, client=client())
    except TooManyPasswordsError as err:
        st.error(t("accounts.sign_in.too_many", lang, wait_s=err.wait_s))
    except AuthError:
        st.error(t("accounts.sign_in.wrong", lang))
    except CmgisError as err:
        st.error(escape_markdown(err))
    else:
        remember(session.token)
        st.session_state.pop("account.password", None)
        st.rerun()
