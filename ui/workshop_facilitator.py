"""The workshop's facilitator side: opening a workshop (PIN or account), moderation, the
live (projector) view, downloads and imports.

The participant side (joining, drawing, the board) is `ui.workshop`; this module uses its
session keys and helpers. Participant text is shown escaped (`escape_markdown`,
`cmgis.maps` for the map).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from cmgis import CmgisError
from cmgis import workshop as sk
from cmgis.accounts import Actor, Role
from cmgis.i18n import t
from cmgis.maps import add_live_contributions, live_map_base
from cmgis.store import Store
from cmgis.workshop import export_workshop, import_workshop
from ui import workshop_hall as hall
from ui.account import facilitator_account
from ui.display import escape_markdown, show_table
from ui.map_frame import kept_map, map_frame
from ui.workshop import (
    FACILITATOR,
    LIVE_MAP,
    act,
    basemap_tiles,
    client,
    error_text,
    zone_index,
    zone_label,
    zones_layer,
)


def facilitator_login(store: Store, lang: str) -> tuple[str, str] | None:
    """PIN entry, or a signed-in facilitator (its own workshops) or admin account (any
    workshop) opening one without the PIN; returns (code, pin) once accepted (pin ``""``
    for an account; wrong PINs are slowed)."""
    account = facilitator_account(store)
    current = st.session_state.get(FACILITATOR)
    if current is not None:
        if current[1] or account is not None:
            return (str(current[0]), str(current[1]))
        st.session_state.pop(FACILITATOR, None)  # opened by an account that signed out
    if account is not None:
        _account_login(store, account, lang)
        st.caption(t("accounts_access.fac_or_pin", lang))
    with st.form("workshop.pin_form"):
        code = st.text_input(t("workshop.join.code", lang), key="workshop.fac.code")
        pin = st.text_input(t("workshop.fac.pin", lang), type="password", key="workshop.fac.pin")
        submitted = st.form_submit_button(t("workshop.fac.enter", lang))
    if submitted:
        try:
            ws = sk.verify_pin(store, code, pin, client=client())  # codes and PINs throttled
        except CmgisError as err:
            st.error(error_text(err, lang))
            return None
        st.session_state[FACILITATOR] = (ws.code, pin)
        st.rerun()
    return None


def facilitating_as(store: Store, pin: str, lang: str) -> None:
    """Say which account facilitates when the view was opened without a PIN."""
    account = facilitator_account(store)
    if not pin and account is not None:
        line = t("accounts_access.fac_as", lang, name=account.display_name,
                 user=account.username or "")  # fmt: skip
        st.caption(escape_markdown(line))


def _account_login(store: Store, account: Actor, lang: str) -> None:
    """A facilitator account picks one of its own workshops (an admin: any workshop) and
    opens it without the PIN; the library checks the account again (`sk.verify_pin`)."""
    workshops = {ws.code: ws for ws in sk.workshops_of(store, account)}
    admin = account.role is Role.ADMIN
    header = t(f"workshop_owner.{'all' if admin else 'yours'}_header", lang,
               name=account.display_name)  # fmt: skip
    st.markdown(f"**{escape_markdown(header)}**")
    if not workshops:
        st.info(t(f"workshop_owner.{'none_admin' if admin else 'none'}", lang))
        return
    show_table(  # plain text cells: titles are shown as typed, never as markdown
        pd.DataFrame(
            {
                t("workshop_owner.col_title", lang): [ws.title for ws in workshops.values()],
                t("workshop_owner.col_code", lang): list(workshops),
                t("workshop_owner.col_date", lang): [ws.workshop_date for ws in workshops.values()],
            }
        )
    )
    with st.form("workshop.account_form"):
        code = st.selectbox(
            t("accounts_access.fac_workshop", lang), list(workshops),
            format_func=lambda c: f"{workshops[c].title} ({c}, {workshops[c].workshop_date})",
            key="workshop.fac.account_code",
        )  # fmt: skip
        submitted = st.form_submit_button(t("accounts_access.fac_open", lang), type="primary")
    if submitted:
        try:
            ws = sk.verify_pin(store, str(code), "", client=client(), actor=account)
        except CmgisError as err:
            st.error(error_text(err, lang))
            return
        st.session_state[FACILITATOR] = (ws.code, "")
        st.rerun()


def moderation_panel(store: Store, code: str, pin: str, lang: str) -> None:
    """Publish, hide/show, pin/unpin and merge duplicates (each checks the PIN, or the
    facilitator account, again)."""
    acct = facilitator_account(store)
    ws = sk.get_workshop(store, code)
    published = st.toggle(
        t("workshop.fac.published", lang),
        value=ws.published,
        help=t("workshop.fac.published_help", lang),
        key=f"workshop.fac.published.{ws.code}",
    )
    if published != ws.published:
        act(t("workshop.fac.done", lang), sk.set_published, store, code, pin,
             published=published, actor=acct)  # fmt: skip
    items = sk.list_contributions(store, ws.id, include_hidden=True)
    if not items:
        return
    by_id = {c.id: c for c in items}

    def label(cid: str) -> str:
        c = by_id[cid]
        flags = ("🚫 " if c.hidden else "") + ("📌 " if c.pinned else "")
        return f"{flags}{c.title} — {c.group_name}"

    st.markdown(f"#### {t('workshop.fac.moderation', lang)}")
    chosen = st.selectbox(
        t("workshop.fac.pick", lang), list(by_id), format_func=label, key="workshop.fac.pick"
    )
    item = by_id[chosen]
    a, b = st.columns(2)
    hide_key = "workshop.fac.show" if item.hidden else "workshop.fac.hide"
    if a.button(t(hide_key, lang), key="workshop.fac.hide_btn"):
        act(t("workshop.fac.done", lang), sk.set_hidden, store, code, pin, item.id,
             hidden=not item.hidden, actor=acct)  # fmt: skip
    pin_key = "workshop.fac.unpin" if item.pinned else "workshop.fac.pin_item"
    if b.button(t(pin_key, lang), key="workshop.fac.pin_btn"):
        act(t("workshop.fac.done", lang), sk.set_pinned, store, code, pin, item.id,
             pinned=not item.pinned, actor=acct)  # fmt: skip
    if item.comments:
        comment_ids = [m.id for m in item.comments]
        bodies = {m.id: f"{m.group_name}: {m.body}" for m in item.comments}
        hide_comment = st.selectbox(
            t("workshop.fac.comment", lang), comment_ids, format_func=bodies.__getitem__,
            key="workshop.fac.comment_pick",
        )  # fmt: skip
        if st.button(t("workshop.fac.hide_comment", lang), key="workshop.fac.hide_comment_btn"):
            act(t("workshop.fac.done", lang), sk.hide_comment, store, code, pin, hide_comment,
                 actor=acct)  # fmt: skip
    others = [cid for cid in by_id if cid != chosen]
    if others:
        duplicate = st.selectbox(
            t("workshop.fac.duplicate", lang), others, format_func=label, key="workshop.fac.dup"
        )
        if st.button(t("workshop.fac.merge", lang), key="workshop.fac.merge_btn"):
            act(t("workshop.fac.done", lang), sk.merge_duplicates, store, code, pin,
                 keep_id=item.id, duplicate_id=str(duplicate), actor=acct)  # fmt: skip


def live_view(
    store: Store, code: str, lang: str, *, map_height: int = 480
) -> tuple[sk.Workshop, list[sk.Contribution]]:
    """The projector view: map by category, heat map, tallies, votes, participation.

    The newest contributions are drawn larger on the map and listed first. Returns the
    workshop and its contributions as read for this view (for the board beside it): one
    read of the store per refresh, the hidden ones included for the participation table.
    """
    ws = sk.get_workshop(store, code)
    with_hidden = sk.list_contributions(store, ws.id, include_hidden=True)
    items = sk.without_hidden(with_hidden)
    frame = sk.frame_of(items)
    st.markdown(f"### {escape_markdown(ws.title)} · `{ws.code}`")
    st.caption(f"{t(f'workshop.stage.{ws.stage}', lang)} · {ws.workshop_date}")
    m1, m2, m3 = st.columns(3)
    # the counts and the map first (a projector run shows them soonest), then the tables
    m1.metric(t("workshop.live.groups", lang), len(sk.list_groups(store, ws.id)))
    m2.metric(t("workshop.live.contributions", lang), len(frame))
    m3.metric(t("workshop.live.votes", lang), int(frame["votes"].sum()) if len(frame) else 0)
    kept = kept_map(
        LIVE_MAP, (lang, basemap_tiles()),
        lambda: live_map_base(zones=zones_layer(), lang=lang, tiles=basemap_tiles()),
    )  # fmt: skip
    parts = kept.parts()
    newest = set(hall.newest(frame)["id"]) if len(frame) else set()
    add_live_contributions(parts.layers, frame, lang=lang, highlight_ids=newest)
    map_frame(lambda: parts, choices=None, key="workshop.live_map", height=map_height,
              returned_objects=[], kept=kept)  # fmt: skip
    recent = hall.newest(frame)
    if len(recent):
        st.markdown(f"**{t('workshop_hall.newest', lang)}**")
        shown = pd.DataFrame(recent[["title", "group_name", "category", "zone_id"]]).copy()
        shown["category"] = [t(f"workshop.category.{c}", lang) for c in shown["category"]]
        shown["zone_id"] = [zone_label(str(z), lang) for z in shown["zone_id"]]
        first = shown.index[0]
        newest_style = "background-color: #fff3b0; font-weight: 600"
        shown.columns = [
            t("workshop.col.title", lang), t("workshop.col.group_name", lang),
            t("workshop.form.category", lang), t("workshop_hall.col.zone", lang),
        ]  # fmt: skip
        styled = shown.style.apply(
            lambda row: [newest_style if row.name == first else "" for _ in row], axis=1
        )
        st.dataframe(styled, width="stretch", hide_index=True)
    left, right = st.columns(2)
    tallies = sk.tallies_by_zone_category(frame)
    tallies.index = [zone_label(str(z), lang) for z in tallies.index]
    tallies.columns = [
        t(f"workshop.category.{c}", lang) if c != "total" else t("workshop.live.total", lang)
        for c in tallies.columns
    ]
    left.markdown(f"**{t('workshop.live.tallies', lang)}**")
    left.dataframe(tallies, width="stretch")
    right.markdown(f"**{t('workshop.live.top', lang)}**")
    top = pd.DataFrame(frame[["title", "group_name", "votes"]])
    right.dataframe(
        _labelled(top.sort_values("votes", ascending=False).head(10), lang),
        width="stretch", hide_index=True,
    )  # fmt: skip
    st.markdown(f"**{t('workshop.live.participation', lang)}**")
    part = sk.participation(store, ws.id, items=with_hidden)
    st.dataframe(_labelled(part, lang), width="stretch", hide_index=True)
    return ws, items


def _labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its column ids (``group_name``, ``votes_used`` ...) as labels in ``lang``."""
    return frame.rename(columns={c: t(f"workshop.col.{c}", lang) for c in frame.columns})


def downloads(store: Store, code: str, lang: str) -> None:
    """Download buttons for the GeoPackage and the CSV summary, made when asked for.

    Anonymised unless the facilitator ticks the box (the export records the choice).
    """
    names = st.checkbox(t("workshop_hall.export.names", lang), key="workshop.fac.names",
                        help=t("workshop_hall.export.names_help", lang))  # fmt: skip
    if not st.button(t("workshop.fac.prepare", lang), key="workshop.fac.prepare"):
        return
    with tempfile.TemporaryDirectory(prefix="cmgis-workshop-") as tmp:
        try:
            gpkg, summary = export_workshop(
                store, code, Path(tmp) / f"workshop-{code}.gpkg", anonymise=not names
            )
        except CmgisError as err:
            st.error(escape_markdown(err))
            return
        gpkg_bytes, csv_bytes = gpkg.read_bytes(), summary.read_bytes()
    left, right = st.columns(2)
    left.download_button(
        t("workshop.fac.download_gpkg", lang), gpkg_bytes, file_name=gpkg.name,
        mime="application/geopackage+sqlite3", key="workshop.fac.dl_gpkg", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("workshop.fac.download_csv", lang), csv_bytes, file_name=summary.name,
        mime="text/csv", key="workshop.fac.dl_csv", on_click="ignore",
    )  # fmt: skip


def import_panel(store: Store, code: str, pin: str, lang: str) -> None:
    """Merge an exported workshop GeoPackage into this workshop (all or nothing)."""
    upload = st.file_uploader(
        t("workshop.fac.import", lang),
        type=["gpkg"],
        key="workshop.fac.upload",
        help=t("common.upload_limit", lang, mb=st.get_option("server.maxUploadSize")),
    )
    if upload is None or not st.button(t("workshop.fac.import_go", lang), key="workshop.fac.imp"):
        return
    with tempfile.TemporaryDirectory(prefix="cmgis-import-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(upload.getvalue())
        try:
            result = import_workshop(store, path, into_code=code, into_pin=pin, zones=zone_index(),
                                     actor=facilitator_account(store))  # fmt: skip
        except CmgisError as err:
            st.error(escape_markdown(err))
            return
    st.success(
        t("workshop.fac.imported", lang, n=result.contributions, skipped=result.skipped_existing)
    )
