"""Workshop templates: run a workshop again with the same categories, board columns,
districts in focus and vote budget.

The report's co-sensing workshops (15 Aug 2019 at Chiangmai&Co, 11 Sep 2019 at the
municipality) asked participants for goals, then the means to reach them, then the
constraints in the way; `CO_SENSING` ships those steps as the board's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from cmgis._errors import InputError
from cmgis.workshop.access import create_workshop
from cmgis.workshop.records import (
    CATEGORIES,
    DEFAULT_VOTES_PER_GROUP,
    Category,
    Stage,
    Workshop,
)


@dataclass(frozen=True)
class WorkshopTemplate:
    """What a new workshop copies: stage, categories, steps (board columns), focus, votes.

    ``steps`` empty means the board's columns are the districts, as in a plain workshop.
    """

    key: str
    stage: Stage
    categories: tuple[Category, ...]
    steps: tuple[str, ...]
    zones_in_focus: tuple[str, ...]
    votes_per_group: int


#: The report's co-sensing steps: goals -> means -> constraints, every category, all zones.
CO_SENSING: Final = WorkshopTemplate(
    key="co_sensing",
    stage="co_sensing",
    categories=CATEGORIES,
    steps=("goals", "means", "constraints"),
    zones_in_focus=(),
    votes_per_group=DEFAULT_VOTES_PER_GROUP,
)
#: A plain workshop: board columns by district.
BY_DISTRICT: Final = WorkshopTemplate(
    key="by_district",
    stage="co_sensing",
    categories=CATEGORIES,
    steps=(),
    zones_in_focus=(),
    votes_per_group=DEFAULT_VOTES_PER_GROUP,
)
#: The templates that ship with cmgis, by key.
TEMPLATES: Final[dict[str, WorkshopTemplate]] = {t.key: t for t in (CO_SENSING, BY_DISTRICT)}


def template_of(workshop: Workshop) -> WorkshopTemplate:
    """The template of an earlier workshop, to run it again."""
    return WorkshopTemplate(
        key=f"workshop:{workshop.code}",
        stage=workshop.stage,
        categories=workshop.categories,
        steps=workshop.steps,
        zones_in_focus=workshop.zones_in_focus,
        votes_per_group=workshop.votes_per_group,
    )


def create_from_template(
    store: Any,
    template: WorkshopTemplate | str,
    *,
    title: str,
    pin: str,
    workshop_date: date | str | None = None,
    **hall: Any,
) -> Workshop:
    """A new workshop with the settings of ``template`` (a `WorkshopTemplate` or a key of
    `TEMPLATES`); ``hall`` takes the consent options of `cmgis.workshop.create_workshop`."""
    if isinstance(template, str):
        if template not in TEMPLATES:
            raise InputError(
                f"no workshop template {template!r}; expected one of {list(TEMPLATES)}"
            )
        template = TEMPLATES[template]
    return create_workshop(
        store,
        title=title,
        pin=pin,
        workshop_date=workshop_date,
        stage=template.stage,
        votes_per_group=template.votes_per_group,
        zones_in_focus=template.zones_in_focus,
        categories=template.categories,
        steps=template.steps,
        **hall,
    )
