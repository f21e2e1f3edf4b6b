"""Export page components: choose layers, format and CRS, or print options; download.

Files are made by `cmgis.sources.export_bytes` and `cmgis.sources.print_selection` only when
the user presses the button, then offered with ``st.download_button``. Session keys owned here:
``export_file`` and ``export_print`` (the last file made and the request it answers), and
the widget keys ``_w_export_*``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from cmgis import CmgisError, export, printing, sources
from cmgis.districts import indicator_definitions
from cmgis.i18n import pick, t
from ui.display import escape_markdown

#: Layers pre-selected for a printed map: the districts in their setting.
DEFAULT_PRINT_LAYERS = ("tambons", "zones", "mae_kha_canal", "old_city_moat")


@dataclass(frozen=True)
class _Made:
    """A file made for a request (the request is compared before offering it again)."""

    request: tuple[object, ...]
    file_name: str
    mime: str
    data: bytes
    preview_png: bytes | None = None


def _download_button(
    request: object, *, state_key: str, widget_key: str, lang: str
) -> _Made | None:
    """The download button of the file made for ``request``; none if the choice changed.

    Returns the file offered, or ``None``.
    """
    made = st.session_state.get(state_key)
    if not isinstance(made, _Made) or made.request != request:
        return None
    st.download_button(
        t("export.page.download", lang, name=made.file_name, kb=len(made.data) // 1024 + 1),
        made.data,
        file_name=made.file_name,
        mime=made.mime,
        key=widget_key,
        on_click="ignore",
    )
    return made


def layer_titles(
    lang: str, listed: Mapping[str, sources.Exportable] | None = None
) -> dict[str, str]:
    """Listed exportable layer ids → title in ``lang`` (with the kind for rasters).

    ``listed`` is `cmgis.sources.registry.layers()` if the caller has read it already (the
    saved user layers are listed from the store once per page run, not once per use).
    """
    listed = sources.registry.layers() if listed is None else listed
    return _titles(lang, tuple(listed), listed)


@st.cache_data(show_spinner=False)
def _titles(
    lang: str, layer_ids: tuple[str, ...], _listed: Mapping[str, sources.Exportable]
) -> dict[str, str]:
    titles = {}
    for layer_id in layer_ids:
        item = _listed[layer_id]
        meta = item.meta()
        title = meta.title_th if lang == "th" and meta.title_th else meta.title
        if item.kind == "raster":
            title = f"{title} ({t('export.page.raster', lang)})"
        titles[layer_id] = title
    return titles


def export_form(lang: str) -> None:
    """Layers, format and CRS pickers, a button to make the file and its download button."""
    listed = sources.registry.layers()
    titles = layer_titles(lang, listed)
    kinds = {i: item.kind for i, item in listed.items()}
    fmt_key = st.selectbox(
        t("export.page.format", lang),
        list(export.FORMATS),
        format_func=lambda k: export.FORMATS[k].label,
        key="_w_export_format",
    )
    fmt = export.FORMATS[fmt_key]
    choices = [i for i in titles if kinds[i] in fmt.kinds]
    everything = st.checkbox(t("export.page.all_layers", lang), key="_w_export_all")
    chosen = st.multiselect(
        t("export.page.layers", lang),
        choices,
        default=[i for i in ("zones",) if i in choices],
        format_func=lambda i: titles.get(i, i),
        key="_w_export_layers",
        placeholder=t("common.choose", lang),
        disabled=everything,
    )
    workshop = _workshop_id(lang) if "vector" in fmt.kinds else None
    models = _suitability_ids(lang, "suitability" if "raster" in fmt.kinds else "candidates")
    if fmt.lonlat_only:
        st.info(t("export.page.lonlat_only", lang, fmt=fmt.label))
        crs = "EPSG:4326"
    else:
        crs = st.selectbox(
            t("export.page.crs", lang),
            list(export.CRS_CHOICES),
            format_func=lambda c: f"{c} — {_crs_name(c, lang)}",
            key="_w_export_crs",
        )
        if crs == "EPSG:24047":
            st.caption(t("export.page.indian_1975", lang))
    selection: list[str] | str = "all" if everything else list(chosen)
    extra = [*([workshop] if workshop else []), *models]
    if extra:
        selection = [*(choices if everything else chosen), *extra]
    request = ("export", fmt_key, crs, tuple(selection) if isinstance(selection, list) else "all")
    if st.button(t("export.page.make", lang), key="_w_export_go", type="primary"):
        try:
            with st.spinner(t("export.page.making", lang)):
                stem = export.export_file_stem(selection, crs=crs)
                result = sources.export_bytes(selection, fmt=fmt_key, crs=crs, name=stem)
        except CmgisError as err:
            st.session_state.pop("export_file", None)
            st.error(escape_markdown(err))
        else:
            st.session_state["export_file"] = _Made(
                request, result.file_name, result.mime, result.data
            )
    _download_button(request, state_key="export_file", widget_key="_w_export_download", lang=lang)


def _suitability_ids(lang: str, kind: str) -> list[str]:
    """Surfaces (``suitability:``) or candidates (``candidates:``) of presets, on demand."""
    from cmgis.i18n import pick
    from cmgis.suitability import load_spec

    presets = {p.id: pick(p.title_en, p.title_th, lang) for p in load_spec().presets}
    col1, col2 = st.columns([3, 1])
    chosen = col1.multiselect(
        t(f"user_layers.export_{kind}", lang),
        list(presets),
        format_func=lambda p: presets[p],
        key=f"_w_export_{kind}",
        placeholder=t("common.choose", lang),
    )
    resolution_m = col2.selectbox(
        t("user_layers.export_resolution", lang),
        [10, 20, 50, 100, 200],
        key="_w_export_model_res",
        disabled=not chosen,
    )
    return [f"{kind}:{p}@{resolution_m}" for p in chosen]


def _workshop_id(lang: str) -> str | None:
    """A workshop chosen by its join code (issue 6: workshop results are exportable)."""
    code = st.text_input(
        t("user_layers.export_workshop", lang),
        max_chars=20,
        key="_w_export_workshop",
        help=t("user_layers.export_workshop_help", lang),
    ).strip()
    if not code:
        return None
    from cmgis import workshop as sk
    from ui.workshop import client, error_text

    if st.session_state.get("_export_checked_code") != code:
        # a typed code is looked at once (through the join-code throttle), not on every rerun
        try:
            sk.find_workshop(sources.current_store(), code, client=client())
        except sk.TooManyAttemptsError as err:  # not looked at: may be tried after the wait
            st.error(error_text(err, lang))
            return None
        except CmgisError as err:
            st.session_state["_export_code_error"] = error_text(err, lang)
        else:
            st.session_state.pop("_export_code_error", None)
        st.session_state["_export_checked_code"] = code
    if st.session_state.get("_export_code_error"):
        st.error(st.session_state["_export_code_error"])
        return None
    try:
        item = sources.resolve_workshop(code, client=client())
    except CmgisError as err:
        st.error(error_text(err, lang))
        return None
    title = escape_markdown(item.meta().title)  # typed by the facilitator
    st.caption(t("user_layers.export_workshop_added", lang, title=title))
    return f"{sources.WORKSHOP_PREFIX}:{code}"


def _crs_name(code: str, lang: str) -> str:
    choice = export.CRS_CHOICES[code]
    return choice.name_th if lang == "th" else choice.name_en


@dataclass(frozen=True)
class MapView:
    """The Map page's current choice: layers, indicator, classification, class count."""

    layers: tuple[str, ...]
    indicator: tuple[str, str] | None
    scheme: str
    k: int


def map_page_view() -> MapView | None:
    """What the Map page shows (or will show), from its session keys (``map_layers``,
    ``map_indicator`` — both also kept in the URL — ``map_scheme``, ``map_k``).

    Only printable layers and indicators with values are kept; ``None`` without layers.
    """
    state = st.session_state
    if "map_layers" not in state and not state.get("map_indicator"):
        return None
    printable = set(sources.registry.layers())
    layers = tuple(i for i in state.get("map_layers", ()) if i in printable)
    indicator = state.get("map_indicator")
    known = {d.id for d in indicator_definitions()}
    if not (isinstance(indicator, tuple) and len(indicator) == 2 and indicator[1] in known):
        indicator = None
    return MapView(
        layers, indicator, str(state.get("map_scheme", "quantiles")), int(state.get("map_k", 5))
    )


def _view_caption(view: MapView, lang: str) -> str:
    """The Map page's view in words: its indicator and classes, its layer count."""
    if view.indicator is None:
        return t("printview.layers_only", lang, n=len(view.layers))
    d = next(d for d in indicator_definitions() if d.id == view.indicator[1])
    return t(
        "printview.indicator",
        lang,
        name=pick(d.title_en, d.title_th, lang),
        areas=t(f"map.panel.areas.{view.indicator[0]}", lang),
        scheme=t(f"map.scheme.{view.scheme}", lang),
        k=view.k,
        n=len(view.layers),
    )


def _print_choice(lang: str) -> tuple[list[str], MapView | None]:
    """The layers to print and the Map page view used (``None``: layers chosen here)."""
    view = map_page_view()
    seen = "map_build_view" in st.session_state  # the Map page drew its map this session
    use_view = st.toggle(
        t("printview.use_map_view", lang),
        value=view is not None and seen,
        disabled=view is None,
        key="_w_export_print_use_view",
        help=None if view is not None else t("printview.no_map_view", lang),
    )
    if use_view and view is not None:
        if st.session_state.get("_export_print_view") != view:
            # fill the layer choice with the Map page's layers (then the user may change it)
            st.session_state["_w_export_print_layers"] = list(view.layers)
            st.session_state["_export_print_view"] = view
        st.caption(escape_markdown(_view_caption(view, lang)))
    titles = layer_titles(lang)
    chosen = st.multiselect(
        t("export.page.layers", lang),
        list(titles),
        default=[i for i in DEFAULT_PRINT_LAYERS if i in titles],
        format_func=lambda i: titles.get(i, i),
        key="_w_export_print_layers",
        placeholder=t("common.choose", lang),
    )
    return list(chosen), view if use_view else None


def print_form(lang: str) -> None:
    """Print options, a button to make the map, a preview and its download button.

    The Map page's current view (layers, indicator and classes) is offered first.
    """
    chosen, view = _print_choice(lang)
    title = st.text_input(
        t("export.page.title_field", lang),
        value=t("export.page.default_title", lang),
        max_chars=200,
        key="_w_export_print_title",
    )
    col1, col2, col3, col4, col5 = st.columns(5)
    map_lang = col1.selectbox(
        t("export.page.map_lang", lang),
        ["th", "en"],
        index=0 if lang == "th" else 1,
        format_func=lambda code: "ไทย" if code == "th" else "English",
        key="_w_export_print_lang",
    )
    paper = col2.selectbox(t("export.page.paper", lang), ["A4", "A3"], key="_w_export_paper")
    orientation = col3.selectbox(
        t("export.page.orientation", lang),
        ["landscape", "portrait"],
        format_func=lambda o: t(f"export.page.{o}", lang),
        key="_w_export_orientation",
    )
    era = col4.selectbox(
        t("export.page.era", lang),
        ["be", "ce"] if lang == "th" else ["ce", "be"],
        format_func=lambda e: t(f"export.page.era_{e}", lang),
        key="_w_export_era",
    )
    file_type = col5.selectbox(
        t("export.page.file_type", lang),
        ["pdf", "png"],
        format_func=str.upper,
        key="_w_export_file_type",
    )
    request = ("print", tuple(chosen), title, map_lang, paper, orientation, era, file_type, view)
    if st.button(t("export.page.make_map", lang), key="_w_export_print_go", type="primary"):
        try:
            options = printing.check_options(
                title=title, lang=map_lang, paper=paper, orientation=orientation, era=era
            )
            with st.spinner(t("export.page.making", lang)):
                made = _make_print(chosen, options, file_type, request, view)
        except CmgisError as err:
            st.session_state.pop("export_print", None)
            st.error(escape_markdown(err))
        else:
            st.session_state["export_print"] = made
    offered = _download_button(
        request, state_key="export_print", widget_key="_w_export_print_download", lang=lang
    )
    if offered is not None and offered.preview_png:
        st.image(offered.preview_png, caption=t("export.page.preview", lang))


def _make_print(
    layer_ids: list[str],
    options: printing.PrintOptions,
    file_type: str,
    request: tuple[object, ...],
    view: MapView | None = None,
) -> _Made:
    indicator = view.indicator if view is not None else None
    name = export.print_file_name(
        layer_ids, suffix=file_type, indicator=indicator[1] if indicator else ""
    )
    with tempfile.TemporaryDirectory(prefix="cmgis-print-") as tmp:
        target = Path(tmp) / "map.pdf"
        if view is not None:
            pdf_path = sources.print_view(
                layer_ids, options, target, indicator=indicator, scheme=view.scheme, k=view.k
            )
        else:
            pdf_path = sources.print_selection(layer_ids, options, target)
        pdf = pdf_path.read_bytes()
    preview = printing.pdf_to_png(pdf, dpi=60)
    if file_type == "png":
        return _Made(request, name, "image/png", printing.pdf_to_png(pdf, dpi=150), preview)
    return _Made(request, name, "application/pdf", pdf, preview)
