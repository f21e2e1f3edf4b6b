"""A zone's projects, for the Zones page: ``render_zone_projects(zone_id, lang)``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmgis.i18n import t
from cmgis.maps import project_title
from cmgis.plan import current_projects, projects_in_zone
from ui import projects_data


def zone_projects_table(zone_id: str, lang: str) -> pd.DataFrame:
    """Code, title, strategy and status of the projects touching ``zone_id``."""
    current = current_projects(
        projects_data.store(), base=projects_data.base_projects(), zones=projects_data.zones()
    )
    rows = projects_in_zone(current, zone_id)
    return pd.DataFrame(
        {
            t("projects.code", lang): rows["code"],
            t("projects.title_col", lang): [
                project_title(r, lang) for r in rows.to_dict("records")
            ],
            t("projects.strategy", lang): [
                t(f"projects.strategy.{s}", lang) for s in rows["strategy"]
            ],
            t("projects.status", lang): [t(f"projects.status.{s}", lang) for s in rows["status"]],
        }
    )


def render_zone_projects(zone_id: str, lang: str) -> None:
    """Show the projects touching ``zone_id`` (a zone profile's "plan items" section)."""
    st.subheader(t("projects.zone_profile", lang))
    table = zone_projects_table(zone_id, lang)
    if table.empty:
        st.caption(t("projects.zone_profile_none", lang))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
