"""Tests of cmgis.plan: the plan file is complete, consistent and validated."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cmgis.plan import STRATEGY_KEYS, Plan, PlanError, load_plan, plan_rows, plan_toml

#: Every project the brief lists, by its consistent code, with the label the brief says the
#: report prints ("" where the brief does not say).
BRIEF_PROJECTS = {
    "1.1.1": ("Physical infrastructure", "1.1.1"),
    "1.1.2": ("Intellectual infrastructure", "1.1.1"),
    "1.2.1": ("Management systems linking sectors", "1.1.1"),
    "2.1.1": ("Innovation identity of the city", "2.11"),
    "2.1.2": ("Connect industries and sectors with area-based development", "2.12"),
    "2.2.1": ("Online and offline spaces", "2.11"),
    "2.2.2": ("Match demand and supply", "2.12"),
    "3.1.1": (
        "Inno-preneur training, prototyping, contests, marketplaces and festivals, mentoring",
        "",
    ),
    "3.1.2": ("Social innovation", ""),
    "3.2.1": ("Incentives for angels, venture capital, incubators, accelerators", "3.1.2"),
    "3.2.2": ("Impact investors for social innovation", "3.1.2"),
}

#: The place-bound proposals of the brief ("Places the report names").
BRIEF_PLACES = [
    "Smart Nimman",
    "Smart Old Town",
    "Smart CMU",
    "Medical Hub",
    "purple bus",
    "Mae Kha canal",
    "Food Valley",
    "Light-rail extension",
    "Co-working spaces spread out",
    "City design centre",
    "walking street",
    "Craft Innovation",
]

#: Activities the brief names for 1.2 (the committee, the calendar …).
BRIEF_ACTIVITIES = [
    "Online communication network of actors",
    "Public calendar of innovation events and trainings",
    "A multi-sector committee",
    "A network of Chief City Innovation Officers",
    "Matchmaking events",
    "Green innovation",
]

BRIEF_STAKEHOLDERS = 18


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def test_every_brief_project_present_once_with_printed_label(plan: Plan) -> None:
    got = {p.code: (p.title_en, p.printed_label) for p in plan.projects}
    assert got == BRIEF_PROJECTS
    titles = Counter(p.title_en for p in plan.projects)
    assert max(titles.values()) == 1


def test_every_place_bound_proposal_present_once(plan: Plan) -> None:
    for needle in BRIEF_PLACES:
        hits = [p for p in plan.place_projects if needle.lower() in p.title_en.lower()]
        assert len(hits) == 1, needle
    assert len(plan.place_projects) == len(BRIEF_PLACES)


def test_activities_present(plan: Plan) -> None:
    titles = [a.title_en for p in plan.projects for a in p.activities]
    for needle in BRIEF_ACTIVITIES:
        assert sum(t.startswith(needle) for t in titles) == 1, needle


def test_codes_unique_and_each_item_in_one_of_the_3ds(plan: Plan) -> None:
    codes = list(plan.codes())
    assert len(codes) == len(set(codes))
    assert tuple(s.key for s in plan.strategies) == STRATEGY_KEYS
    for p in plan.projects:
        assert p.strategy in STRATEGY_KEYS
        assert p.code.split(".")[0] == plan.strategy(p.strategy).code
    for pp in plan.place_projects:
        assert pp.strategy in STRATEGY_KEYS
    assert {r["strategy"] for r in plan_rows(plan)} == set(STRATEGY_KEYS)


def test_thai_titles_only_where_the_brief_gives_them(plan: Plan) -> None:
    assert all(s.title_th.startswith("ยุทธศาสตร์ที่ " + s.code) for s in plan.strategies)
    assert all(p.title_th == "" for p in plan.projects)


def test_stakeholders_from_brief(plan: Plan) -> None:
    assert len(plan.stakeholders) == BRIEF_STAKEHOLDERS
    medical = next(p for p in plan.place_projects if "Medical Hub" in p.title_en)
    assert plan.stakeholder_names(medical.partners) == ("CMU Faculty of Medicine",)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicate_code_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace('code = "1.1.2"\n', 'code = "1.1.1"\n', 1)
    with pytest.raises(PlanError, match=r"1\.1\.1.*twice"):
        load_plan(_write(tmp_path, broken))


def test_unknown_strategy_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace('strategy = "drivers"\nrelated', 'strategy = "driverz"\nrelated', 1)
    with pytest.raises(PlanError, match="driverz"):
        load_plan(_write(tmp_path, broken))


def test_broken_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="not valid TOML"):
        load_plan(_write(tmp_path, "[[strategies]\ncode = 1"))
