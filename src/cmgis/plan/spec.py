"""The action plan as data: the 3Ds, projects, activities, goals, workshops, stakeholders.

The plan lives in ``data/spec/plan.toml``, taken line by line from the report (Thai as
printed, English as cmgis's translation). `load_plan` reads and validates it: codes are
unique, each item sits under one of the 3Ds and has its Thai title, place-bound proposals
are filed where the report files them (its goals-and-means table or co-sensing lists),
stakeholder ids exist. Nothing here has a geometry; `cmgis.plan.projects` places the
place-bound proposals.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmgis import settings
from cmgis._errors import InputError
from cmgis.vocab import STATUSES as STATUSES  # the plan's names for the shared vocabularies
from cmgis.vocab import STRATEGY_KEYS as STRATEGY_KEYS

#: How a place-bound proposal gets its geometry (see `cmgis.plan.projects`).
PLACE_KINDS: tuple[str, ...] = ("zone", "route", "landmark", "poi", "coworking", "")

#: Kinds of co-sensing result (workshop 1, per strategy).
COSENSING_KINDS: tuple[str, ...] = ("activity", "constraint", "strength", "opportunity")

PLAN_TOML_NAME = "plan.toml"


class PlanError(InputError):
    """The plan file is malformed or inconsistent."""


@dataclass(frozen=True)
class Strategy:
    """One of the 3Ds (code "1", "2" or "3")."""

    code: str
    printed_label: str
    key: str
    name_en: str
    title_en: str
    title_th: str
    source: str


@dataclass(frozen=True)
class SubStrategy:
    """A strategy under one of the 3Ds (code "1.1" …)."""

    code: str
    strategy: str
    printed_label: str
    title_en: str
    title_th: str
    source: str


@dataclass(frozen=True)
class Activity:
    """An activity of a project (code "1.1.1.1" …; printed "1)" …)."""

    code: str
    printed_label: str
    title_th: str
    title_en: str
    line: int


@dataclass(frozen=True)
class PlanProject:
    """A project of the plan (code "1.1.1" …) with the label the report prints for it."""

    code: str
    printed_label: str
    substrategy: str
    strategy: str
    title_en: str
    title_th: str
    source: str
    activities: tuple[Activity, ...]


@dataclass(frozen=True)
class Means:
    """A means (แนวทาง) proposed for a goal in the report's goals-and-means table."""

    code: str
    title_th: str
    title_en: str


@dataclass(frozen=True)
class Goal:
    """A goal (เป้าหมาย) under one of the 3Ds, with its means (code "G1.1" …)."""

    code: str
    strategy: str
    title_th: str
    title_en: str
    source: str
    means: tuple[Means, ...]


@dataclass(frozen=True)
class PlaceProject:
    """A proposal the report ties to a place (code "P01" …).

    ``place`` says how `cmgis.plan.projects` makes its geometry: ``zone:<zone_id>``,
    ``route:cmu-suan_dok``, ``landmark:<name>``, ``coworking`` or ``""`` (no place).
    """

    code: str
    title_en: str
    title_th: str
    place_th: str
    strategy: str
    means: tuple[str, ...]
    cosensing: tuple[str, ...]
    related: tuple[str, ...]
    status: str
    place: str
    lead: tuple[str, ...]
    partners: tuple[str, ...]
    partners_named_en: str
    activities: tuple[str, ...]
    note_en: str
    source: str

    @property
    def place_kind(self) -> str:
        """The part of ``place`` before the colon (``"zone"``, ``"route"`` …)."""
        return self.place.split(":", 1)[0]

    @property
    def place_arg(self) -> str:
        """The part of ``place`` after the colon (a zone id, a landmark name …)."""
        return self.place.split(":", 1)[1] if ":" in self.place else ""


@dataclass(frozen=True)
class Stakeholder:
    """A stakeholder named in the report (one entry per organisation)."""

    id: str
    name_en: str
    name_th: str
    aliases: tuple[str, ...]
    role_en: str


@dataclass(frozen=True)
class CosensingItem:
    """One co-sensing result: a proposed activity, a constraint, a strength or an opportunity."""

    kind: str
    text_th: str
    text_en: str


@dataclass(frozen=True)
class Cosensing:
    """What workshop 1 identified for one of the 3Ds (report lines 380–418)."""

    strategy: str
    source: str
    items: tuple[CosensingItem, ...]


@dataclass(frozen=True)
class Workshop:
    """A workshop of the planning process, with its hosts and participants."""

    date: str
    stages: tuple[str, ...]
    title_th: str
    title_en: str
    venue_th: str
    venue_en: str
    hosts: tuple[str, ...]
    participants: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Programme:
    """A programme named at the workshops (context, not a plan project)."""

    name_en: str
    detail_en: str


@dataclass(frozen=True)
class Plan:
    """The whole action plan."""

    meta: Mapping[str, Any]
    strategies: tuple[Strategy, ...]
    substrategies: tuple[SubStrategy, ...]
    projects: tuple[PlanProject, ...]
    goals: tuple[Goal, ...]
    place_projects: tuple[PlaceProject, ...]
    cosensing: tuple[Cosensing, ...]
    workshops: tuple[Workshop, ...]
    stakeholders: tuple[Stakeholder, ...]
    programmes: tuple[Programme, ...]

    def strategy(self, key: str) -> Strategy:
        """The strategy with ``key`` (``"default"``, ``"driving-spaces"``, ``"drivers"``)."""
        for s in self.strategies:
            if s.key == key:
                return s
        raise PlanError(f"unknown strategy {key!r}; expected one of {', '.join(STRATEGY_KEYS)}")

    def stakeholder_names(self, ids: tuple[str, ...], lang: str = "en") -> tuple[str, ...]:
        """Names of the stakeholders with ``ids``, in that order (Thai with ``lang="th"``)."""
        by_id = {s.id: (s.name_th if lang == "th" else s.name_en) for s in self.stakeholders}
        return tuple(by_id[i] for i in ids)

    def means_by_code(self) -> dict[str, tuple[Goal, Means]]:
        """Every means of the goals-and-means table by its code, with its goal."""
        return {m.code: (g, m) for g in self.goals for m in g.means}

    def codes(self) -> Iterator[str]:
        """Every code in the plan: strategies, sub-strategies, projects, activities, places."""
        for s in self.strategies:
            yield s.code
        for ss in self.substrategies:
            yield ss.code
        for p in self.projects:
            yield p.code
            for a in p.activities:
                yield a.code
        for g in self.goals:
            yield g.code
            for m in g.means:
                yield m.code
        for pp in self.place_projects:
            yield pp.code


def plan_toml(spec_dir: Path | None = None) -> Path:
    """Path of the plan file (``data/spec/plan.toml``)."""
    return (spec_dir or settings.spec_dir()) / PLAN_TOML_NAME


def load_plan(path: Path | None = None) -> Plan:
    """Read and validate the plan.

    Parameters
    ----------
    path
        A plan TOML file; defaults to ``data/spec/plan.toml``.

    Raises
    ------
    PlanError
        If the file is not valid TOML, a field is missing, a code is repeated, or an item
        does not belong to one of the 3Ds.
    """
    path = path or plan_toml()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise PlanError(f"plan file not found: {path}") from err
    except tomllib.TOMLDecodeError as err:
        raise PlanError(f"plan file {path.name} is not valid TOML: {err}") from err
    plan = plan_from_dict(raw)
    validate_plan(plan)
    return plan


def _str(item: Mapping[str, Any], key: str, where: str) -> str:
    if key not in item:
        raise PlanError(f"{where}: missing field {key!r}")
    value = item[key]
    if not isinstance(value, str):
        raise PlanError(f"{where}: field {key!r} must be text, got {type(value).__name__}")
    return value


def _strs(item: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanError(f"{where}: field {key!r} must be a list of text")
    return tuple(value)


def _int(item: Mapping[str, Any], key: str, where: str) -> int:
    if key not in item:
        raise PlanError(f"{where}: missing field {key!r}")
    value = item[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise PlanError(f"{where}: field {key!r} must be a whole number")
    return value


def _table(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise PlanError(f"plan: {key!r} must be an array of tables ([[{key}]])")
    return value


def _strategies(raw: Mapping[str, Any]) -> tuple[Strategy, ...]:
    return tuple(
        Strategy(
            code=_str(s, "code", w := f"strategies[{i}]"),
            printed_label=_str(s, "printed_label", w),
            key=_str(s, "key", w),
            name_en=_str(s, "name_en", w),
            title_en=_str(s, "title_en", w),
            title_th=_str(s, "title_th", w),
            source=_str(s, "source", w),
        )
        for i, s in enumerate(_table(raw, "strategies"))
    )


def _substrategies(raw: Mapping[str, Any]) -> tuple[SubStrategy, ...]:
    return tuple(
        SubStrategy(
            code=_str(s, "code", w := f"substrategies[{i}]"),
            strategy=_str(s, "strategy", w),
            printed_label=_str(s, "printed_label", w),
            title_en=_str(s, "title_en", w),
            title_th=_str(s, "title_th", w),
            source=_str(s, "source", w),
        )
        for i, s in enumerate(_table(raw, "substrategies"))
    )


def _place_projects(raw: Mapping[str, Any]) -> tuple[PlaceProject, ...]:
    return tuple(
        PlaceProject(
            code=_str(p, "code", w := f"place_projects[{i}]"),
            title_en=_str(p, "title_en", w),
            title_th=_str(p, "title_th", w),
            place_th=_str(p, "place_th", w),
            strategy=_str(p, "strategy", w),
            means=_strs(p, "means", w),
            cosensing=_strs(p, "cosensing", w),
            related=_strs(p, "related", w),
            status=_str(p, "status", w),
            place=_str(p, "place", w),
            lead=_strs(p, "lead", w),
            partners=_strs(p, "partners", w),
            partners_named_en=_str(p, "partners_named_en", w),
            activities=_strs(p, "activities", w),
            note_en=_str(p, "note_en", w),
            source=_str(p, "source", w),
        )
        for i, p in enumerate(_table(raw, "place_projects"))
    )


def _stakeholders(raw: Mapping[str, Any]) -> tuple[Stakeholder, ...]:
    return tuple(
        Stakeholder(
            id=_str(s, "id", w := f"stakeholders[{i}]"),
            name_en=_str(s, "name_en", w),
            name_th=_str(s, "name_th", w),
            aliases=_strs(s, "aliases", w),
            role_en=_str(s, "role_en", w),
        )
        for i, s in enumerate(_table(raw, "stakeholders"))
    )


def _goals(raw: Mapping[str, Any]) -> tuple[Goal, ...]:
    return tuple(
        Goal(
            code=_str(g, "code", w := f"goals[{i}]"),
            strategy=_str(g, "strategy", w),
            title_th=_str(g, "title_th", w),
            title_en=_str(g, "title_en", w),
            source=_str(g, "source", w),
            means=tuple(
                Means(
                    code=_str(m, "code", mw := f"{w}.means[{j}]"),
                    title_th=_str(m, "title_th", mw),
                    title_en=_str(m, "title_en", mw),
                )
                for j, m in enumerate(_table(g, "means"))
            ),
        )
        for i, g in enumerate(_table(raw, "goals"))
    )


def _cosensing(raw: Mapping[str, Any]) -> tuple[Cosensing, ...]:
    return tuple(
        Cosensing(
            strategy=_str(c, "strategy", w := f"cosensing[{i}]"),
            source=_str(c, "source", w),
            items=tuple(
                CosensingItem(
                    kind=_str(it, "kind", iw := f"{w}.items[{j}]"),
                    text_th=_str(it, "text_th", iw),
                    text_en=_str(it, "text_en", iw),
                )
                for j, it in enumerate(_table(c, "items"))
            ),
        )
        for i, c in enumerate(_table(raw, "cosensing"))
    )


def _workshops(raw: Mapping[str, Any]) -> tuple[Workshop, ...]:
    return tuple(
        Workshop(
            date=_str(x, "date", w := f"workshops[{i}]"),
            stages=_strs(x, "stages", w),
            title_th=_str(x, "title_th", w),
            title_en=_str(x, "title_en", w),
            venue_th=_str(x, "venue_th", w),
            venue_en=_str(x, "venue_en", w),
            hosts=_strs(x, "hosts", w),
            participants=_strs(x, "participants", w),
            source=_str(x, "source", w),
        )
        for i, x in enumerate(_table(raw, "workshops"))
    )


def _programmes(raw: Mapping[str, Any]) -> tuple[Programme, ...]:
    return tuple(
        Programme(
            name_en=_str(s, "name_en", w := f"programmes[{i}]"), detail_en=_str(s, "detail_en", w)
        )
        for i, s in enumerate(_table(raw, "programmes"))
    )


def _projects(raw: Mapping[str, Any], sub_strategy: Mapping[str, str]) -> tuple[PlanProject, ...]:
    projects = []
    for i, p in enumerate(_table(raw, "projects")):
        w = f"projects[{i}]"
        sub = _str(p, "substrategy", w)
        activities = tuple(
            Activity(
                code=_str(a, "code", aw := f"{w}.activities[{j}]"),
                printed_label=_str(a, "printed_label", aw),
                title_th=_str(a, "title_th", aw),
                title_en=_str(a, "title_en", aw),
                line=_int(a, "line", aw),
            )
            for j, a in enumerate(_table(p, "activities"))
        )
        projects.append(
            PlanProject(
                code=_str(p, "code", w),
                printed_label=_str(p, "printed_label", w),
                substrategy=sub,
                strategy=sub_strategy.get(sub, ""),
                title_en=_str(p, "title_en", w),
                title_th=_str(p, "title_th", w),
                source=_str(p, "source", w),
                activities=activities,
            )
        )
    return tuple(projects)


def plan_from_dict(raw: Mapping[str, Any]) -> Plan:
    """Build a `Plan` from parsed TOML (fields are checked; consistency is not).

    Each table is read by its own ``_<table>`` function below.
    """
    substrategies = _substrategies(raw)
    sub_strategy = {s.code: s.strategy for s in substrategies}
    meta = raw.get("meta", {})
    if not isinstance(meta, dict):
        raise PlanError("plan: [meta] must be a table")
    return Plan(
        meta=meta,
        strategies=_strategies(raw),
        substrategies=substrategies,
        projects=_projects(raw, sub_strategy),
        goals=_goals(raw),
        place_projects=_place_projects(raw),
        cosensing=_cosensing(raw),
        workshops=_workshops(raw),
        stakeholders=_stakeholders(raw),
        programmes=_programmes(raw),
    )


def _check_place_project(
    pp: PlaceProject,
    by_key: Mapping[str, Strategy],
    means: Mapping[str, tuple[Goal, Means]],
    project_strategy: Mapping[str, str],
    stakeholder_ids: set[str],
) -> None:
    """Check one place-bound project against the rest of the plan (`validate_plan`)."""
    where = f"plan: place-bound project {pp.code}"
    if pp.strategy not in by_key:
        raise PlanError(f"{where} has unknown strategy {pp.strategy!r}")
    if not pp.means and not pp.cosensing:
        raise PlanError(
            f"{where} is not filed: give the report's filing (means of the goals-and-means "
            "table, or a strategy whose co-sensing list names it)"
        )
    for code in pp.means:
        if code not in means:
            raise PlanError(f"{where} refers to unknown means {code!r}")
    for key in pp.cosensing:
        if key not in by_key:
            raise PlanError(f"{where} has unknown co-sensing strategy {key!r}")
    filed = means[pp.means[0]][0].strategy if pp.means else pp.cosensing[0]
    if pp.strategy != filed:
        raise PlanError(
            f"{where} has strategy {pp.strategy!r} but the report files it under {filed!r}"
        )
    if pp.status not in STATUSES:
        raise PlanError(f"{where} has unknown status {pp.status!r}")
    if pp.place_kind not in PLACE_KINDS:
        raise PlanError(f"{where} has unknown place {pp.place!r}")
    for code in pp.related:
        if code not in project_strategy:
            raise PlanError(f"{where} refers to unknown project {code!r}")
        if project_strategy[code] != pp.strategy:
            raise PlanError(f"{where} refers to project {code} of another strategy")
    for sid in (*pp.lead, *pp.partners):
        if sid not in stakeholder_ids:
            raise PlanError(f"{where} names unknown stakeholder {sid!r}")


def validate_plan(plan: Plan) -> None:
    """Check the plan is consistent; raise `PlanError` naming the first problem."""
    if tuple(s.key for s in plan.strategies) != STRATEGY_KEYS:
        raise PlanError(
            f"plan: the strategies must be the 3Ds {', '.join(STRATEGY_KEYS)} in that order"
        )
    seen: set[str] = set()
    for code in plan.codes():
        if not code:
            raise PlanError("plan: an item has an empty code")
        if code in seen:
            raise PlanError(f"plan: code {code!r} is used twice; codes must be unique")
        seen.add(code)
    by_key = {s.key: s for s in plan.strategies}
    for ss in plan.substrategies:
        if ss.strategy not in by_key:
            raise PlanError(f"plan: strategy {ss.code} is under unknown strategy {ss.strategy!r}")
        if not ss.code.startswith(by_key[ss.strategy].code + "."):
            raise PlanError(f"plan: code {ss.code} does not match its strategy {ss.strategy}")
    titled: list[tuple[str, str]] = [
        *((s.title_th, f"strategy {s.code}") for s in plan.strategies),
        *((ss.title_th, f"strategy {ss.code}") for ss in plan.substrategies),
        *((p.title_th, f"project {p.code}") for p in plan.projects),
        *((a.title_th, f"activity {a.code}") for p in plan.projects for a in p.activities),
        *((g.title_th, f"goal {g.code}") for g in plan.goals),
        *((m.title_th, f"means {m.code}") for g in plan.goals for m in g.means),
    ]
    for title_th, what in titled:
        if not title_th.strip():
            raise PlanError(f"plan: {what} has no Thai title; the report gives Thai for every item")
    sub_codes = {ss.code for ss in plan.substrategies}
    for p in plan.projects:
        if p.substrategy not in sub_codes:
            raise PlanError(f"plan: project {p.code} is under unknown strategy {p.substrategy!r}")
        if not p.code.startswith(p.substrategy + "."):
            raise PlanError(f"plan: project code {p.code} is not under {p.substrategy}")
        for a in p.activities:
            if not a.code.startswith(p.code + "."):
                raise PlanError(f"plan: activity code {a.code} is not under project {p.code}")
    project_strategy = {p.code: p.strategy for p in plan.projects}
    stakeholder_ids = {s.id for s in plan.stakeholders}
    for g in plan.goals:
        if g.strategy not in by_key:
            raise PlanError(f"plan: goal {g.code} is under unknown strategy {g.strategy!r}")
        if not g.code.startswith(f"G{by_key[g.strategy].code}."):
            raise PlanError(f"plan: goal code {g.code} does not match its strategy {g.strategy}")
        for m in g.means:
            if not m.code.startswith(g.code + "."):
                raise PlanError(f"plan: means code {m.code} is not under goal {g.code}")
    means = plan.means_by_code()
    for pp in plan.place_projects:
        _check_place_project(pp, by_key, means, project_strategy, stakeholder_ids)
    for c in plan.cosensing:
        if c.strategy not in by_key:
            raise PlanError(f"plan: co-sensing results under unknown strategy {c.strategy!r}")
        for it in c.items:
            if it.kind not in COSENSING_KINDS:
                raise PlanError(
                    f"plan: co-sensing item kind {it.kind!r}; expected one of "
                    + ", ".join(COSENSING_KINDS)
                )
    for ws in plan.workshops:
        for sid in (*ws.hosts, *ws.participants):
            if sid not in stakeholder_ids:
                raise PlanError(f"plan: workshop {ws.date} names unknown stakeholder {sid!r}")
    dupes: set[str] = set()
    for names in ([s.name_th for s in plan.stakeholders], [s.name_en for s in plan.stakeholders]):
        dupes |= {n for n in names if names.count(n) > 1 and n}
    ids = [s.id for s in plan.stakeholders]
    if len(set(ids)) != len(ids) or dupes:
        raise PlanError(
            f"plan: a stakeholder is listed twice ({', '.join(sorted(dupes)) or 'same id'})"
        )


def plan_rows(plan: Plan) -> list[dict[str, str]]:
    """The plan as flat rows (one per strategy, project, activity and place-bound project).

    Each row has ``code``, ``printed_label``, ``level``, ``strategy`` (a 3Ds key),
    ``title_en``, ``title_th`` and ``source``.
    """
    rows: list[dict[str, str]] = []
    for s in plan.strategies:
        rows.append(
            {
                "code": s.code,
                "printed_label": s.printed_label,
                "level": "strategy",
                "strategy": s.key,
                "title_en": f"{s.name_en}: {s.title_en}",
                "title_th": s.title_th,
                "source": s.source,
            }
        )
        for ss in (x for x in plan.substrategies if x.strategy == s.key):
            rows.append(
                {
                    "code": ss.code,
                    "printed_label": ss.printed_label,
                    "level": "strategy",
                    "strategy": s.key,
                    "title_en": ss.title_en,
                    "title_th": ss.title_th,
                    "source": ss.source,
                }
            )
            for p in (x for x in plan.projects if x.substrategy == ss.code):
                rows.append(
                    {
                        "code": p.code,
                        "printed_label": p.printed_label,
                        "level": "project",
                        "strategy": s.key,
                        "title_en": p.title_en,
                        "title_th": p.title_th,
                        "source": p.source,
                    }
                )
                rows.extend(
                    {
                        "code": a.code,
                        "printed_label": a.printed_label,
                        "level": "activity",
                        "strategy": s.key,
                        "title_en": a.title_en,
                        "title_th": a.title_th,
                        "source": p.source,
                    }
                    for a in p.activities
                )
    return rows
