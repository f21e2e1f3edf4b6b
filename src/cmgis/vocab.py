"""Shared vocabularies: the 3Ds strategy keys, project statuses, workshop categories and stages.

One spelling of each key in code: the strategies are ``default``, ``driving-spaces`` and
``drivers`` (as in ``data/spec/plan.toml``, the command line and the projects layer).
Labels are translations (`strategy_label`, locale keys ``workshop.strategy.<key>``).

The workshop's store rows keep the older spelling ``driving_spaces`` (stored rows are never
migrated): `strategy_to_store` and `strategy_from_store` translate at the store's edge, and
`parse_strategy` accepts either spelling from typed or imported input.
"""

from __future__ import annotations

from typing import Final, Literal

from cmgis._errors import InputError

Strategy = Literal["default", "driving-spaces", "drivers"]
#: The plan's three strategies ("3Ds"), in the report's order: 1 Default, 2 Driving
#: spaces, 3 Drivers.
STRATEGY_KEYS: Final[tuple[Strategy, ...]] = ("default", "driving-spaces", "drivers")

#: Keys whose spelling in the workshop's store rows differs from the code's.
_STORED_SPELLING: Final[dict[str, str]] = {"driving-spaces": "driving_spaces"}
_FROM_STORED: Final[dict[str, str]] = {v: k for k, v in _STORED_SPELLING.items()}

#: Statuses a project can have; the report's items start as "proposed" or "existing".
STATUSES: Final[tuple[str, ...]] = (
    "proposed",
    "existing",
    "planned",
    "in_progress",
    "completed",
    "on_hold",
    "dropped",
)

Category = Literal["asset", "problem", "opportunity", "project", "connection"]
#: Kinds of workshop contribution, as on the report's co-sensing boards.
CATEGORIES: Final[tuple[Category, ...]] = (
    "asset",
    "problem",
    "opportunity",
    "project",
    "connection",
)

Stage = Literal["co_initiating", "co_sensing", "co_presencing", "co_creating", "co_evolving"]
#: Stages of the participatory process (Oxford Scenario Planning, as in the report).
STAGES: Final[tuple[Stage, ...]] = (
    "co_initiating",
    "co_sensing",
    "co_presencing",
    "co_creating",
    "co_evolving",
)


def parse_strategy(value: object, *, what: str = "strategy") -> Strategy:
    """The canonical key of ``value`` (either spelling); `InputError` naming the keys if unknown."""
    if isinstance(value, str):
        key = _FROM_STORED.get(value, value)
        for known in STRATEGY_KEYS:
            if key == known:
                return known
    raise InputError(f"{what} {value!r} is not known; expected one of {', '.join(STRATEGY_KEYS)}")


def strategy_to_store(key: str) -> str:
    """The spelling the workshop's store rows use for the canonical ``key``."""
    return _STORED_SPELLING.get(key, key)


def strategy_from_store(value: str) -> Strategy:
    """The canonical key of a strategy read from a workshop store row (either spelling)."""
    return parse_strategy(value)


def strategy_label(key: str, lang: str) -> str:
    """Display name of a strategy in ``lang`` (``"th"`` or ``"en"``)."""
    from cmgis.i18n import t  # imported here: labels are only needed where text is shown

    return t(f"workshop.strategy.{parse_strategy(key)}", lang)
