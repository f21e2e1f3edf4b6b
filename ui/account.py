"""Who is using the app: the signed-in account, the local editor, or a visitor.

Owns the session keys ``account.token`` (the secret of the signed-in session; the store
keeps only its hash), ``account.cookie`` (a cookie write waiting for the next render)
and ``account.cookie_seen`` (a cookie already found stale), and the browser cookie
``cmgis_session_<port>`` (cookies are not kept apart by port: two apps on one host must not
read each other's): the same token, so a page reload or a new tab stays signed in. The
cookie is written by a two-line script (`sync_cookie`; Streamlit cannot send a
``Set-Cookie`` header, so it cannot be HttpOnly), ``SameSite=Strict``, ``Secure`` on
https, and lives as long as the session (`SESSION_TTL`); it is read from the request
that opened the page (``st.context.cookies``) and checked against the store like any
token, so a signed-out, expired or disabled session in a cookie counts for nothing.

Pages ask `current_actor` and hide what its role cannot do; the
library checks the role again on every write (`cmgis.accounts.authorize`), so a hidden
control is a convenience, not the protection. In the public read-only app
(`cmgis.settings.read_only`) everybody is a viewer and there is no sign-in.
"""

from __future__ import annotations

import json
import re
import secrets

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from cmgis import settings
from cmgis.accounts import (
    SESSION_TTL,
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
COOKIE = "cmgis_session"  # + "_<port>" (`cookie_name`)
COOKIE_KEY = "account.cookie"  # the token to write into the cookie, "" to clear it
COOKIE_SEEN = "account.cookie_seen"  # a cookie token already found ended or expired
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]{20,128}")


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
    kept = st.session_state.get(TOKEN_KEY)
    token = kept or _cookie_token()
    if token:
        actor = session_actor(store, str(token))
        if actor is not None:
            st.session_state[TOKEN_KEY] = token  # from the cookie: this session's from now
            return actor
        st.session_state.pop(TOKEN_KEY, None)  # expired, ended or disabled
        st.session_state[COOKIE_SEEN] = token
        if not kept:  # a stale cookie: clear it in the browser too
            st.session_state[COOKIE_KEY] = ""
    return default_actor(store)


def cookie_name() -> str:
    """``cmgis_session_<port>``: the session cookie of this app (one per port)."""
    try:
        port = int(st.get_option("server.port"))
    except (TypeError, ValueError, RuntimeError):
        port = 0
    return f"{COOKIE}_{port}"


def _cookie_token() -> str | None:
    """The token of this app's session cookie sent with the page, unless already found
    stale (then the store is not asked again on every rerun)."""
    try:
        value = st.context.cookies.get(cookie_name())
    except Exception:  # no browser request (bare mode, AppTest)
        return None
    if not value or value == st.session_state.get(COOKIE_SEEN):
        return None
    token = str(value)
    if _TOKEN_CHARS.fullmatch(token) is None:
        return None
    return token


def can(role: Role, store: Store | None = None) -> bool:
    """Whether the current actor has ``role``'s rights (never in the public app)."""
    return not public_mode() and current_actor(store).can(role)


def facilitator_account(store: Store | None = None) -> Actor | None:
    """The signed-in facilitator or admin account of this session, else ``None``: it needs
    no PIN for its own workshops (an admin: any workshop); the library checks the account
    and the workshop's owner instead (`cmgis.workshop.verify_pin`)."""
    actor = current_actor(store)
    return actor if actor.verified and actor.can(Role.FACILITATOR) else None


def remember(token: str) -> None:
    """Keep the token of a new session in this browser session and (next render) in the
    browser's cookie, so a reload stays signed in."""
    st.session_state[TOKEN_KEY] = token
    st.session_state[COOKIE_KEY] = token


def cookie_script(token: str) -> str:
    """The script that writes ``token`` into the session cookie ("" clears it)."""
    if token and _TOKEN_CHARS.fullmatch(token) is None:
        raise ValueError("not a session token")
    max_age = int(SESSION_TTL.total_seconds()) if token else 0
    value = json.dumps(f"{cookie_name()}={token}; Path=/; Max-Age={max_age}; SameSite=Strict")
    return (
        f"<script>document.cookie = {value} + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def sync_cookie() -> None:
    """Write (after sign-in) or clear (after sign-out) the session cookie, once."""
    pending = st.session_state.pop(COOKIE_KEY, None)
    if pending is None or public_mode():
        return
    st.html(cookie_script(str(pending)), unsafe_allow_javascript=True)


def _sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    st.session_state[COOKIE_KEY] = ""  # clear the cookie at the next render
    if token:
        st.session_state[COOKIE_SEEN] = str(token)
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
        sync_cookie()
        st.caption(who_line(actor, lang, accounts=has_accounts(store)))
        if actor.verified:
            st.button(t("accounts.sign_out", lang), key="account.sign_out", on_click=_sign_out)
        elif sign_in_page is not None and not public_mode() and has_accounts(store):
            st.page_link(sign_in_page, label=t("accounts.sign_in", lang), icon=":material/login:")
