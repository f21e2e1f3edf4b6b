"""About-the-data page pieces: credits, the layer catalog, data gaps, indicators, ISC."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmgis.districts import indicator_definitions
from cmgis.i18n import t
from cmgis.municipality import isc_overall_note
from ui import data
from ui.display import credit_lines, isc_level, show_table, unit_text


def credits(lang: str) -> None:
    """The credit lines every map shows."""
    st.subheader(t("map.about.credits", lang))
    lines = credit_lines(data.catalog().credits(), lang)
    st.markdown("\n".join(f"- {line}" for line in lines))


def layers_table(lang: str) -> None:
    """Every layer with source, licence, method, date and whether it is approximate."""
    st.subheader(t("map.about.layers", lang))
    th = lang == "th"
    rows = [
        {
            t("map.about.layer", lang): e.title_th if th and e.title_th else e.title_en,
            t("map.about.theme", lang): t(f"map.theme.{e.theme}", lang),
            t("map.about.features", lang): e.feature_count,
            t("map.about.source", lang): e.source,
            t("map.about.licence", lang): e.licence,
            t("map.about.method", lang): e.method,
            t("map.about.date", lang): e.date,
            t("map.about.approximate", lang): t("map.yes" if e.approximate else "map.no", lang),
        }
        for e in data.catalog().layers
    ]
    show_table(pd.DataFrame(rows))


def gaps(lang: str) -> None:
    """Indicators the plan asks for that have no open data here."""
    st.subheader(t("map.about.gaps", lang))
    th = lang == "th"
    rows = [
        {
            t("map.zones.indicator", lang): g.title_th if th else g.title_en,
            t("map.zones.value", lang): t("map.no_data", lang),
            t("map.zones.gap_why", lang): g.why_in(lang),
            t("map.about.wanted_by", lang): g.wanted_by_in(lang),
            t("map.about.import_hint", lang): g.import_hint_in(lang),
        }
        for g in data.catalog().no_data
    ]
    show_table(pd.DataFrame(rows))


def indicator_definitions_table(lang: str) -> None:
    """Formula, units, sources, ISC dimension and strategy of each indicator."""
    st.subheader(t("map.about.indicators", lang))
    th = lang == "th"
    rows = [
        {
            t("map.zones.indicator", lang): d.title_th if th else d.title_en,
            t("map.zones.unit", lang): unit_text(d.unit, lang) or d.unit,
            t("map.zones.definition", lang): d.formula_in(lang),
            t("map.about.source", lang): ", ".join(d.source_layers),
            t("map.zones.isc", lang): d.isc_dimension,
            t("map.zones.strategy", lang): d.strategy,
        }
        for d in indicator_definitions()
    ]
    show_table(pd.DataFrame(rows))


def isc(lang: str) -> None:
    """Chiang Mai's ISC scores, as the report gives them."""
    st.subheader(t("map.about.isc", lang))
    th = lang == "th"
    scores = data.isc()
    table = pd.DataFrame(
        {
            t("map.about.isc_dimension", lang): [s.title_th if th else s.title_en for s in scores],
            t("map.about.isc_score", lang): [s.score_pct for s in scores],
            t("map.about.isc_level", lang): [isc_level(s.level, lang) for s in scores],
        }
    )
    show_table(table)
    chart = pd.DataFrame(
        {t("map.about.isc_score", lang): [s.score_pct for s in scores]},
        index=[s.title_th if th else s.title_en for s in scores],
    )
    st.bar_chart(chart, horizontal=True, height=220, sort=False)
    st.info(isc_overall_note({s.id: s.score_pct for s in scores}, lang))
    st.caption(t("map.about.isc_source", lang))
