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


def test_home_shows_the_municipality_facts_and_the_isc_average_note() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    metrics = [m.value for m in at.metric]
    for value in ("40.216", "14", "129,536", "89,238", "~250,000", "67.13 %"):
        assert value in metrics, value
    captions = " ".join(c.value for c in at.caption)
    assert "60,829 men, 68,707 women" in captions
    assert "end of 2018" in captions
    warning = " ".join(w.value for w in at.warning)
    assert "มากกว่า 2.5 ล้านคน" in warning
    assert "fewer than 2 million" in warning
    note = " ".join(i.value for i in at.info)
    assert "67.13" in note and "68.38" in note and "not the mean" in note


def test_home_facts_in_thai() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "th"
    at.run()
    assert not at.exception
    assert any("เทศบาลนครเชียงใหม่ตามรายงาน" in s.value for s in at.subheader)
    assert "ณ สิ้นปี 2561" in " ".join(c.value for c in at.caption)
    assert "ไม่ถึง 2 ล้านคน" in " ".join(w.value for w in at.warning)
    assert "ร้อยละ 68.38" in " ".join(i.value for i in at.info)
