"""Suitability page: weights (presets, sliders, AHP), the 0–100 surface, candidate zones."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cmgis import CmgisError
from cmgis import suitability as su
from cmgis.accounts import Role
from cmgis.i18n import pick, t
from cmgis.maps import candidates_group, surface_layer, use_local_assets
from cmgis.sources import candidates_download, surface_download
from cmgis.suitability import Criterion, ahp_weights, matrix_from_upper, require_consistent
from cmgis.user_layers import save_candidate_layer
from ui import suitability_cache as cache
from ui import user_layer_views
from ui.account import can, current_actor, public_mode
from ui.display import escape_markdown
from ui.errors import guard
from ui.user_layer_views import export_in_crs

K = "suitability."  # prefix of every session_state key this page owns
RESOLUTIONS_M = (10.0, 20.0, 50.0, 100.0)
SAATY = tuple(f"1/{k}" for k in range(9, 1, -1)) + tuple(str(k) for k in range(1, 10))
CUSTOM = "custom"

use_local_assets()
lang = st.session_state.get("lang", "en")
spec = cache.spec()
ids = [c.id for c in spec.criteria]
titles = {c.id: pick(c.title_en, c.title_th, lang) for c in spec.criteria}


def _apply_preset() -> None:
    preset_id = st.session_state[K + "preset"]
    if preset_id == CUSTOM:
        return
    weights = spec.preset(preset_id).weights
    for cid in ids:
        st.session_state[K + "w." + cid] = float(weights.get(cid, 0.0))


def _to_custom() -> None:
    st.session_state[K + "preset"] = CUSTOM


def _normalisation(c: Criterion, bounds: tuple[float, float]) -> str:
    """How a criterion's values become scores (`Criterion.normalisation_text`) in ``lang``."""
    if lang != "th":
        return c.normalisation_text(bounds)
    n = c.normalisation
    units = t(f"map.unit.{c.units}", lang) if c.units else ""
    units = c.units if units.startswith("map.unit.") else units
    low, high = (f"{v:,.4g}" for v in bounds)
    if n.kind == "threshold":
        op = "≥" if c.direction == "benefit" else "≤"
        return t("suitability.norm.threshold", lang, op=op, low=low, units=units)
    curve = t("suitability.norm.linear" if n.kind == "linear" else "suitability.norm.sigmoid", lang)
    key = f"suitability.norm.range.{c.direction}"
    return t(key, lang, curve=curve, low=low, high=high, units=units)


def _judgement(value: str) -> float:
    if value.startswith("1/"):
        return 1.0 / float(value[2:])
    return float(value)


def _apply_ahp() -> None:
    chosen = st.session_state.get(K + "ahp_ids", [])
    st.session_state.pop(K + "ahp_error", None)
    st.session_state.pop(K + "ahp_result", None)
    if len(chosen) < 2:
        st.session_state[K + "ahp_error"] = t("suitability.ahp_need_two", lang)
        return
    upper = [
        _judgement(st.session_state.get(f"{K}ahp.{a}.{b}", "1"))
        for i, a in enumerate(chosen)
        for b in chosen[i + 1 :]
    ]
    try:
        result = require_consistent(
            ahp_weights(matrix_from_upper(upper, len(chosen))), [titles[c] for c in chosen]
        )
    except CmgisError as err:
        st.session_state[K + "ahp_error"] = escape_markdown(err)
        return
    top = max(result.weights)
    for cid in ids:
        st.session_state[K + "w." + cid] = 0.0
    for cid, w in zip(chosen, result.weights, strict=True):
        st.session_state[K + "w." + cid] = round(10.0 * w / top, 1)
    st.session_state[K + "preset"] = CUSTOM
    st.session_state[K + "ahp_result"] = (
        result.cr,
        result.lambda_max,
        dict(zip(chosen, result.weights, strict=True)),
    )


# First visit: start from the first preset.
if K + "preset" not in st.session_state:
    st.session_state[K + "preset"] = spec.presets[0].id
    _apply_preset()
st.session_state.setdefault(K + "resolution_m", RESOLUTIONS_M[0])

st.title(t("suitability.title", lang))
st.write(t("suitability.intro", lang))
st.info(t("suitability.coverage_note", lang))

resolution_m = float(
    st.selectbox(
        t("suitability.resolution", lang),
        RESOLUTIONS_M,
        key=K + "resolution_m",
        format_func=lambda r: f"{r:g}",
    )
)
try:
    with st.spinner(t("suitability.building", lang)):
        nstack = cache.normalised(resolution_m)
        cache.lookup(resolution_m)
        cache.districts()
except CmgisError as err:
    st.error(escape_markdown(err))
    st.stop()


@st.fragment
@guard
def workspace() -> None:
    """Weights, map and candidates: a slider move reruns only this fragment.

    Long because a Streamlit fragment is one function: what reruns together stands together.
    """
    controls, mapcol = st.columns([1, 2])
    with controls:
        preset_ids = [p.id for p in spec.presets] + [CUSTOM]
        st.selectbox(
            t("suitability.preset", lang),
            preset_ids,
            key=K + "preset",
            on_change=_apply_preset,
            format_func=lambda p: (
                t("suitability.preset_custom", lang)
                if p == CUSTOM
                else pick(spec.preset(p).title_en, spec.preset(p).title_th, lang)
            ),
        )
        preset_id = st.session_state[K + "preset"]
        if preset_id != CUSTOM:
            p = spec.preset(preset_id)
            st.caption(pick(p.rationale_en, p.rationale_th, lang))
        st.caption(t("suitability.weights_note", lang))
        st.markdown(f"**{t('suitability.weights', lang)}**")
        for c in spec.criteria:
            st.slider(
                titles[c.id],
                0.0,
                10.0,
                step=0.1,
                key=K + "w." + c.id,
                on_change=_to_custom,
                help=pick(c.definition_en, c.definition_th, lang)
                + "\n\n"
                + _normalisation(c, nstack.bounds[nstack.ids.index(c.id)]),
            )
        top_pct = st.slider(t("suitability.top_share", lang), 1, 50, 10, key=K + "top_share_pct")
        min_area = st.number_input(
            t("suitability.min_area", lang),
            min_value=0.0,
            max_value=50.0,
            value=0.05,
            step=0.05,
            format="%.2f",
            key=K + "min_area_km2",
        )
        with st.expander(t("suitability.ahp", lang)):
            ahp_editor()
        current = {cid: float(st.session_state[K + "w." + cid]) for cid in ids}
        st.download_button(
            t("suitability.download_weights", lang),
            su.weights_toml({k: v for k, v in current.items() if v > 0}, title="cmgis weights"),
            file_name="weights.toml",
            mime="application/toml",
            key=K + "download_weights",
        )

    weights = {cid: float(st.session_state[K + "w." + cid]) for cid in ids}
    try:
        surface = su.weighted_surface(nstack, weights)
        params = su.CandidateParams(top_pct / 100.0, float(min_area))
        cands = su.candidate_zones(surface, params, districts=cache.districts())
    except CmgisError as err:
        with mapcol:
            st.warning(escape_markdown(err))
        return
    with mapcol:
        m = cache.map_for(
            resolution_m,
            lang,
            t("suitability.map_surface", lang),
            t("suitability.legend_note", lang),
            t("suitability.map_districts", lang),
        )
        groups = [
            surface_layer(
                surface, cache.lookup(resolution_m), name=t("suitability.map_surface", lang)
            ),
            candidates_group(
                cands,
                name=t("suitability.map_candidates", lang),
                label=t("suitability.candidate_label", lang),
            ),
        ]
        st_folium(
            m,
            key=K + "map",
            feature_group_to_add=groups,
            returned_objects=[],
            height=620,
            width=None,  # the container's width
        )
        st.caption(t("suitability.scored", lang, share=f"{surface.scored_share:.0%}"))
        gaps = surface.data_gaps()
        if gaps:
            st.warning(
                t(
                    "suitability.gaps",
                    lang,
                    gaps=", ".join(f"{titles[cid]} ({share:.0%})" for cid, share in gaps),
                )
            )
        results(surface, cands, params)


def ahp_editor() -> None:
    """Pairwise judgements on Saaty's scale for the chosen criteria; applies weights."""
    st.caption(t("suitability.ahp_help", lang))
    default = [cid for cid in ids if st.session_state.get(K + "w." + cid, 0) > 0][:8]
    st.session_state.setdefault(K + "ahp_ids", default)
    chosen = st.multiselect(
        t("suitability.ahp_criteria", lang),
        ids,
        key=K + "ahp_ids",
        max_selections=8,
        placeholder=t("common.choose", lang),
        format_func=lambda c: titles[c],
    )
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            st.select_slider(
                f"{titles[a]}  ⟷  {titles[b]}",
                options=SAATY,
                value="1",
                key=f"{K}ahp.{a}.{b}",
            )
    if len(chosen) >= 2:
        matrix = pd.DataFrame(
            [
                [
                    "1"
                    if a == b
                    else st.session_state.get(f"{K}ahp.{a}.{b}")
                    or _inverse(st.session_state.get(f"{K}ahp.{b}.{a}", "1"))
                    for b in chosen
                ]
                for a in chosen
            ],
            index=[titles[c] for c in chosen],
            columns=[titles[c] for c in chosen],
        )
        st.dataframe(matrix)
    st.button(t("suitability.ahp_compute", lang), key=K + "ahp_compute", on_click=_apply_ahp)
    if K + "ahp_error" in st.session_state:
        st.error(st.session_state[K + "ahp_error"])
    if K + "ahp_result" in st.session_state:
        cr, lam, w = st.session_state[K + "ahp_result"]
        st.success(t("suitability.ahp_result", lang, cr=f"{cr:.3f}", lam=f"{lam:.3f}"))
        st.dataframe(pd.DataFrame({"weight": {titles[c]: round(v, 3) for c, v in w.items()}}))


def _inverse(value: str) -> str:
    if value == "1":
        return "1"
    return value[2:] if value.startswith("1/") else f"1/{value}"


def _overlap_texts(cands: object) -> list[str]:
    """Overlap of each candidate with the named districts, with the districts' names."""
    assert isinstance(cands, gpd.GeoDataFrame)
    d = cache.districts()
    names = {
        z: pick(en, th, lang)
        for z, en, th in zip(d["zone_id"], d["name_en"], d["name_th"], strict=True)
    }
    texts = []
    for _, row in cands.iterrows():
        parts = [
            f"{name} {row[f'overlap_{z}_km2']:.3f} km²"
            for z, name in names.items()
            if row.get(f"overlap_{z}_km2", 0) > 0
        ]
        texts.append("; ".join(parts) or "–")
    return texts


def _model_title() -> tuple[str, str]:
    """English and Thai title of the chosen preset (or "custom weights")."""
    preset_id = st.session_state[K + "preset"]
    if preset_id == CUSTOM:
        return t("suitability.preset_custom", "en"), t("suitability.preset_custom", "th")
    preset = spec.preset(preset_id)
    return preset.title_en, preset.title_th


def _candidates_table(cands: gpd.GeoDataFrame) -> None:
    """The ranked candidates with their overlap of the named districts."""
    if len(cands) == 0:
        st.info(t("suitability.no_candidates", lang))
        return
    st.markdown(f"**{t('suitability.candidates_table', lang)}**")
    table = pd.DataFrame(
        {
            t("suitability.col_rank", lang): cands["rank"],
            t("suitability.col_mean", lang): cands["mean_score"],
            t("suitability.col_area", lang): cands["area_km2"],
            t("suitability.col_overlap", lang): _overlap_texts(cands),
        }
    )
    st.dataframe(table, hide_index=True)


def _criteria_table() -> None:
    """The criteria of the surface: units, direction, normalisation, data share, definition."""
    with st.expander(t("suitability.criteria_table", lang)):
        crit = su.surface_table(nstack, spec)
        st.dataframe(
            pd.DataFrame(
                {
                    t("suitability.col_criterion", lang): [titles[c] for c in crit["id"]],
                    t("suitability.col_units", lang): crit["units"],
                    t("suitability.col_direction", lang): [
                        t(f"suitability.{d}", lang) for d in crit["direction"]
                    ],
                    t("suitability.col_normalisation", lang): crit["normalisation"],
                    t("suitability.col_data_share", lang): [f"{s:.0%}" for s in crit["data_share"]],
                    t("suitability.col_definition", lang): [
                        pick(e, th, lang)
                        for e, th in zip(crit["definition_en"], crit["definition_th"], strict=True)
                    ],
                }
            ),
            hide_index=True,
        )


def _surface_download(surface: su.Surface, tif_key: object) -> None:
    """Prepare the surface GeoTIFF on request, then offer it for download."""
    if st.button(t("suitability.prepare_tif", lang), key=K + "prepare_tif"):
        # through the export path (`cmgis.sources.surface_download`): with the credits
        made = surface_download(surface, title=_model_title()[0])
        st.session_state[K + "tif"] = (tif_key, made.data)
    prepared = st.session_state.get(K + "tif")
    if prepared is not None and prepared[0] == tif_key:
        st.download_button(
            t("suitability.download_tif", lang),
            prepared[1],
            file_name="suitability.tif",
            mime="image/tiff",
            key=K + "download_tif",
        )


def _candidate_layer(
    cands: gpd.GeoDataFrame, surface: su.Surface, params: su.CandidateParams, preset_id: str
) -> gpd.GeoDataFrame:
    """The candidates as a layer titled by the preset, with the parameters that made it."""
    title_en, title_th = _model_title()
    return su.candidates_layer(
        cands,
        title_en=title_en,
        title_th=title_th,
        parameters=su.candidate_parameters(surface, params),
    )


def _compare(layer: gpd.GeoDataFrame, layer_key: object) -> None:
    """The district indicators of the candidates, computed on request."""
    if st.button(t("suitability.compare", lang), key=K + "compare"):
        try:
            st.session_state[K + "indicators"] = (layer_key, su.candidate_indicators(layer))
        except CmgisError as err:
            st.error(escape_markdown(err))
    compared = st.session_state.get(K + "indicators")
    if compared is not None and compared[0] == layer_key:
        from cmgis.districts import indicator_definitions

        names = {d.id: pick(d.title_en, d.title_th, lang) for d in indicator_definitions()}
        st.caption(t("suitability.compare_note", lang))
        st.dataframe(compared[1].rename(columns=names).round(2))


def _save_form(
    layer: gpd.GeoDataFrame, surface: su.Surface, params: su.CandidateParams, preset_id: str
) -> str:
    """Save the candidates as a user layer; returns the name typed (for the file name)."""
    name = st.text_input(
        t("user_layers.save_name", lang),
        value=f"candidate_zones_{preset_id}",
        max_chars=80,
        key=K + "layer_name",
    )
    if not can(Role.EDITOR):  # the library refuses too; hidden for the user's sake
        st.info(
            t("accounts.edit_read_only" if public_mode() else "accounts.save_needs_editor", lang)
        )
        return name
    who = st.text_input(t("user_layers.save_who", lang), max_chars=80, key=K + "layer_who")
    replace = st.checkbox(t("user_layers.save_replace", lang), key=K + "layer_replace")
    if st.button(t("user_layers.save_button", lang), key=K + "save"):
        try:
            record = save_candidate_layer(
                user_layer_views.store(),
                layer,
                name=name,
                created_by=who,
                parameters={
                    "preset": preset_id,
                    "weights": dict(surface.weights),
                    "top_share": params.top_share,
                    "min_area_km2": params.min_area_km2,
                    "resolution_m": surface.grid.resolution_m,
                },
                replace=replace,
                actor=current_actor(),
            )
        except CmgisError as err:
            st.error(escape_markdown(err))
        else:
            name_md = escape_markdown(record.name)  # typed text; the id is [a-z0-9_:]
            st.success(
                t("user_layers.saved", lang, n=len(layer), name=name_md,
                  layer_id=f"`{record.layer_id}`")
            )  # fmt: skip
    return name


def _gpkg_download(surface: su.Surface, layer: gpd.GeoDataFrame, name: str) -> None:
    """The candidates as a GeoPackage with credits (`cmgis.sources.candidates_download`)."""
    gpkg = candidates_download(surface, layer, title=_model_title()[0], name="candidate_zones")
    st.download_button(
        t("suitability.download_gpkg", lang),
        gpkg.data,
        file_name=su.safe_layer_filename(name),
        mime=gpkg.mime,
        key=K + "download_gpkg",
    )


def results(surface: su.Surface, cands: object, params: su.CandidateParams) -> None:
    """Candidate table, criteria table, downloads and saving as a layer."""
    assert isinstance(cands, gpd.GeoDataFrame)
    _candidates_table(cands)
    _criteria_table()
    tif_key = (resolution_m, tuple(sorted(surface.weights.items())))
    _surface_download(surface, tif_key)
    if len(cands) == 0:
        return
    preset_id = st.session_state[K + "preset"]
    layer = _candidate_layer(cands, surface, params, preset_id)
    _compare(layer, (tif_key, params.top_share, params.min_area_km2))
    name = _save_form(layer, surface, params, preset_id)
    export_in_crs(surface, layer)
    _gpkg_download(surface, layer, name)


workspace()
