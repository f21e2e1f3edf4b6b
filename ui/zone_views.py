"""Zones page pieces: zone picker, profile, comparison chart, side-by-side table.

Owns the session key ``zone`` (shared with the Map page; through widget key ``_w_zone``)
and ``zones_compare``.
"""

from __future__ import annotations

import json
import math
from typing import cast

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cmgis import CmgisError
from cmgis.districts import (
    BOUNDARY_CONSTRUCTED,
    RANK_MIN_COVERAGE_PCT,
    IndicatorRow,
    ZoneProfile,
    definition,
    indicator_definitions,
    indicator_ranks,
    rankable,
)
from cmgis.i18n import t
from cmgis.maps import district_map, format_number
from ui import data
from ui.display import credit_lines, escape_markdown, show_table, unit_text
from ui.zone_projects import render_zone_projects


def _copy_zone() -> None:
    st.session_state["zone"] = st.session_state["_w_zone"]


def zone_picker(lang: str) -> str:
    """Select box of the five zones; returns the chosen zone id."""
    names = data.zone_names(lang)
    zone = st.session_state.get("zone")
    if zone not in names:
        zone = next(iter(names))
        st.session_state["zone"] = zone
    st.session_state["_w_zone"] = zone
    st.selectbox(
        t("map.zones.choose", lang),
        list(names),
        format_func=lambda z: names[z],
        key="_w_zone",
        on_change=_copy_zone,
    )
    return str(st.session_state["zone"])


def value_text(value: float | None, unit: str, lang: str, *, lower_bound: bool = False) -> str:
    """A value with its unit ("at least n" for a lower bound), or "no data" (never zero)."""
    if value is None or not math.isfinite(value):
        return t("map.no_data", lang)
    number = format_number(value)
    if lower_bound:
        number = t("map.zones.lower_bound", lang, n=number)
    return f"{number} {unit_text(unit, lang)}".strip()


def coverage_text(coverage: float | None, lang: str) -> str:
    """Why a zone is not ranked on OSM-based indicators (its coverage and the threshold)."""
    return t(
        "map.zones.not_ranked_coverage",
        lang,
        pct=format_number(coverage if coverage is not None else 0.0),
        min=format_number(RANK_MIN_COVERAGE_PCT),
    )


def rank_text(row: IndicatorRow, lang: str, coverage: float | None = None) -> str:
    """ "2 of 5", "descriptive (not ranked)", "not ranked: low coverage" or "no data"."""
    if row.definition.direction == 0:
        return t("map.zones.not_ranked", lang)
    if row.unranked_reason == "low_coverage":
        return coverage_text(coverage, lang)
    if row.rank is None:
        return t("map.no_data", lang)
    return t("map.zones.rank_value", lang, rank=row.rank, n=row.ranked_among)


def indicator_row(r: IndicatorRow, lang: str, coverage: float | None = None) -> dict[str, str]:
    """One indicator of a zone as display strings: name, value, rank, definition."""
    d = r.definition
    return {
        t("map.zones.indicator", lang): d.title_th if lang == "th" else d.title_en,
        t("map.zones.value", lang): value_text(r.value, d.unit, lang, lower_bound=d.lower_bound),
        t("map.zones.rank", lang): rank_text(r, lang, coverage),
        t("map.zones.definition", lang): d.formula_in(lang),
    }


def imported_text(indicator_id: str, zone_id: str, lang: str) -> str | None:
    """The value of an imported table's indicator for a zone, marked as imported; or None."""
    table = data.imported_values("zones")
    if indicator_id not in table.columns or zone_id not in table.index:
        return None
    value = float(cast(float, table.at[zone_id, indicator_id]))
    if not math.isfinite(value):
        return None
    return f"{format_number(value)} ({t('imports.map_imported', lang)})"


def indicator_table(p: ZoneProfile, lang: str) -> pd.DataFrame:
    """Every indicator of the zone, then the data gaps, as display strings."""
    rows = []
    for r in p.indicators:
        rows.append(
            indicator_row(r, lang, p.osm_coverage_pct)
            | {
                t("map.zones.isc", lang): r.definition.isc_dimension,
                t("map.zones.strategy", lang): r.definition.strategy,
            }
        )
    for gap in p.no_data:
        imported = imported_text(gap.id, p.zone_id, lang)
        rows.append(
            {
                t("map.zones.indicator", lang): gap.title_th if lang == "th" else gap.title_en,
                t("map.zones.value", lang): imported or t("map.no_data", lang),
                t("map.zones.rank", lang): t("map.no_data", lang),
                t("map.zones.definition", lang): gap.why_in(lang),
                t("map.zones.isc", lang): "",
                t("map.zones.strategy", lang): gap.wanted_by_in(lang),
            }
        )
    return pd.DataFrame(rows)


def profile(zone_id: str, lang: str) -> None:
    """The full profile of one zone.

    Long because it lays the profile out section by section, in the order a planner reads it.
    """
    p = data.profile(zone_id)
    th = lang == "th"
    st.header(p.name_th if th else p.name_en)
    st.markdown(f"**{t('map.zones.theme', lang)}:** {p.theme_th if th else p.theme_en}")
    programme = p.programme_th if lang == "th" and p.programme_th else p.programme
    if programme:
        st.markdown(f"**{t('map.zones.programme', lang)}:** {programme}")
    st.write(p.description_th if th else p.description_en)
    cols = st.columns(3)
    cols[0].metric(t("map.zones.area", lang), f"{format_number(p.area_km2)} km²")
    cols[1].metric(t("map.zones.landmarks", lang), len(p.landmarks))
    cols[2].metric(
        t("map.zones.coworking", lang),
        t("map.zones.lower_bound", lang, n=len(p.coworking)),
        help=t("map.zones.lower_bound_note", lang),
    )
    zone_profile_map(p, lang)
    if p.approximate:
        st.warning(t("map.zones.approximate_yes", lang))
    else:
        st.info(t("map.zones.approximate_no", lang))
    st.markdown(f"**{t('map.zones.boundary_how', lang)}**")
    note = p.boundary_note_th if th else p.boundary_note_en
    if note:
        st.write(note)
    if p.boundary_confidence:
        level = t(f"map.zones.confidence.{p.boundary_confidence}", lang)
        st.caption(t("map.zones.confidence", lang, level=level))
    if p.not_whole_municipal_share_pct:
        st.caption(
            t(
                "map.zones.partly_municipal",
                lang,
                pct=format_number(p.not_whole_municipal_share_pct),
            )
        )
    if p.disjoint_rule:
        st.caption(t("map.zones.disjoint_rule", lang))
    if p.osm_coverage_pct is not None and p.osm_coverage_pct < RANK_MIN_COVERAGE_PCT:
        st.warning(coverage_text(p.osm_coverage_pct, lang))
    with st.expander(t("map.zones.boundary", lang)):
        st.caption(t("map.zones.method_record", lang))
        st.write(p.method_th if lang == "th" and p.method_th else p.method)
        if p.boundary_status == BOUNDARY_CONSTRUCTED:
            st.caption(t("common.boundary_constructed", lang))
        elif p.boundary_status:
            st.caption(p.boundary_status)
        st.markdown(f"**{t('map.zones.parameters', lang)}**")
        st.code(json.dumps(p.parameters, ensure_ascii=False, indent=2), language="json")

    st.subheader(t("map.zones.tambons", lang))
    show_table(
        pd.DataFrame(
            {
                t("map.zones.tambon", lang): [s.name_th if th else s.name_en for s in p.tambons],
                t("map.zones.share", lang): [s.share_of_zone_pct for s in p.tambons],
            }
        )
    )

    st.subheader(t("map.zones.indicators", lang))
    wrapped_table(indicator_table(p, lang))

    st.subheader(t("map.zones.inside", lang))
    coverage = next((r.value for r in p.indicators if r.definition.id == "osm_coverage_pct"), None)
    if coverage is not None and coverage < 99.5:
        st.caption(t("map.zones.osm_note", lang, pct=format_number(coverage)))
    left, mid, right = st.columns(3)
    with left:
        counts = pd.DataFrame(
            {
                t("map.zones.poi_category", lang): [
                    t(f"map.poi_category.{c}", lang) for c in p.poi_counts
                ],
                t("map.zones.count", lang): list(p.poi_counts.values()),
            }
        )
        show_table(counts)
    with mid:
        st.markdown(f"**{t('map.zones.landmarks', lang)}**")
        if p.landmarks:
            st.markdown(
                "\n".join(
                    f"- {escape_markdown(x.name)} ({escape_markdown(_kind(x.kind, lang))})"
                    for x in p.landmarks
                )
            )
        else:
            st.caption(t("map.zones.none_inside", lang))
    with right:
        st.markdown(f"**{t('map.zones.coworking', lang)}**")
        if p.coworking:
            st.markdown("\n".join(f"- {escape_markdown(x.name)}" for x in p.coworking))
        else:
            st.caption(t("map.zones.none_inside", lang))

    st.subheader(t("map.zones.plan", lang))
    lines = [f"- {t(f'map.zones.strategy.{s}', lang)}" for s in p.strategies]
    lines += [f"- {t(f'map.plan.{code}', lang)}" for code in p.plan_items]
    st.markdown("\n".join(lines) if lines else "—")
    try:  # the action plan's projects placed in this zone (the Projects feature)
        render_zone_projects(zone_id, lang)
    except CmgisError as err:
        st.caption(escape_markdown(err))


#: Height of the Zones page's map of a district (CSS pixels).
ZONE_MAP_HEIGHT_PX = 420


def zone_profile_map(p: ZoneProfile, lang: str) -> None:
    """The district on the street basemap with its landmarks and co-working spaces."""
    fmap = district_map(
        p,
        data.web_layer("zones", lang, 2),
        lang=lang,
        credits=credit_lines(data.catalog().credits(), lang),
        landmarks_title=t("map.zones.landmarks", lang),
        coworking_title=t("map.zones.coworking", lang),
    )
    st_folium(fmap, key="zones_map", height=ZONE_MAP_HEIGHT_PX, width=None, returned_objects=[])


def wrapped_table(df: pd.DataFrame) -> None:
    """A table whose long cells wrap, so every column is readable (no cut-off cells).

    The first column (the row's name) is the index: ``st.table`` shows it in bold.
    """
    st.table(df.set_index(df.columns[0]) if len(df.columns) else df)


def _kind(kind: str, lang: str) -> str:
    """A landmark's kind (``market``, ``uni`` ...) in ``lang``; unknown kinds as they are."""
    text = t(f"map.landmark_kind.{kind}", lang)
    return kind if text.startswith("map.landmark_kind.") else text


def comparison_chart(zone_id: str, lang: str) -> None:
    """Bar chart of one indicator across the five zones; zones without data are named."""
    st.subheader(t("map.zones.compare_chart", lang))
    defs = indicator_definitions()
    titles = {d.id: (d.title_th if lang == "th" else d.title_en) for d in defs}
    ind = st.selectbox(
        t("map.zones.chart_indicator", lang),
        [d.id for d in defs],
        index=[d.id for d in defs].index("office_density_per_km2"),
        format_func=lambda i: titles[i],
        key="_w_zones_chart_indicator",
    )
    table = data.indicators("zones")
    names = data.zone_names(lang)
    unit = unit_text(next(d.unit for d in defs if d.id == ind), lang)
    ok = rankable(table)
    values = table[ind].astype(float).where(ok[ind]) if ind in ok else table[ind].astype(float)
    chart = pd.DataFrame(
        {f"{titles[ind]} ({unit})" if unit else titles[ind]: values.to_numpy()},
        index=[names.get(z, z) for z in table.index],
    )
    st.bar_chart(chart, horizontal=True, height=240, sort=False)
    missing = [names.get(z, z) for z in table.index[table[ind].isna()]]
    if missing:
        st.caption(t("map.zones.chart_no_data", lang, zones=", ".join(missing)))
    for z in table.index[table[ind].notna() & values.isna()]:
        coverage = float(cast(float, table.at[z, "osm_coverage_pct"]))
        st.caption(f"{names.get(z, z)}: {coverage_text(coverage, lang)}")
    if definition(ind).lower_bound:
        st.caption(t("map.zones.lower_bound_note", lang))


def side_by_side(zone_id: str, lang: str) -> None:
    """Indicators of two or more zones in columns, with ranks."""
    st.subheader(t("map.zones.compare", lang))
    names = data.zone_names(lang)
    default = st.session_state.get("zones_compare") or [
        zone_id,
        next(z for z in names if z != zone_id),
    ]
    picked = st.multiselect(
        t("map.zones.compare_pick", lang),
        list(names),
        default=[z for z in default if z in names],
        format_func=lambda z: names[z],
        key="_w_zones_compare",
        placeholder=t("common.choose", lang),
    )
    st.session_state["zones_compare"] = picked
    if len(picked) < 2:
        st.info(t("map.zones.compare_need_two", lang))
        return
    table = data.indicators("zones")
    ranks = indicator_ranks(table)
    rows = []
    for d in indicator_definitions():
        row = {t("map.zones.indicator", lang): d.title_th if lang == "th" else d.title_en}
        for z in picked:
            value = float(cast(float, table.at[z, d.id])) if d.id in table else math.nan
            text = value_text(value, d.unit, lang, lower_bound=d.lower_bound)
            if d.id in ranks and math.isfinite(value):
                rank = float(cast(float, ranks.at[z, d.id]))
                if math.isfinite(rank):
                    text += f"  (#{int(rank)})"
                else:
                    coverage = float(cast(float, table.at[z, "osm_coverage_pct"]))
                    text += f"  ({coverage_text(coverage, lang)})"
            row[names[z]] = text
        rows.append(row)
    for gap in data.catalog().no_data:
        row = {t("map.zones.indicator", lang): gap.title_th if lang == "th" else gap.title_en}
        row.update(
            {names[z]: imported_text(gap.id, z, lang) or t("map.no_data", lang) for z in picked}
        )
        rows.append(row)
    show_table(pd.DataFrame(rows))
