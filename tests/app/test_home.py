"""AppTest: the start page renders."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_app_starts_without_exception() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "cmgis" in at.title[0].value


def test_home_lists_the_five_districts_and_isc_in_thai() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "th"
    at.run()
    assert not at.exception
    assert any("ย่านนวัตกรรมทั้งห้า" in s.value for s in at.subheader)
    districts = at.dataframe[0].value
    assert len(districts) == 5
    assert "แม่เหียะ" in set(districts.iloc[:, 0])
    assert "67.13 %" in [m.value for m in at.metric]
