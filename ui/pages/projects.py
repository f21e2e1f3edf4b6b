"""Projects page: the plan's projects on the map, filters, annotations, additions, import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmgis import CmgisError, PermissionDeniedError, StoreUnavailableError
from cmgis.accounts import Role
from cmgis.i18n import pick, t
from cmgis.maps import projects_legend_html, projects_map
from cmgis.plan import (
    MAX_FILE_BYTES,
    STATUSES,
    STRATEGY_KEYS,
    ProjectDraft,
    add_projects,
    current_projects,
    drafts_from_file,
    edit_project,
    filter_projects,
    geometry_from_drawing,
    get_record,
    history,
    listing_rows,
    records,
    report_codes,
    undo_last,
)
from ui import projects_data
from ui.account import current_actor, public_mode
from ui.display import credit_lines, escape_markdown
from ui.map_frame import fingerprint, map_frame

DRAWING_KEY = "projects_drawing"
MAP_KEY = "projects_map"
CENTER_LATLON = (18.790, 98.975)

lang = st.session_state.get("lang", "en")
plan = projects_data.plan()
zones = projects_data.zones()
try:
    store = projects_data.store()
    recs = records(store)
except CmgisError as store_err:  # a bad CMGIS_DB: say so, never a traceback
    if isinstance(store_err, StoreUnavailableError):  # the shared database is down
        st.error(t("store.postgis.unreachable_open", lang))
    else:
        st.error(t("store.unavailable", lang, err=escape_markdown(store_err)))
    st.stop()
current = current_projects(store, base=projects_data.base_projects(), zones=zones)
actor = current_actor(store)
# the library checks the role again on every write; hiding is for the user's sake
may_edit = not public_mode() and actor.can(Role.EDITOR)
name_label = (
    t("accounts.name_optional", lang, user=actor.username)
    if actor.verified
    else t("projects.your_name", lang)
)
report_fields = {r.code: r.fields for r in recs if r.origin == "report"}
zone_ids = [str(z) for z in zones["zone_id"]]
zone_names = {
    str(r["zone_id"]): pick(str(r["name_en"]), str(r["name_th"]), lang)
    for r in zones.to_dict("records")
}

FLASH_KEY = "projects_flash"
OPENED_KEY = "projects_opened_version"


def _source(text: str) -> str:
    """A source note of the plan spec ("report, lines 44, 54") in ``lang``."""
    for key in ("projects.source_report_lines", "projects.source_report_line"):
        text = text.replace(t(key, "en"), t(key, lang))
    return text


def _stage(name: str) -> str:
    """A workshop stage as the report names it, with its Thai gloss on Thai pages."""
    key = "workshop.stage." + name.split(" (")[0].lower().replace("-", "_")
    return t(key, lang) if lang == "th" and t(key, "en") != key else name


def _error(err: Exception) -> None:
    """Show an error; its text may quote user input, so markdown is escaped."""
    text = err.message(lang) if isinstance(err, PermissionDeniedError) else str(err)
    st.error(t("projects.error", lang, message=escape_markdown(text)))


def _no_edit_note() -> None:
    """Why the edit controls are not shown (read-only app, or not signed in as an editor)."""
    st.info(t("accounts.edit_read_only" if public_mode() else "accounts.edit_needs_editor", lang))


def _done(message: str) -> None:
    """Show ``message`` after a rerun, so every table reflects the change just stored."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


st.title(t("projects.title", lang))
st.caption(t("projects.caption", lang))
if FLASH_KEY in st.session_state:
    st.success(st.session_state.pop(FLASH_KEY))

ALL = "__all__"
c1, c2, c3 = st.columns(3)
strategy = c1.selectbox(
    t("projects.strategy", lang),
    [ALL, *STRATEGY_KEYS],
    format_func=lambda k: (
        t("projects.all", lang) if k == ALL else t(f"projects.strategy.{k}", lang)
    ),
    key="projects_filter_strategy",
)
status = c2.selectbox(
    t("projects.status", lang),
    [ALL, *STATUSES],
    format_func=lambda k: t("projects.all", lang) if k == ALL else t(f"projects.status.{k}", lang),
    key="projects_filter_status",
)
zone = c3.selectbox(
    t("projects.zone", lang),
    [ALL, *zone_ids],
    format_func=lambda k: t("projects.all", lang) if k == ALL else zone_names[k],
    key="projects_filter_zone",
)
f_strategy = None if strategy == ALL else strategy
f_status = None if status == ALL else status
f_zone = None if zone == ALL else zone

shown = filter_projects(current, strategy=f_strategy, status=f_status, zone_id=f_zone)
rows = listing_rows(plan, current, strategy=f_strategy, zone_id=f_zone, annotations=report_fields)
if f_status:
    rows = [r for r in rows if r["status"] == f_status]
total = len(listing_rows(plan, current, annotations=report_fields))  # every item, unfiltered
mapped = int(shown.geometry.notna().sum())

map_col, legend_col = st.columns([4, 1])
with map_col:
    # the map's code is made once per language and shown projects (ui.map_frame)
    result = map_frame(
        lambda: projects_map(
            zones,
            shown,
            lang=lang,
            credits=credit_lines(projects_data.credits(), lang),
            center=CENTER_LATLON,
            drawing=may_edit,
        ),
        choices=("projects", lang, fingerprint(shown), may_edit),
        height=520,
        width="stretch",
        key=MAP_KEY,
        returned_objects=["last_active_drawing"],
    )
with legend_col:
    st.markdown(f"**{t('projects.legend', lang)}**")
    st.html(projects_legend_html(lang))
    st.caption(t("projects.count", lang, shown=len(rows), total=total, mapped=mapped))
if result and result.get("last_active_drawing"):
    st.session_state[DRAWING_KEY] = result["last_active_drawing"]

if rows:
    table = pd.DataFrame(rows)
    st.dataframe(
        pd.DataFrame(
            {
                t("projects.code", lang): table["code"],
                t("projects.printed_label", lang): table["printed_label"],
                t("projects.kind", lang): [t(f"projects.kind.{k}", lang) for k in table["kind"]],
                t("projects.strategy", lang): [
                    t(f"projects.strategy.{s}", lang) for s in table["strategy"]
                ],
                t("projects.status", lang): [
                    t(f"projects.status.{s}", lang) for s in table["status"]
                ],
                t("projects.title_col", lang): [
                    pick(a, b, lang)
                    for a, b in zip(table["title_en"], table["title_th"], strict=True)
                ],
                t("projects.filed_under", lang): table["filed_under"],
                t("projects.zones_touched", lang): table["zones_touched"],
                t("projects.activities", lang): [
                    pick(a, b, lang)
                    for a, b in zip(table["activities_en"], table["activities_th"], strict=True)
                ],
                t("projects.source", lang): table["source"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="projects_table",
    )
else:
    st.info(t("projects.none_match", lang))

st.subheader(t("projects.report.header", lang))
st.caption(t("projects.report.caption", lang))
_filed: dict[str, list[str]] = {}
for _pp in plan.place_projects:
    for _m in _pp.means:
        _filed.setdefault(_m.rsplit(".", 1)[0], []).append(_pp.code)
with st.expander(t("projects.goals", lang)):
    for _key in STRATEGY_KEYS:
        st.markdown(f"**{t(f'projects.strategy.{_key}', lang)}**")
        for _g in (g for g in plan.goals if g.strategy == _key):
            _line = f"- **{_g.code}** {pick(_g.title_en, _g.title_th, lang)}"
            if _g.code in _filed:
                _line += " — " + t("projects.goal.filed", lang, codes=", ".join(_filed[_g.code]))
            st.markdown(_line)
            if not _g.means:
                st.caption(t("projects.goal.no_means", lang))
            st.markdown(
                "\n".join(f"    - {m.code} {pick(m.title_en, m.title_th, lang)}" for m in _g.means)
            )
with st.expander(t("projects.cosensing", lang)):
    for _c in plan.cosensing:
        st.markdown(f"**{t(f'projects.strategy.{_c.strategy}', lang)}**")
        _kinds = [t(f"projects.cosensing.{it.kind}", lang) for it in _c.items]
        st.markdown(
            "\n".join(
                f"- *{kind}*: {pick(it.text_en, it.text_th, lang)}"
                for kind, it in zip(_kinds, _c.items, strict=True)
            )
        )
        st.caption(t("projects.source_lines", lang, source=_source(_c.source)))
with st.expander(t("projects.workshops", lang)):
    for _w in plan.workshops:
        st.markdown(
            f"**{_w.date}** — {pick(_w.title_en, _w.title_th, lang)}  \n"
            f"{pick(_w.venue_en, _w.venue_th, lang)}"
        )
        st.markdown(
            f"- {t('projects.workshop.stages', lang)}: {', '.join(map(_stage, _w.stages))}\n"
            f"- {t('projects.workshop.hosts', lang)}: "
            f"{', '.join(plan.stakeholder_names(_w.hosts, lang))}\n"
            f"- {t('projects.workshop.participants', lang)}: "
            f"{', '.join(plan.stakeholder_names(_w.participants, lang))}"
        )
        st.caption(t("projects.source_lines", lang, source=_source(_w.source)))


def _annotate_form(
    code: str,
    is_report: bool,
    fields: dict[str, str],
    row: dict[str, str] | None,
    expected: int,
    stored: bool,
) -> None:
    """The edit form of one project (annotations of a report item) and its undo button."""
    with st.form("projects_annotate"):
        user = st.text_input(name_label, key="projects_user_annotate")

        changes: dict[str, object] = {}
        if not is_report:
            changes["title_en"] = st.text_input(
                t("projects.title_en", lang), value=fields.get("title_en", "")
            )
            changes["title_th"] = st.text_input(
                t("projects.title_th", lang), value=fields.get("title_th", "")
            )
            cur_strategy = fields.get("strategy", STRATEGY_KEYS[0])
            changes["strategy"] = st.selectbox(
                t("projects.strategy", lang),
                STRATEGY_KEYS,
                index=STRATEGY_KEYS.index(cur_strategy) if cur_strategy in STRATEGY_KEYS else 0,
                format_func=lambda k: t(f"projects.strategy.{k}", lang),
            )
        cur_status = (row or {}).get("status") or "proposed"
        changes["status"] = st.selectbox(
            t("projects.status", lang),
            STATUSES,
            index=STATUSES.index(cur_status) if cur_status in STATUSES else 0,
            format_func=lambda k: t(f"projects.status.{k}", lang),
        )
        changes["notes"] = st.text_area(t("projects.notes", lang), value=fields.get("notes", ""))
        if st.form_submit_button(t("projects.save", lang)):
            try:
                saved = edit_project(
                    store, plan, code, changes, user=user, expected_version=expected,
                    zones=zones, actor=actor,
                )  # fmt: skip
                st.session_state[OPENED_KEY] = (code, saved.version)
                _done(t("projects.saved", lang, code=code, version=saved.version))
            except CmgisError as err:
                _error(err)
    if stored and st.button(t("projects.undo", lang), key="projects_undo"):
        try:
            undone = undo_last(
                store,
                code,
                user=st.session_state.get("projects_user_annotate", ""),
                expected_version=expected,
                actor=actor,
            )
            st.session_state[OPENED_KEY] = (code, undone.version)
            _done(t("projects.undone", lang, code=code))
        except CmgisError as err:
            _error(err)


def _add_form() -> None:
    """The form that adds a project (drawn on the map, or picked zones)."""
    drawing = st.session_state.get(DRAWING_KEY)
    if drawing:
        kind = str((drawing.get("geometry") or {}).get("type", ""))
        st.caption(t("projects.drawing_ready", lang, kind=escape_markdown(kind)))
    else:
        st.caption(t("projects.drawing_none", lang))
    with st.form("projects_add", clear_on_submit=False):
        user = st.text_input(name_label, key="projects_user_add")
        title_en = st.text_input(t("projects.title_en", lang), key="projects_add_title_en")
        title_th = st.text_input(t("projects.title_th", lang), key="projects_add_title_th")
        a_strategy = st.selectbox(
            t("projects.strategy", lang),
            STRATEGY_KEYS,
            format_func=lambda k: t(f"projects.strategy.{k}", lang),
            key="projects_add_strategy",
        )
        a_status = st.selectbox(
            t("projects.status", lang),
            STATUSES,
            format_func=lambda k: t(f"projects.status.{k}", lang),
            key="projects_add_status",
        )
        a_zones = st.multiselect(
            t("projects.pick_zones", lang),
            zone_ids,
            format_func=lambda k: zone_names[k],
            key="projects_add_zones",
            placeholder=t("common.choose", lang),
        )
        use_drawing = st.checkbox(
            t("projects.use_drawing", lang), value=bool(drawing), key="projects_add_use_drawing"
        )
        a_activities = st.text_area(t("projects.activities", lang), key="projects_add_activities")
        a_notes = st.text_area(t("projects.notes", lang), key="projects_add_notes")
        if st.form_submit_button(t("projects.add", lang)):
            try:
                geom = geometry_from_drawing(drawing) if use_drawing else None
                added = add_projects(
                    store,
                    [
                        ProjectDraft(
                            title_en=title_en,
                            title_th=title_th,
                            strategy=a_strategy,
                            status=a_status,
                            zone_ids=tuple(a_zones),
                            geometry=geom,
                            geometry_method="drawn",
                            activities_en=a_activities,
                            notes=a_notes,
                        )
                    ],
                    user=user,
                    zones=zones,
                    actor=actor,
                )
                _done(t("projects.added", lang, codes=", ".join(r.code for r in added)))
            except CmgisError as err:
                _error(err)


def _import_form() -> None:
    """The upload of a CSV or GeoJSON file of projects."""
    st.caption(t("projects.upload_help", lang))
    upload = st.file_uploader(
        t("projects.upload", lang),
        type=["csv", "geojson", "json"],
        key="projects_upload",
        help=t("common.upload_limit", lang, mb=MAX_FILE_BYTES // 1_000_000),
        max_upload_size=MAX_FILE_BYTES // 1_000_000,
    )
    i_user = st.text_input(name_label, key="projects_user_import")
    if st.button(t("projects.import", lang), key="projects_import", disabled=upload is None):
        try:
            assert upload is not None
            drafts = drafts_from_file(upload.name, upload.getvalue())
            added = add_projects(store, drafts, user=i_user, zones=zones, actor=actor)
            _done(t("projects.added", lang, codes=", ".join(r.code for r in added)))
        except CmgisError as err:
            _error(err)


def _history_table() -> None:
    """Every change, newest first, with the account that made it."""
    history_changes = history(store)
    if not history_changes:
        st.caption(t("projects.history_empty", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("projects.history.when", lang): [c.at[:19] for c in history_changes],
                    t("projects.code", lang): [c.code for c in history_changes],
                    t("projects.history.who", lang): [c.by_user for c in history_changes],
                    t("accounts.history.account", lang): [
                        c.account
                        if c.verified and c.account
                        else t("accounts.history.unverified", lang)
                        for c in history_changes
                    ],
                    t("projects.history.action", lang): [
                        t(f"projects.action.{c.action}", lang) for c in history_changes
                    ],
                    t("projects.history.what", lang): [
                        ", ".join(
                            f"{k}={v}"
                            for k, v in sorted(c.after.get("fields", {}).items())
                            if k in ("title_en", "title_th", "status", "notes", "strategy")
                        )
                        for c in history_changes
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


tab_details, tab_add, tab_import, tab_history = st.tabs(
    [
        t("projects.tab.details", lang),
        t("projects.tab.add", lang),
        t("projects.tab.import", lang),
        t("projects.tab.history", lang),
    ]
)

with tab_details:
    all_rows = listing_rows(plan, current, annotations=report_fields)
    codes = [r["code"] for r in all_rows]
    titles = {r["code"]: pick(r["title_en"], r["title_th"], lang) for r in all_rows}
    wanted = st.session_state.get("project")  # e.g. from a shared link
    code = st.selectbox(
        t("projects.pick", lang),
        codes,
        index=codes.index(wanted) if wanted in codes else 0,
        format_func=lambda c: f"{c} {titles[c]}",
        key="projects_pick",
    )
    st.session_state["project"] = code  # kept in the URL (ui.state)
    rec = get_record(store, code)
    version = rec.version if rec else 0
    fields = dict(rec.fields) if rec else {}
    if rec:
        st.caption(
            t(
                "projects.version",
                lang,
                version=rec.version,
                by=escape_markdown(rec.updated_by),
                at=rec.updated_at[:19],
            )
        )
    is_report = code in report_codes(plan)
    if is_report:
        st.info(t("projects.report_item", lang))
    row = next((r for r in all_rows if r["code"] == code), None)
    # The version the official opened: a save based on an older one is a conflict.
    opened = st.session_state.get(OPENED_KEY)
    if not opened or opened[0] != code:
        st.session_state[OPENED_KEY] = opened = (code, version)
    expected = int(opened[1])
    if expected != version:
        st.warning(t("projects.changed_meanwhile", lang, version=version))
        if st.button(t("projects.reload", lang), key="projects_reload"):
            st.session_state[OPENED_KEY] = (code, version)
            st.rerun()
    if not may_edit:
        _no_edit_note()
    else:
        _annotate_form(code, is_report, fields, row, expected, rec is not None)

with tab_add:
    if may_edit:
        _add_form()
    else:
        _no_edit_note()

with tab_import:
    if may_edit:
        _import_form()
    else:
        _no_edit_note()

with tab_history:
    _history_table()
