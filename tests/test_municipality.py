"""Tests of cmgis.municipality: the report's facts about the municipality, the ISC note."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmgis.districts.indicators import isc_scores
from cmgis.municipality import (
    MunicipalityError,
    dimension_mean_pct,
    isc_overall_note,
    load_municipality,
    municipality_toml,
)

#: The report's facts (text line 20), typed from the report.
REPORT_FACTS = {
    "area_km2": "40.216",
    "tambons": "14",
    "population": "129,536",
    "men": "60,829",
    "women": "68,707",
    "households": "89,238",
    "daily_commuters": "250,000",
}


def test_facts_as_the_report_gives_them() -> None:
    town = load_municipality()
    assert {f.id: f.formatted() for f in town.facts} == REPORT_FACTS
    for f in town.facts:
        assert f.formatted() in f.quote_th  # the number is in the quoted Thai
        assert f.line == 20
    assert town.fact("men").value + town.fact("women").value == town.fact("population").value
    assert (town.as_of, town.as_of_th) == ("end of 2018", "ณ สิ้นปี 2561")
    assert not town.fact("daily_commuters").dated


def test_non_registered_claim_is_quoted_with_a_caution() -> None:
    (claim,) = load_municipality().claims
    assert "มากกว่า 2.5 ล้านคน" in claim.quote_th
    assert "fewer than 2 million" in claim.caution_en
    assert "ไม่ถึง 2 ล้านคน" in claim.caution_th


def test_isc_overall_is_the_reports_average_not_the_dimension_mean() -> None:
    scores = {s.id: s.score_pct for s in isc_scores()}
    assert scores["overall"] == load_municipality().isc_overall_pct == 67.13
    assert dimension_mean_pct(scores) == 68.38
    assert "68.38" in isc_overall_note(scores) and "67.13" in isc_overall_note(scores)
    assert "ร้อยละ 68.38" in isc_overall_note(scores, "th")
    with pytest.raises(MunicipalityError, match="inclusive"):
        dimension_mean_pct({"innovative": 1.0, "connected": 1.0, "sustainable": 1.0})


def test_malformed_file_is_refused(tmp_path: Path) -> None:
    text = municipality_toml().read_text(encoding="utf-8")
    path = tmp_path / "m.toml"
    path.write_text(text.replace("value = 40.216", 'value = "40.216"'), encoding="utf-8")
    with pytest.raises(MunicipalityError, match="'value' has the wrong type"):
        load_municipality(path)
    path.write_text("[isc_overall", encoding="utf-8")
    with pytest.raises(MunicipalityError, match="not valid TOML"):
        load_municipality(path)
