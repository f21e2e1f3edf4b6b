"""Small display helpers shared by pages: tables shown whole, units in the chosen language."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmgis.i18n import normalise_lang, strings

_ROW_PX = 35
#: Units shown without a suffix: plain counts and 0-1 indices read best as bare numbers.
_NO_SUFFIX = frozenset({"count", "0-1"})


def show_table(df: pd.DataFrame) -> None:
    """A dataframe without index, tall enough to show every row (no inner scrolling)."""
    st.dataframe(df, hide_index=True, width="stretch", height=_ROW_PX * (len(df) + 1) + 3)


def unit_text(unit: str, lang: str) -> str:
    """An indicator unit in ``lang`` ("" for plain counts and 0-1 indices)."""
    if unit in _NO_SUFFIX:
        return ""
    entry = strings().get(f"map.unit.{unit}")
    return unit if entry is None else entry.get(normalise_lang(lang), unit)
