"""One spelling of the 3Ds in code (`cmgis.vocab`); the workshop's rows keep theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmgis import InputError
from cmgis.i18n import t
from cmgis.plan.spec import STRATEGY_KEYS as PLAN_KEYS
from cmgis.plan.spec import load_plan
from cmgis.store import open_app_store
from cmgis.vocab import STRATEGY_KEYS, parse_strategy, strategy_label, strategy_to_store
from cmgis.workshop import (
    STRATEGIES,
    add_contribution,
    build_board,
    contributions_frame,
    create_workshop,
    get_contribution,
    join_workshop,
    update_contribution,
)
from tests.workshop_support import make_zone_index


def test_plan_and_workshop_use_the_same_keys() -> None:
    assert STRATEGY_KEYS == ("default", "driving-spaces", "drivers")
    assert PLAN_KEYS == STRATEGY_KEYS == STRATEGIES
    assert tuple(s.key for s in load_plan().strategies) == STRATEGY_KEYS


def test_either_spelling_is_read_and_unknown_keys_are_refused() -> None:
    assert parse_strategy("driving_spaces") == parse_strategy("driving-spaces") == "driving-spaces"
    assert strategy_to_store("driving-spaces") == "driving_spaces"
    assert strategy_to_store("drivers") == "drivers"
    with pytest.raises(InputError, match="default, driving-spaces, drivers"):
        parse_strategy("driving spaces")
    for lang in ("en", "th"):
        assert strategy_label("driving_spaces", lang) == t("workshop.strategy.driving-spaces", lang)
        assert "Driving spaces" in strategy_label("driving-spaces", lang)


def test_workshop_rows_keep_their_spelling_and_code_sees_one(tmp_path: Path) -> None:
    with open_app_store(tmp_path / "v.sqlite") as store:
        ws = create_workshop(store, title="3Ds", pin="1357")
        group = join_workshop(store, ws.code, "A")
        zones = make_zone_index()
        new = add_contribution(
            store, group, category="asset", strategy="driving-spaces", title="new", zones=zones
        )
        old = add_contribution(
            store, group, category="asset", strategy="driving_spaces", title="old", zones=zones
        )
        stored = store.query("SELECT DISTINCT strategy FROM workshop_contributions")
        assert [r["strategy"] for r in stored] == ["driving_spaces"]  # rows are not migrated
        assert get_contribution(store, new.id).strategy == "driving-spaces"
        assert get_contribution(store, old.id).strategy == "driving-spaces"
        edited = update_contribution(store, group, old.id, title="old, edited")
        assert edited.strategy == "driving-spaces"
        assert set(contributions_frame(store, ws.id)["strategy"]) == {"driving-spaces"}
        board = build_board(store, ws)
        assert len(board.cell("driving-spaces", "no_place")) == 2
