"""Who is using the app: the signed-in account, the local editor, or a visitor.

Owns the session key ``account.token`` (the secret of the signed-in session; the store
keeps only its hash). Pages ask `current_actor` and hide what its role cannot do; the
library checks the role again on every write (`cmgis.accounts.authorize`), so a hidden
control is a convenience, not the protection. In the public read-only app
(`cmgis.settings.read_only`) everybody is a viewer and there is no sign-in.
"""

from __future__ import annotations

import secrets

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from cmgis import settings
from cmgis.accounts import (
    Actor,
    Client,
    Role,
    default_actor,
    has_accounts,
    session_actor,
    sign_out,
)
from cmgis.i18n import t
from cmgis.store import Store
from ui.display import escape_markdown
from ui.store import get_store

TOKEN_KEY = "account.token"
CLIENT_KEY = "account.client"


def client() -> Client:
    """Who is typing, for the wrong-password throttle: a random key of this browser
    session and its network address (``None`` for localhost: only the key counts)."""
    key: str = st.session_state.setdefault(CLIENT_KEY, secrets.token_hex(8))
    try:
        address = st.context.ip_address or ""
    except Exception:  # no session context (bare mode): the session key alone
        address = ""
    return Client(key, str(address))


def public_mode() -> bool:
    """Whether this is the public read-only app (``cmgis app --public``)."""
    return settings.read_only()


def current_actor(store: Store | None = None) -> Actor:
    """The signed-in account of this browser session, else the default actor.

    The default is the local editor while the store has no accounts and the app listens
    on this computer only; a viewer otherwise. An expired or ended session is forgotten.
    """
    if public_mode():
        return Actor.viewer()
    store = store or get_store()
    token = st.session_state.get(TOKEN_KEY)
    if token:
        actor = session_actor(store, str(token))
        if actor is not None:
            return actor
        st.session_state.pop(TOKEN_KEY, None)  # expired, ended or disabled
    return default_actor(store)


def can(role: Role, store: Store | None = None) -> bool:
    """Whether the current actor has ``role``'s rights (never in the public app)."""
    return not public_mode() and current_actor(store).can(role)


def facilitator_account(store: Store | None = None) -> Actor | None:
    """The signed-in facilitator or admin account of this session (it needs no workshop
    PIN: the library checks the account instead), else ``None``."""
    actor = current_actor(store)
    return actor if actor.verified and actor.can(Role.FACILITATOR) else None


def remember(token: str) -> None:
    """Keep the token of a new session in this browser session."""
    st.session_state[TOKEN_KEY] = token


def _sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        sign_out(get_store(), str(token))


def who_line(actor: Actor, lang: str, *, accounts: bool) -> str:
    """One line for the sidebar: who is signed in, or the local editor, or a visitor."""
    if public_mode():
        return t("accounts.sidebar.public", lang)
    if actor.verified:
        return t(
            "accounts.sidebar.signed_in",
            lang,
            name=escape_markdown(actor.display_name),
            user=escape_markdown(actor.username or ""),
            role=t(f"accounts.role.{actor.role.value}", lang),
        )
    if actor.is_local_editor:
        return t("accounts.sidebar.local_editor", lang)
    return t("accounts.sidebar.visitor" if accounts else "accounts.sidebar.network", lang)


def render_account_box(lang: str, sign_in_page: StreamlitPage | None) -> None:
    """The sidebar's account box: who is signed in, sign-out, or the link to sign in."""
    store = get_store()
    actor = current_actor(store)
    with st.sidebar:
        st.caption(who_line(actor, lang, accounts=has_accounts(store)))
        if actor.verified:
            st.button(t("accounts.sign_out", lang), key="account.sign_out", on_click=_sign_out)
        elif sign_in_page is not None and not public_mode() and has_accounts(store):
            st.page_link(sign_in_page, label=t("accounts.sign_in", lang), icon=":material/login:")
