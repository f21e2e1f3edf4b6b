"""Start page: the municipality, the districts, the ISC scores, where to go next, credits."""

import pandas as pd
import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import pick, t
from cmgis.municipality import isc_overall_note, load_municipality
from ui import data
from ui.display import credit_lines, escape_markdown, isc_level, show_table
from ui.state import current_lang

lang = current_lang()
st.title(t("app.title", lang))
st.write(t("app.tagline", lang))

try:
    st.subheader(t("municipality.header", lang))
    town = load_municipality()
    facts = {f.id: f for f in town.facts if f.id not in ("men", "women")}
    cols = st.columns(len(facts))
    for col, fact in zip(cols, facts.values(), strict=True):
        col.metric(
            pick(fact.label_en, fact.label_th, lang),
            f"{'~' if fact.id == 'daily_commuters' else ''}{fact.formatted()}",
            help=fact.quote_th,
        )
        col.caption(pick(fact.unit_en, fact.unit_th, lang))
        if not fact.dated:
            col.caption(t("municipality.undated", lang))
    men, women = town.fact("men"), town.fact("women")
    as_of = pick(town.as_of, town.as_of_th, lang)
    st.caption(
        t("municipality.men_women", lang, men=men.formatted(), women=women.formatted())
        + " · "
        + t(
            "municipality.as_of",
            lang,
            date=pick(town.as_of, town.as_of_th, lang),
            source=pick(
                town.source,
                town.source.replace(
                    t("map.report_source", "en"), t("map.report_source", "th")
                ).replace(", section", " หัวข้อ"),
                lang,
            ),
        )
    )
    for claim in town.claims:
        st.warning(
            t("municipality.claim", lang, quote=claim.quote_th, text=claim.text_en)
            + "  \n"
            + pick(claim.caution_en, claim.caution_th, lang)
        )

    st.subheader(t("home.districts", lang))
    zones = data.layer("zones")
    rows = [
        {
            t("home.col.district", lang): pick(z["name_en"], z["name_th"], lang),
            t("home.col.theme", lang): pick(z["theme_en"], z["theme_th"], lang),
            t("home.col.area", lang): round(float(z["area_km2"]), 2),
            t("home.col.boundary", lang): t(
                "home.approximate" if bool(z["approximate"]) else "home.constructed", lang
            ),
        }
        for _, z in zones.iterrows()
    ]
    show_table(pd.DataFrame(rows))
    st.caption(t("home.districts_note", lang))

    st.subheader(t("home.isc", lang))
    scores = data.isc()
    score_cols = st.columns(5)
    for col, score in zip(score_cols, scores, strict=True):
        title = score.title_th if lang == "th" else score.title_en
        level = isc_level(score.level, lang)
        col.metric(title.split(" (")[0], f"{score.score_pct:.2f} %", help=level)
        col.caption(level)
    st.info(isc_overall_note({s.id: s.score_pct for s in scores}, lang))

    st.subheader(t("home.what", lang))
    for path, key, icon in (
        ("ui/pages/map.py", "home.go.map", ":material/map:"),
        ("ui/pages/zones.py", "home.go.zones", ":material/assignment:"),
        ("ui/pages/projects.py", "home.go.projects", ":material/push_pin:"),
        ("ui/pages/workshop.py", "home.go.workshop", ":material/groups:"),
        ("ui/pages/suitability.py", "home.go.suitability", ":material/target:"),
        ("ui/pages/export.py", "home.go.export", ":material/download:"),
        ("ui/pages/about.py", "home.go.about", ":material/info:"),
    ):
        st.page_link(path, label=t(key, lang), icon=icon)

    st.subheader(t("home.credits", lang))
    _lines = credit_lines(data.catalog().credits(), lang)
    st.markdown("\n".join(f"- {line}" for line in _lines))
except CmgisError as err:
    st.error(t("map.data_missing", lang, err=escape_markdown(err)))
