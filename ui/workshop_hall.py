"""Workshop hall components: join links and QR codes, consent, hall options, deletion on
request, phone-friendly styling and the projector view.

Owns the ``session_state`` keys ``workshop.link_code``, ``workshop.goto``,
``workshop.consent_pending`` and ``workshop.projector_seen``. Participant text is shown
through `ui.display.escape_markdown` or elements that render plain text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from cmgis import CmgisError, settings
from cmgis import workshop as sk
from cmgis.i18n import t
from cmgis.store import Store
from ui.account import facilitator_account
from ui.display import escape_markdown

LINK_CODE = "workshop.link_code"  # join code from the link (?code=...), read once
GOTO = "workshop.goto"  # the view to switch to on the next run (set before a rerun)
CONSENT_PENDING = "workshop.consent_pending"  # group ids that still must answer consent
VIEW = "workshop.view"  # the page's view radio (owned by ui/pages/workshop.py)

#: Touch targets of at least 44 px, no horizontal scrolling, on phones and tablets.
PHONE_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { overflow-x: hidden; }
[data-testid="stMain"] button, [data-testid="stMain"] [data-baseweb="select"] > div,
[data-testid="stMain"] input, [data-testid="stMain"] textarea { min-height: 44px; }
[data-testid="stMain"] [data-testid="stRadio"] label,
[data-testid="stMain"] [data-testid="stCheckbox"] label,
[data-testid="stMain"] [data-testid="stExpander"] summary,
[data-testid="stMain"] [data-testid="stToggle"] label { min-height: 44px; align-items: center; }
[data-testid="stMain"] [data-testid="stRadio"] [role="radiogroup"] { gap: 0 1rem; flex-wrap: wrap; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3rem 0.75rem 2rem 0.75rem; }
  [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * {
    font-size: 1.4rem !important; line-height: 1.3 !important; padding: 0 !important; }
}
</style>
"""

#: The projector: large type, the sidebar and toolbar out of the way.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 1rem 1.5rem; max-width: 100%; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.35rem; }
[data-testid="stMetricValue"] { font-size: 3rem; }
[data-testid="stMain"] h1 { font-size: 2.4rem !important; }
</style>
"""


def phone_css() -> None:
    """Style the Workshop page for touch (44 px targets, no sideways scrolling)."""
    st.html(PHONE_CSS)


def apply_join_link() -> str | None:
    """Take the join code of the link (``/workshop?code=...``); return it if any.

    Read on every run (the first run of a new session may come before the browser sent
    the query): a new code fills the Join view's code box, and a session that has joined
    no group yet opens on the Join view.
    """
    raw = st.query_params.get("code")
    code = sk.normalise_code(raw)[:12] if isinstance(raw, str) and raw.strip() else ""
    if code and code != st.session_state.get(LINK_CODE):
        st.session_state[LINK_CODE] = code
        st.session_state["workshop.join.code"] = code
        if not st.session_state.get("workshop.participants"):
            st.session_state[GOTO] = "join"
    known = st.session_state.get(LINK_CODE)
    return str(known) if known else None


def apply_goto() -> None:
    """Switch the page's view as asked before the last rerun (call before the view radio)."""
    view = st.session_state.pop(GOTO, None)
    if view:
        st.session_state[VIEW] = view


def after_join(store: Store, who: sk.Participant) -> None:
    """After a join: ask for consent if the workshop wants details, and go to the map."""
    try:
        ws = sk.get_workshop(store, who.code)
    except CmgisError:
        return
    if ws.ask_details != "none":
        pending: set[str] = st.session_state.setdefault(CONSENT_PENDING, set())
        pending.add(who.group_id)
    st.session_state[GOTO] = "map"


def consent_needed(who: sk.Participant) -> bool:
    """Whether this group must still answer the consent question."""
    return who.group_id in st.session_state.get(CONSENT_PENDING, set())


def consent_panel(store: Store, workshop: sk.Workshop, who: sk.Participant, lang: str) -> None:
    """The facilitator's consent text; agree with a name (and contact), or take part without."""
    text = (workshop.consent_th if lang == "th" else workshop.consent_en) or workshop.consent_en
    st.subheader(t("workshop_hall.consent.header", lang))
    with st.container(border=True):
        st.markdown(escape_markdown(text))
    st.caption(t("workshop_hall.consent.optional", lang))
    with st.form("workshop.consent_form"):
        name = st.text_input(t("workshop_hall.consent.name", lang), key="workshop.consent.name")
        contact = ""
        if workshop.ask_details == "name_contact":
            contact = st.text_input(
                t("workshop_hall.consent.contact", lang), key="workshop.consent.contact"
            )
        agree = st.form_submit_button(t("workshop_hall.consent.agree", lang), type="primary")
        refuse = st.form_submit_button(t("workshop_hall.consent.refuse", lang))
    if not (agree or refuse):
        return
    try:
        sk.record_consent(store, who, consent=bool(agree), person_name=name, contact=contact)
    except CmgisError as err:
        st.error(escape_markdown(str(err)))
        return
    st.session_state.get(CONSENT_PENDING, set()).discard(who.group_id)
    key = "workshop_hall.consent.thanks" if agree else "workshop_hall.consent.refused"
    st.session_state["workshop.flash"] = ("success", t(key, lang))
    st.rerun()


def base_url() -> str:
    """The app's address as phones reach it: ``cmgis app --lan``'s, else this browser's."""
    configured = settings.public_url()
    if configured:
        return configured
    try:
        url = st.context.url or ""
    except Exception:  # no session context (bare mode)
        url = ""
    return url or "http://localhost:8501"


def join_link(code: str, lang: str) -> str:
    """The join link of workshop ``code`` in the page language."""
    link = sk.join_url(base_url(), code)
    return f"{link}&lang={lang}" if lang == "th" else link


def qr_panel(code: str, lang: str, *, width: int = 320) -> None:
    """A large QR code of the join link, the code in large type and the link."""
    link = join_link(code, lang)
    st.image(sk.qr_png(link, box_px=12), width=width, caption=t("workshop_hall.qr.scan", lang))
    st.markdown(f"## {t('workshop.join.code', lang)}: `{code}`")
    st.code(link, language=None)


def hall_options(store: Store, code: str, pin: str, lang: str) -> None:
    """Anonymous groups, details asked for with consent, and the consent text (PIN)."""
    ws = sk.get_workshop(store, code)
    with st.form("workshop.hall_form"):
        anonymous = st.toggle(
            t("workshop_hall.opt.anonymous", lang), value=ws.allow_anonymous,
            key="workshop.hall.anonymous",
        )  # fmt: skip
        ask = st.selectbox(
            t("workshop_hall.opt.ask", lang), sk.ASK_DETAILS,
            index=sk.ASK_DETAILS.index(ws.ask_details),
            format_func=lambda a: t(f"workshop_hall.ask.{a}", lang), key="workshop.hall.ask",
        )  # fmt: skip
        consent_th = st.text_area(
            t("workshop_hall.opt.consent_th", lang), value=ws.consent_th, key="workshop.hall.th"
        )
        consent_en = st.text_area(
            t("workshop_hall.opt.consent_en", lang), value=ws.consent_en, key="workshop.hall.en"
        )
        saved = st.form_submit_button(t("workshop_hall.opt.save", lang))
    if saved:
        try:
            sk.set_hall_options(store, code, pin, allow_anonymous=anonymous, ask_details=str(ask),
                                consent_en=consent_en, consent_th=consent_th,
                                actor=facilitator_account(store))  # fmt: skip
        except CmgisError as err:
            st.error(escape_markdown(str(err)))
        else:
            st.success(t("workshop.fac.done", lang))


def people_panel(store: Store, code: str, pin: str, lang: str) -> None:
    """Details given with consent, and deleting one participant's data on request."""
    try:
        people = sk.list_people(store, code, pin, actor=facilitator_account(store))
    except CmgisError as err:
        st.error(escape_markdown(str(err)))
        return
    if people:
        columns = [t(f"workshop_hall.people.{c}", lang) for c in ("group", "name", "contact", "at")]
        rows = [(p.group_name, p.person_name, p.contact, p.created_at) for p in people]
        st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True)
    else:
        st.caption(t("workshop_hall.people.none", lang))
    ws = sk.get_workshop(store, code)
    names = dict(sk.list_groups(store, ws.id))
    if not names:
        return
    chosen = st.selectbox(
        t("workshop_hall.delete.pick", lang), list(names), format_func=names.__getitem__,
        key="workshop.hall.delete_pick",
    )  # fmt: skip
    sure = st.checkbox(t("workshop_hall.delete.sure", lang), key="workshop.hall.delete_sure")
    if st.button(t("workshop_hall.delete.go", lang), key="workshop.hall.delete_go",
                 disabled=not sure):  # fmt: skip
        try:
            done = sk.delete_participant(store, code, pin, str(chosen),
                                          actor=facilitator_account(store))  # fmt: skip
        except CmgisError as err:
            st.error(escape_markdown(str(err)))
            return
        st.session_state.pop("workshop.hall.delete_sure", None)
        st.session_state["workshop.flash"] = (
            "success",
            t("workshop_hall.delete.done", lang, n=done.contributions, c=done.comments,
              v=done.votes),
        )  # fmt: skip
        st.rerun()


def newest(frame: Any, n: int = 5) -> Any:
    """The ``n`` newest contributions of a contributions frame (newest first)."""
    if not len(frame):
        return frame
    return frame.sort_values("created_at", ascending=False).head(n)
