"""Workshop UI components of the participants: joining, drawing + form, board, votes.

The facilitator's side (opening a workshop, moderation, the live view, downloads) is
`ui.workshop_facilitator`.

Each component owns its ``st.session_state`` keys (all prefixed ``workshop.``), reads
widgets, calls `cmgis.workshop` and renders. No geometry is computed here. Participant
text is shown only through `ui.display.escape_markdown` (markdown) or widgets that
render plain text (st.text, st.dataframe, selectbox labels); maps escape it themselves.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import geopandas as gpd
import streamlit as st

from cmgis import CmgisError, StoreUnavailableError
from cmgis import workshop as sk
from cmgis.accounts import Role
from cmgis.i18n import t
from cmgis.maps import (
    add_drawing_contributions,
    drawing_map_base,
)
from cmgis.store import Store
from ui import workshop_hall as hall
from ui.account import current_actor
from ui.display import escape_markdown
from ui.map_frame import kept_map, map_frame
from ui.state import current_lang

PARTICIPANTS = "workshop.participants"  # dict group_id -> Participant
ACTIVE_GROUP = "workshop.active_group"  # group_id of the group that contributes now
PENDING_SHAPE = "workshop.pending_shape"  # GeoJSON geometry waiting for its form
SEEN_SHAPES = "workshop.seen_shapes"  # keys (`drawing_key`) of drawings given a form
SAVES = "workshop.saves"  # saves of this session: the map clears its drawn shapes per value
#: How many drawings `SEEN_SHAPES` remembers (the newest; a map holds far fewer at once).
MAX_SEEN_SHAPES = 200
FACILITATOR = "workshop.facilitator"  # (code, pin) once accepted; pin "" for an account
CLIENT = "workshop.client"  # random key of this browser session, for the join-code throttle
FLASH = "workshop.flash"  # one message shown after the next rerun
CREATED = "workshop.created"  # join code of the workshop this session created last
FORM_ERROR = "workshop.form_error"  # why the last save was refused, shown under the form
LAST_SAVED = "workshop.last_saved"  # "Saved: …" under the form until the next shape
LIVE_MAP = "workshop.live_map_cache"  # `ui.map_frame.KeptMap` of the live map (language, basemap)
DRAW_MAP = "workshop.draw_map_cache"  # `KeptMap` of the drawing map (language, basemap, zones)
OPEN_THREAD = "workshop.open_thread"  # contribution id whose comment thread stays open


@st.cache_resource(show_spinner=False)
def _zones() -> tuple[gpd.GeoDataFrame | None, sk.ZoneIndex | None]:
    try:
        from cmgis.data import load_layer

        zones = load_layer("zones")
        return zones, sk.ZoneIndex(zones)
    except (CmgisError, OSError):
        return None, None


def zones_layer() -> gpd.GeoDataFrame | None:
    """The zones layer (EPSG:4326), or ``None`` when it is not built."""
    return _zones()[0]


def zone_index() -> sk.ZoneIndex | None:
    """The zones index for the spatial join, or ``None`` when the layer is missing."""
    return _zones()[1]


def zone_label(zone_id: str, lang: str) -> str:
    """Display name of a board column (zone name, "elsewhere" or "no place")."""
    if zone_id in (sk.ELSEWHERE, sk.NO_PLACE):
        return t(f"workshop.zone.{zone_id}", lang)
    return _zone_names(lang).get(zone_id, zone_id)


@st.cache_resource(show_spinner=False)
def _zone_names(lang: str) -> dict[str, str]:
    """Zone id -> name in ``lang``, read once (every board column and tally row asks)."""
    zones = zones_layer()
    if zones is None:
        return {}
    column = "name_th" if lang == "th" else "name_en"
    names = zones[column] if column in zones else zones["zone_id"]
    return {str(z): str(n) for z, n in zip(zones["zone_id"], names, strict=True)}


def flash(kind: str, message: str) -> None:
    """Keep a message to show once after the next rerun."""
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    """Show (and forget) the message kept by `flash`."""
    kind, message = st.session_state.pop(FLASH, ("", ""))
    if kind == "success":
        st.success(message)
    elif kind == "error":
        st.error(message)


def client_key() -> str:
    """A random key of this browser session: wrong join codes are counted per key."""
    key: str = st.session_state.setdefault(CLIENT, secrets.token_hex(8))
    return key


def client() -> sk.Client:
    """Who is typing, for the library's throttles: this session's key and its address.

    The address is the WebSocket peer (``st.context.ip_address``); it is ``None`` for
    ``localhost``, then only the session is counted.
    """
    try:
        address = st.context.ip_address or ""
    except Exception:  # no session context (bare mode): the session key alone
        address = ""
    return sk.Client(client_key(), str(address))


def error_text(err: CmgisError, lang: str) -> str:
    """The message to show for ``err``: throttles in the user's language, others escaped."""
    if isinstance(err, StoreUnavailableError):  # the shared database is down or restarting
        return t("store.postgis.unreachable", lang)
    if isinstance(err, sk.TooManyAttemptsError):
        return t("workshop.join.too_many", lang, wait_s=err.wait_s)
    if isinstance(err, sk.RateLimitError):
        return t("workshop.rate_limited", lang, wait_s=err.wait_s)
    if isinstance(err, sk.GroupLimitError):
        return t("workshop.join.too_many_groups", lang, n=sk.MAX_GROUPS_PER_CLIENT)
    return escape_markdown(err)


def participants() -> dict[str, sk.Participant]:
    """Groups joined in this browser session, by group id."""
    joined: dict[str, sk.Participant] = st.session_state.setdefault(PARTICIPANTS, {})
    return joined


# ----------------------------------------------------------------------------------- join


def join_panel(store: Store, lang: str) -> None:
    """Join with the code and a group name; several groups may join on a shared screen."""
    with st.form("workshop.join_form", clear_on_submit=False):
        code = st.text_input(t("workshop.join.code", lang), max_chars=12, key="workshop.join.code")
        name = st.text_input(
            t("workshop.join.group", lang), max_chars=sk.MAX_GROUP_NAME_CHARS,
            key="workshop.join.group",
        )  # fmt: skip
        st.caption(t("workshop_hall.join.group_help", lang))
        submitted = st.form_submit_button(t("workshop.join.button", lang), type="primary")
    if submitted:
        try:
            who = sk.join_workshop(store, code, name, client=client())
        except CmgisError as err:
            st.error(error_text(err, lang))
        else:
            joined = participants()
            if joined and next(iter(joined.values())).workshop_id != who.workshop_id:
                joined.clear()  # a different workshop: start over
            joined[who.group_id] = who
            st.session_state[ACTIVE_GROUP] = who.group_id
            hall.after_join(store, who)  # consent if asked, then straight to the map
            flash("success", t("workshop.join.ok", lang, group=escape_markdown(who.group_name)))
            st.rerun()


def create_panel(store: Store, lang: str) -> None:
    """Facilitator: create a workshop and show its join code; a signed-in account becomes
    the workshop's owner (a facilitator account then opens it without the PIN)."""
    account = current_actor(store)
    if account.verified and account.username:
        owned = "create_owned" if account.can(Role.FACILITATOR) else "create_recorded"
        line = t(f"workshop_owner.{owned}", lang, name=account.display_name,
                 user=account.username)  # fmt: skip
        st.caption(escape_markdown(line))
    with st.form("workshop.create_form"):
        title = st.text_input(t("workshop.create.title", lang), key="workshop.create.title")
        day = st.date_input(t("workshop.create.date", lang), value=date.today())
        stage = st.selectbox(
            t("workshop.create.stage", lang), sk.STAGES, index=1,
            format_func=lambda s: t(f"workshop.stage.{s}", lang),
        )  # fmt: skip
        zones = zones_layer()
        zone_ids = [] if zones is None else [str(z) for z in zones["zone_id"]]
        focus = st.multiselect(
            t("workshop.create.focus", lang),
            zone_ids,
            format_func=lambda z: zone_label(z, lang),
            placeholder=t("common.choose", lang),
        )
        votes = st.number_input(
            t("workshop.create.votes", lang), min_value=1, max_value=sk.MAX_VOTES_PER_GROUP,
            value=sk.DEFAULT_VOTES_PER_GROUP, step=1,
        )  # fmt: skip
        template = st.selectbox(
            t("workshop_hall.template", lang), ["", *sk.TEMPLATES],
            format_func=lambda k: t(f"workshop_hall.template.{k or 'none'}", lang),
            key="workshop.create.template",
        )  # fmt: skip
        anonymous = st.toggle(t("workshop_hall.opt.anonymous", lang), key="workshop.create.anon")
        pin = st.text_input(
            t("workshop.create.pin", lang), type="password", key="workshop.create.pin"
        )
        submitted = st.form_submit_button(t("workshop.create.button", lang))
    if submitted:
        chosen = sk.TEMPLATES.get(str(template))
        try:
            ws = sk.create_workshop(
                store, title=title, pin=pin, votes_per_group=int(votes), workshop_date=day,
                stage=str(stage), zones_in_focus=focus, allow_anonymous=bool(anonymous),
                steps=chosen.steps if chosen else (),
                categories=chosen.categories if chosen else sk.CATEGORIES, actor=account,
            )  # fmt: skip
        except CmgisError as err:
            st.error(escape_markdown(err))
        else:
            st.session_state[CREATED] = ws.code
    created = st.session_state.get(CREATED)
    if created:  # stays on this page (a rerun must not take the code away from its maker)
        st.success(t("workshop.create.ok", lang, code=created))
        st.markdown(f"## `{created}`")


def current_workshop(store: Store) -> sk.Workshop | None:
    """The workshop the groups of this session joined, or ``None``."""
    joined = participants()
    if not joined:
        return None
    try:
        return sk.get_workshop(store, next(iter(joined.values())).code)
    except CmgisError:
        return None


def active_group_picker(lang: str) -> sk.Participant | None:
    """On a shared screen: which of the joined groups contributes now."""
    joined = participants()
    if not joined:
        return None
    ids = list(joined)
    if len(ids) == 1:  # one group on this device (a phone): nothing to choose
        st.session_state[ACTIVE_GROUP] = ids[0]
        return joined[ids[0]]
    current = st.session_state.get(ACTIVE_GROUP)
    index = ids.index(current) if current in ids else 0
    chosen = st.selectbox(
        t("workshop.active_group", lang), ids, index=index,
        format_func=lambda gid: joined[gid].group_name, key="workshop.active_group_select",
    )  # fmt: skip
    st.session_state[ACTIVE_GROUP] = chosen
    return joined[chosen]


# ---------------------------------------------------------------------------- drawing


def drawing_key(drawing: dict[str, Any]) -> str:
    """What tells a drawn shape from another: the ``drawn`` property the map gives each
    shape (`cmgis.maps.workshop.DRAWING_JS`), else its geometry."""
    drawn = (drawing.get("properties") or {}).get("drawn")
    return f"drawn:{drawn}" if drawn else repr(drawing.get("geometry"))


def new_drawing(result: dict[str, Any] | None, seen: list[str]) -> dict[str, Any] | None:
    """The newest shape drawn with the toolbar whose `drawing_key` is not in ``seen``.

    streamlit-folium's ``last_active_drawing`` is also set by a tap on a contribution
    already on the map (a feature with an ``id``): that is not a new shape (it opened the
    form for an old contribution). So the drawn shapes are read from ``all_drawings``
    (the toolbar's layer only), newest last; ``last_active_drawing`` counts only when it
    is a drawn shape too. The map stays after a save (it only takes the drawn shapes off),
    so its last answer still holds the saved shape: ``seen`` holds the keys of the shapes
    that already got a form. Each drawn shape has a key of its own, also a point tapped
    onto the very spot of an earlier one.
    """
    if not result:
        return None
    drawn = [d for d in (result.get("all_drawings") or []) if isinstance(d, dict)]
    last = result.get("last_active_drawing")
    if isinstance(last, dict) and not (last.get("properties") or {}).get("id"):
        drawn.append(last)
    for drawing in reversed(drawn):
        geometry = drawing.get("geometry")
        if isinstance(geometry, dict) and geometry and drawing_key(drawing) not in seen:
            return drawing
    return None


def _remember_new_drawing(result: dict[str, Any] | None) -> None:
    seen: list[str] = st.session_state.setdefault(SEEN_SHAPES, [])
    drawing = new_drawing(result, seen)
    if drawing is not None:
        seen.append(drawing_key(drawing))
        del seen[:-MAX_SEEN_SHAPES]
        st.session_state[PENDING_SHAPE] = drawing["geometry"]
        st.session_state.pop(LAST_SAVED, None)  # the form is about the new shape now


def draw_panel(
    store: Store,
    workshop: sk.Workshop,
    who: sk.Participant,
    lang: str,
    items: Sequence[sk.Contribution] | None = None,
) -> None:
    """The drawing map and, after each shape, the form that saves it.

    ``items``: the contributions (`sk.list_contributions`), when the page read them already.
    """
    if items is None:
        items = sk.list_contributions(store, workshop.id)
    frame = sk.frame_of(items)
    zones = zones_layer()
    if zones is not None and workshop.zones_in_focus:
        focus = zones[zones["zone_id"].isin(workshop.zones_in_focus)]
        zones = focus if len(focus) else zones
    zone_ids = tuple(sorted(map(str, zones["zone_id"]))) if zones is not None else ()
    kept = kept_map(
        DRAW_MAP, (lang, basemap_tiles(), zone_ids),
        lambda: drawing_map_base(zones=zones, lang=lang, tiles=basemap_tiles()),
    )  # fmt: skip
    parts = kept.parts()
    add_drawing_contributions(parts.layers, frame, lang=lang,
                              clear_drawn=st.session_state.get(SAVES, 0))  # fmt: skip
    st.caption(t("workshop.draw.help", lang))
    result = map_frame(
        lambda: parts, choices=None, key="workshop.map",
        height=520, returned_objects=["last_active_drawing", "all_drawings"], kept=kept,
    )  # fmt: skip
    _remember_new_drawing(result)
    pending = st.session_state.get(PENDING_SHAPE)
    if pending is not None:
        kind = escape_markdown(t(f"workshop.shape.{pending.get('type', '')}", lang))
        st.info(t("workshop.form.for_shape", lang, kind=kind))
    contribution_form(store, who, pending, lang, workshop)


def contribution_form(
    store: Store,
    who: sk.Participant,
    geometry: dict[str, Any] | None,
    lang: str,
    workshop: sk.Workshop | None = None,
) -> None:
    """Category, strategy, title and comment; saves at once (a note when no shape).

    A workshop with steps (a template such as co-sensing) asks which step it answers.
    """
    label = "workshop.form.save_shape" if geometry is not None else "workshop.form.save_note"
    categories = workshop.categories if workshop is not None else sk.CATEGORIES
    steps = workshop.steps if workshop is not None else ()
    with st.form("workshop.contribution_form", clear_on_submit=True):
        if steps:
            st.selectbox(
                t("workshop_hall.step", lang), steps, key="workshop.form.step",
                format_func=lambda k: t(f"workshop_hall.step.{k}", lang),
            )  # fmt: skip
        st.selectbox(
            t("workshop.form.category", lang), categories,
            format_func=lambda c: t(f"workshop.category.{c}", lang), key="workshop.form.category",
        )  # fmt: skip
        st.selectbox(
            t("workshop.form.strategy", lang), sk.STRATEGIES,
            format_func=lambda s: t(f"workshop.strategy.{s}", lang), key="workshop.form.strategy",
        )  # fmt: skip
        st.text_input(
            t("workshop.form.title", lang), max_chars=sk.MAX_TITLE_CHARS, key="workshop.form.title"
        )
        st.text_area(
            t("workshop.form.comment", lang), max_chars=sk.MAX_COMMENT_CHARS,
            key="workshop.form.comment",
        )  # fmt: skip
        st.form_submit_button(
            t(label, lang), type="primary", on_click=_save_contribution,
            args=(store, who, geometry, lang, bool(steps)),
        )  # fmt: skip
    error = st.session_state.pop(FORM_ERROR, None)
    if error:
        st.error(error)
    elif st.session_state.get(LAST_SAVED):
        st.success(st.session_state[LAST_SAVED])


def _save_contribution(
    store: Store,
    who: sk.Participant,
    geometry: dict[str, Any] | None,
    lang: str,
    has_steps: bool,
) -> None:
    """Save the submitted form (an ``on_click`` callback).

    It runs before the page's next run, so the group sees "Saved" without the map first
    drawn again with the old contributions. "Saved" shows at once as a toast (it floats,
    so the map does not move under the finger, and it arrives before this run's map code)
    and stays under the form (`LAST_SAVED`) until the next shape is drawn (a message in
    the page for one run only was gone before it could be read). The map stays: the next
    run tells it to take the drawn shape off (`SAVES`), and the saved contribution takes
    its place. A refused save keeps its shape pending and leaves its reason for the form
    (`FORM_ERROR`).
    """
    state = st.session_state
    try:
        saved = sk.add_contribution(
            store, who, category=str(state.get("workshop.form.category", "")),
            strategy=str(state.get("workshop.form.strategy", "")),
            title=str(state.get("workshop.form.title", "")),
            comment=str(state.get("workshop.form.comment", "")),
            geometry=geometry, zones=zone_index(),
            step=str(state.get("workshop.form.step") or "") if has_steps else "",
        )  # fmt: skip
    except CmgisError as err:
        state[FORM_ERROR] = error_text(err, lang)
        return
    state.pop(PENDING_SHAPE, None)
    state[SAVES] = state.get(SAVES, 0) + 1  # the map takes the drawn shape off, and stays
    state[LAST_SAVED] = t("workshop.form.saved", lang, title=escape_markdown(saved.title))
    # at once, wherever the phone is scrolled, before this run makes the map's code
    st.toast(state[LAST_SAVED], icon=":material/check_circle:")


def my_contributions(
    store: Store,
    workshop: sk.Workshop,
    who: sk.Participant,
    lang: str,
    items: Sequence[sk.Contribution] | None = None,
) -> None:
    """The group's own contributions, with edit and delete (soft, audited); ``items`` as
    for `draw_panel`."""
    if items is None:
        items = sk.list_contributions(store, workshop.id)
    mine = [c for c in items if c.group_id == who.group_id]
    st.subheader(t("workshop.mine", lang, group=escape_markdown(who.group_name)))
    if not mine:
        st.caption(t("workshop.mine.none", lang))
    for c in mine:
        with st.expander(
            f"{t(f'workshop.category.{c.category}', lang)} · {escape_markdown(c.title)}"
        ):
            new_category = st.selectbox(
                t("workshop.form.category", lang), sk.CATEGORIES,
                index=sk.CATEGORIES.index(c.category), key=f"workshop.edit.category.{c.id}",
                format_func=lambda x: t(f"workshop.category.{x}", lang),
            )  # fmt: skip
            new_strategy = st.selectbox(
                t("workshop.form.strategy", lang), sk.STRATEGIES,
                index=sk.STRATEGIES.index(c.strategy), key=f"workshop.edit.strategy.{c.id}",
                format_func=lambda x: t(f"workshop.strategy.{x}", lang),
            )  # fmt: skip
            new_title = st.text_input(
                t("workshop.form.title", lang), value=c.title, key=f"workshop.edit.title.{c.id}",
                max_chars=sk.MAX_TITLE_CHARS,
            )  # fmt: skip
            new_comment = st.text_area(
                t("workshop.form.comment", lang), value=c.comment,
                key=f"workshop.edit.comment.{c.id}", max_chars=sk.MAX_COMMENT_CHARS,
            )  # fmt: skip
            left, right = st.columns(2)
            if left.button(t("workshop.edit.save", lang), key=f"workshop.edit.save.{c.id}"):
                act(t("workshop.edit.saved", lang), sk.update_contribution, store, who, c.id,
                     title=new_title, comment=new_comment, category=str(new_category),
                     strategy=str(new_strategy))  # fmt: skip
            if right.button(t("workshop.edit.delete", lang), key=f"workshop.edit.delete.{c.id}"):
                act(t("workshop.edit.deleted", lang), sk.delete_contribution, store, who, c.id)


def act(success: str, action: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Run a store action; show its error, or rerun with ``success`` shown once."""
    try:
        action(*args, **kwargs)
    except CmgisError as err:
        st.error(error_text(err, current_lang()))
        return
    flash("success", success)
    st.rerun()


# ------------------------------------------------------------------------------ board


def board_panel(
    store: Store,
    workshop: sk.Workshop,
    who: sk.Participant | None,
    lang: str,
    items: Sequence[sk.Contribution] | None = None,
) -> None:
    """The deliberation board: 3Ds strategy × zone, votes and comment threads; ``items``
    as for `draw_panel`."""
    zones = zones_layer()
    zone_ids = [] if zones is None else [str(z) for z in zones["zone_id"]]
    board = sk.build_board(store, workshop, zone_ids=zone_ids, items=items)
    if who is not None:
        budget = sk.vote_budget(store, who)
        mine = sk.group_votes(store, who)
        st.markdown(
            t("workshop.board.budget", lang, group=escape_markdown(who.group_name),
              left=budget.left, total=budget.total)
        )  # fmt: skip
    else:
        mine = {}
    columns = [c for c in board.columns if any(board.cell(s, c) for s in board.strategies)]
    if not columns:
        st.info(t("workshop.board.empty", lang))
        return
    for strategy in board.strategies:
        st.markdown(f"#### {t(f'workshop.strategy.{strategy}', lang)}")
        cols = st.columns(len(columns))
        for col, zone_id in zip(cols, columns, strict=True):
            heading = (
                t(f"workshop_hall.step.{zone_id}", lang)
                if workshop.steps
                else zone_label(zone_id, lang)
            )
            col.markdown(f"**{escape_markdown(heading)}**")
            for item in board.cell(strategy, zone_id):
                with col.container(border=True):
                    _board_card(
                        store, item, who, mine.get(item.id, 0), lang,
                        board.more_comments.get(item.id, 0),
                    )  # fmt: skip
            if board.left_out(strategy, zone_id):  # the board stays small in a big workshop
                col.caption(t("workshop.board.more", lang, n=board.left_out(strategy, zone_id)))


def _board_card(
    store: Store,
    item: sk.Contribution,
    who: sk.Participant | None,
    my_votes: int,
    lang: str,
    more_comments: int = 0,
) -> None:
    pin = "📌 " if item.pinned else ""
    st.markdown(f"{pin}**{escape_markdown(item.title)}**")
    st.caption(
        f"{t(f'workshop.category.{item.category}', lang)} · "
        f"{escape_markdown(item.group_name)} · {'●' * item.votes or '○'} {item.votes}"
    )
    if item.comment:
        st.markdown(escape_markdown(item.comment))
    if who is None:
        return
    left, right = st.columns(2)
    if left.button("+1 ●", key=f"workshop.vote.{item.id}", help=t("workshop.board.vote", lang)):
        act(t("workshop.board.voted", lang), sk.cast_vote, store, who, item.id)
    if my_votes and right.button(
        "-1 ●", key=f"workshop.unvote.{item.id}", help=t("workshop.board.unvote", lang)
    ):
        act(t("workshop.board.unvoted", lang), sk.retract_vote, store, who, item.id)
    is_open = st.session_state.get(OPEN_THREAD) == item.id
    with st.expander(
        t("workshop.board.comments", lang, n=len(item.comments) + more_comments), expanded=is_open
    ):
        if more_comments:
            st.caption(t("workshop.board.more_comments", lang, n=more_comments))
        for comment in item.comments:
            st.markdown(
                f"**{escape_markdown(comment.group_name)}**: {escape_markdown(comment.body)}"
            )
        with st.form(f"workshop.comment_form.{item.id}", clear_on_submit=True, border=False):
            body = st.text_input(
                t("workshop.board.comment", lang), key=f"workshop.comment.{item.id}",
                max_chars=sk.MAX_COMMENT_CHARS,
            )  # fmt: skip
            send = st.form_submit_button(t("workshop.board.send", lang))
        if send:
            st.session_state[OPEN_THREAD] = item.id  # the thread stays open and shows it
            act(t("workshop.board.sent", lang), sk.add_comment, store, who, item.id, body)


def basemap_tiles() -> str | None:
    """OpenStreetMap tiles when the user switched them on (needs internet), else none."""
    return "OpenStreetMap" if st.session_state.get("workshop.basemap", False) else None
