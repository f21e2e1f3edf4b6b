"""AppTest: a zone's profile lists the projects touching it (ui.zone_projects)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def _zone_page(zone_id: str, lang: str) -> None:
    from ui.zone_projects import render_zone_projects

    render_zone_projects(zone_id, lang)


@pytest.mark.parametrize(("zone_id", "code", "absent"), [("mae_kha", "P06", "P07")])
def test_zone_lists_its_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone_id: str, code: str, absent: str
) -> None:
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "z.sqlite"))
    at = AppTest.from_function(_zone_page, args=(zone_id, "en"), default_timeout=60).run()
    assert not at.exception
    codes = list(at.dataframe[0].value.iloc[:, 0])
    assert code in codes
    assert absent not in codes
    at_th = AppTest.from_function(_zone_page, args=(zone_id, "th"), default_timeout=60).run()
    assert at_th.subheader[0].value == "โครงการในย่านนี้"
