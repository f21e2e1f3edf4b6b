"""The Import page's parts: upload and check a layer file, store it, list and delete imports.

Owns the session keys ``imports.upload`` (the uploaded file: name and bytes, as the
uploader gave them), ``imports.prepared`` (its checked layer, for these answers),
``imports.crs`` / ``imports.layer`` (the user's answers to a file without a CRS or with
several layers) and ``imports.flash``. Every message from a file (its name, its values, a
refusal) is user text: escaped, or shown by widgets that render plain text.

The write parts take the acting ``actor`` (`ui.account.current_actor`), passed to the
library, which checks the editor role again; ``None`` means "may not write here": the
upload form and the delete buttons are not shown.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any, cast

import streamlit as st

from cmgis import ImportRefusedError
from cmgis import imports as imp
from cmgis import user_layers as ul
from cmgis.accounts import Actor
from cmgis.i18n import t
from ui.display import escape_markdown
from ui.store import get_store

UPLOAD = "imports.upload"
FLASH = "imports.flash"
PREPARED = "imports.prepared"
ACCEPTED = ["geojson", "json", "gpkg", "zip", "kml", "kmz", "csv", "tif", "tiff", "fgb"]


def _uploaded(lang: str) -> dict[str, Any] | None:
    """The uploaded file as ``{"name", "data"}``; kept in session state across reruns."""
    file = st.file_uploader(
        t("imports.upload_label", lang),
        type=ACCEPTED,
        key="_w_imports_file",
    )
    if file is not None:
        upload = {"name": file.name, "data": file.getvalue()}
        if st.session_state.get(UPLOAD, {}).get("name") != file.name:
            st.session_state.pop("imports.crs", None)
            st.session_state.pop("imports.layer", None)
        st.session_state[UPLOAD] = upload
    value = st.session_state.get(UPLOAD)
    return value if isinstance(value, dict) else None


def _prepare(upload: dict[str, Any]) -> imp.PreparedImport:
    """Check the uploaded file (written to a temporary file under its own name).

    The result is kept in ``imports.prepared`` for this file and these answers, so the
    reruns of the page (typing, switching tabs) do not check a big file again.
    """
    data = bytes(upload["data"])
    key = (
        hashlib.sha256(data).hexdigest(),
        str(upload["name"]),
        st.session_state.get("imports.layer") or "",
        st.session_state.get("imports.crs") or "",
    )
    kept = st.session_state.get(PREPARED)
    if isinstance(kept, tuple) and kept[0] == key:
        return cast(imp.PreparedImport, kept[1])
    prepared = _check_upload(upload)
    st.session_state[PREPARED] = (key, prepared)
    return prepared


def _check_upload(upload: dict[str, Any]) -> imp.PreparedImport:
    with tempfile.TemporaryDirectory(prefix="cmgis-upload-") as tmp:
        suffix = Path(str(upload["name"])).suffix.lower()[:8]
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(bytes(upload["data"]))
        return imp.prepare_import(
            path,
            name=str(upload["name"]),
            layer=st.session_state.get("imports.layer") or None,
            crs=st.session_state.get("imports.crs") or None,
        )


def _keep(widget_key: str, key: str) -> None:
    """Copy a widget's answer to a plain key: it must outlive the widget (shown only while
    the question is open)."""
    st.session_state[key] = st.session_state.get(widget_key)


def _answer_refusal(err: ImportRefusedError, lang: str) -> None:
    """Show a refusal; a missing CRS or a layer choice gets a widget to answer it."""
    st.error(t("imports.refused", lang, reason=escape_markdown(err.message(lang))))
    if err.code == "crs_missing" and err.candidates:
        st.radio(
            t("imports.confirm_crs", lang),
            list(err.candidates),
            index=None,
            key="_w_imports_crs",
            on_change=_keep,
            args=("_w_imports_crs", "imports.crs"),
        )
    elif err.code == "choose_layer" and err.candidates:
        st.selectbox(
            t("imports.choose_layer", lang),
            list(err.candidates),
            index=None,
            key="_w_imports_layer",
            on_change=_keep,
            args=("_w_imports_layer", "imports.layer"),
        )


def layer_form(lang: str, imported_by: str, actor: Actor) -> None:
    """Upload, check (report in ``lang``), then store with title, source, licence, date."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(escape_markdown(flash))
    upload = _uploaded(lang)
    if upload is None:
        st.info(t("imports.upload_hint", lang))
        return
    try:
        prepared = _prepare(upload)
    except ImportRefusedError as err:
        _answer_refusal(err, lang)
        return
    st.subheader(t("imports.report_header", lang))
    st.markdown(
        "\n".join(f"- {escape_markdown(line)}" for line in prepared.report(lang, names=False))
    )
    with st.form("imports.form"):
        title = st.text_input(t("imports.title_label", lang), value=prepared.suggested_title)
        source = st.text_input(t("imports.source_label", lang))
        licence = st.text_input(t("imports.licence_label", lang))
        date = st.text_input(t("imports.date_label", lang))
        replace = st.checkbox(t("imports.replace_label", lang))
        coworking = prepared.kind == "point" and st.checkbox(t("imports.adds_to_label", lang))
        submitted = st.form_submit_button(t("imports.store_button", lang), type="primary")
    if submitted:
        try:
            record = imp.store_import(
                get_store(),
                prepared,
                imported_by=imported_by,
                title=title,
                source=source,
                licence=licence,
                date=date,
                replace=replace,
                adds_to="coworking" if coworking else None,
                actor=actor,
            )
        except ImportRefusedError as err:
            st.error(t("imports.refused", lang, reason=escape_markdown(err.message(lang))))
            return
        st.session_state.pop(UPLOAD, None)
        st.session_state.pop(PREPARED, None)
        st.session_state[FLASH] = t(
            "imports.stored",
            lang,
            title=record.name,
            layer_id=record.layer_id,
            n=record.feature_count,
        )
        st.rerun()


def imported_list(lang: str, actor: Actor | None) -> None:
    """Every imported layer with its provenance, and a delete button for those ``actor``
    may delete (its own imports; an admin any; none when ``actor`` is ``None``)."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(escape_markdown(flash))
    records = imp.list_imports(get_store())
    tables_list(lang, actor)
    if not records:
        st.info(t("imports.none", lang))
        return
    for record in records:
        prov = record.provenance
        with st.container(border=True):
            st.markdown(
                f"**{escape_markdown(record.name)}** · `{escape_markdown(record.layer_id)}`"
            )
            st.caption(
                escape_markdown(
                    t(
                        "imports.record_line",
                        lang,
                        n=record.feature_count,
                        who=record.created_by,
                        when=record.created_at[:16],
                        source=prov.source or t("imports.not_stated", lang),
                        licence=prov.licence,
                        date=prov.date or t("imports.not_stated", lang),
                    )
                )
            )
            if actor is None or not ul.may_change(actor, record):
                continue
            if st.button(t("imports.delete_button", lang), key=f"imports.delete.{record.slug}"):
                imp.delete_import(get_store(), record.layer_id, actor=actor)
                st.session_state[FLASH] = t("imports.deleted", lang, title=record.name)
                st.rerun()


def _prepare_table(upload: Any) -> imp.PreparedTable:
    with tempfile.TemporaryDirectory(prefix="cmgis-upload-") as tmp:
        path = Path(tmp) / "table.csv"
        path.write_bytes(upload.getvalue())
        return imp.prepare_table(path, name=str(upload.name))


def table_form(lang: str, imported_by: str, actor: Actor | None) -> None:
    """Upload an indicator table (CSV), see what joins and what does not, store it.

    The templates are for everyone; the upload only for an editor (``actor`` not ``None``).
    """
    st.caption(t("imports.table_intro", lang))
    for level in imp.LEVELS:
        st.download_button(
            t(f"imports.template_{level}", lang),
            data=imp.indicator_template_csv(level),
            file_name=f"cmgis_indicator_template_{level}.csv",
            mime="text/csv",
            key=f"imports.template.{level}",
        )
    if actor is None:
        st.info(t("accounts_access.import_needs_editor", lang))
        return
    upload = st.file_uploader(t("imports.table_label", lang), type=["csv"], key="_w_imports_table")
    if upload is None:
        return
    try:
        prepared = _prepare_table(upload)
    except ImportRefusedError as err:
        st.error(t("imports.refused", lang, reason=escape_markdown(err.message(lang))))
        return
    st.markdown(
        escape_markdown(
            t(
                "imports.table_report",
                lang,
                n=len(prepared.values),
                level=t(f"imports.level.{prepared.level}", lang),
                column=prepared.key_column,
                indicators=", ".join(prepared.indicators),
            )
        )
    )
    if prepared.unmatched:
        st.warning(t("imports.table_unmatched", lang, n=len(prepared.unmatched)))
        st.dataframe(
            {
                t("imports.table_row", lang): [r for r, _ in prepared.unmatched],
                t("imports.table_value", lang): [v for _, v in prepared.unmatched],
            },
            hide_index=True,
        )
    if not imported_by:
        st.info(t("imports.who_needed", lang))
        return
    with st.form("imports.table_form"):
        title = st.text_input(t("imports.title_label", lang), value=Path(prepared.file_name).stem)
        source = st.text_input(t("imports.source_label", lang), key="imports.table_source")
        licence = st.text_input(t("imports.licence_label", lang), key="imports.table_licence")
        date = st.text_input(t("imports.date_label", lang), key="imports.table_date")
        submitted = st.form_submit_button(t("imports.store_button", lang), type="primary")
    if submitted:
        record = imp.store_table(
            get_store(),
            prepared,
            imported_by=imported_by,
            title=title,
            source=source,
            licence=licence,
            date=date,
            actor=actor,
        )
        st.session_state[FLASH] = t(
            "imports.table_stored", lang, title=record.title, n=len(record.indicators)
        )
        st.rerun()


def tables_list(lang: str, actor: Actor | None) -> None:
    """Stored indicator tables with their provenance, and a delete button for those
    ``actor`` may delete."""
    for record in imp.list_tables(get_store()):
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(record.title)}**")
            st.caption(
                escape_markdown(
                    t(
                        "imports.table_line",
                        lang,
                        level=t(f"imports.level.{record.level}", lang),
                        indicators=", ".join(record.indicators),
                        who=record.created_by,
                        when=record.created_at[:16],
                        source=record.source or t("imports.not_stated", lang),
                        date=record.date or t("imports.not_stated", lang),
                    )
                )
            )
            if actor is None or not imp.may_delete_table(actor, record):
                continue
            if st.button(t("imports.delete_button", lang), key=f"imports.delete_table.{record.id}"):
                imp.delete_table(get_store(), record.id, actor=actor)
                st.session_state[FLASH] = t("imports.deleted", lang, title=record.title)
                st.rerun()


def about_section(lang: str) -> None:
    """The About page's list of imported layers and tables, with their provenance."""
    layers = imp.list_imports(get_store())
    tables = imp.list_tables(get_store())
    st.subheader(t("imports.about_header", lang))
    if not layers and not tables:
        st.caption(t("imports.about_none", lang))
        return
    rows = [
        {
            t("imports.about_col_id", lang): r.layer_id,
            t("imports.title_label", lang): r.name,
            t("imports.source_label", lang): r.provenance.source,
            t("imports.licence_label", lang): r.provenance.licence,
            t("imports.date_label", lang): r.provenance.date,
            t("imports.about_col_by", lang): f"{r.created_by}, {r.created_at[:16]} UTC",
            t("imports.about_col_n", lang): r.feature_count,
        }
        for r in layers
    ] + [
        {
            t("imports.about_col_id", lang): ", ".join(r.indicators),
            t("imports.title_label", lang): r.title,
            t("imports.source_label", lang): r.source,
            t("imports.licence_label", lang): r.licence,
            t("imports.date_label", lang): r.date,
            t("imports.about_col_by", lang): f"{r.created_by}, {r.created_at[:16]} UTC",
            t("imports.about_col_n", lang): None,
        }
        for r in tables
    ]
    st.dataframe(rows, hide_index=True)
