"""Facts about Chiang Mai City Municipality as the report states them, and the ISC note.

The facts live in ``data/spec/municipality.toml`` with the report's own Thai wording and
the line of the report text each comes from. The report's ISC overall score (67.13 %) is
its "average" (คะแนนเฉลี่ย); it is not the mean of the four dimension scores, and
`isc_overall_note` says so wherever the score is shown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmgis import settings
from cmgis._errors import InputError

MUNICIPALITY_TOML_NAME = "municipality.toml"

#: ISC ids of the four dimensions (``data/spec/isc.toml``); "overall" is the report's average.
ISC_DIMENSIONS: tuple[str, ...] = ("innovative", "connected", "sustainable", "inclusive")


class MunicipalityError(InputError):
    """The municipality facts file is malformed."""


@dataclass(frozen=True)
class Fact:
    """One fact of the report about the municipality."""

    id: str
    value: float
    unit_en: str
    unit_th: str
    label_en: str
    label_th: str
    quote_th: str
    line: int
    dated: bool

    def formatted(self) -> str:
        """The value as the report prints it (``40.216``, ``129,536``)."""
        return f"{int(self.value):,}" if float(self.value).is_integer() else f"{self.value:g}"


@dataclass(frozen=True)
class Claim:
    """A statement of the report shown as a quotation with a caution (not as a figure)."""

    id: str
    quote_th: str
    text_en: str
    caution_en: str
    caution_th: str
    line: int


@dataclass(frozen=True)
class MunicipalityFacts:
    """The municipality facts, their date and source."""

    source: str
    as_of: str
    as_of_th: str
    facts: tuple[Fact, ...]
    claims: tuple[Claim, ...]
    isc_overall_pct: float
    isc_note_en: str
    isc_note_th: str

    def fact(self, fact_id: str) -> Fact:
        """The fact with ``fact_id``."""
        for f in self.facts:
            if f.id == fact_id:
                return f
        raise MunicipalityError(f"no municipality fact {fact_id!r}")


def municipality_toml(spec_dir: Path | None = None) -> Path:
    """Path of ``data/spec/municipality.toml``."""
    return (spec_dir or settings.spec_dir()) / MUNICIPALITY_TOML_NAME


def _get(item: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in item:
        raise MunicipalityError(f"{where}: missing field {key!r}")
    value = item[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise MunicipalityError(f"{where}: field {key!r} has the wrong type")
    return value


def load_municipality(path: Path | None = None) -> MunicipalityFacts:
    """Read the municipality facts (raises `MunicipalityError` if the file is malformed)."""
    path = path or municipality_toml()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise MunicipalityError(f"municipality facts not found: {path}") from err
    except tomllib.TOMLDecodeError as err:
        raise MunicipalityError(f"{path.name} is not valid TOML: {err}") from err
    facts = []
    for i, f in enumerate(raw.get("fact", [])):
        w = f"fact[{i}]"
        facts.append(
            Fact(
                id=_get(f, "id", str, w),
                value=_get(f, "value", (int, float), w),
                unit_en=_get(f, "unit_en", str, w),
                unit_th=_get(f, "unit_th", str, w),
                label_en=_get(f, "label_en", str, w),
                label_th=_get(f, "label_th", str, w),
                quote_th=_get(f, "quote_th", str, w),
                line=_get(f, "line", int, w),
                dated=bool(f.get("dated", True)),
            )
        )
    claims = tuple(
        Claim(
            id=_get(c, "id", str, w := f"claim[{i}]"),
            quote_th=_get(c, "quote_th", str, w),
            text_en=_get(c, "text_en", str, w),
            caution_en=_get(c, "caution_en", str, w),
            caution_th=_get(c, "caution_th", str, w),
            line=_get(c, "line", int, w),
        )
        for i, c in enumerate(raw.get("claim", []))
    )
    isc = _get(raw, "isc_overall", dict, "municipality")
    return MunicipalityFacts(
        source=_get(raw, "source", str, "municipality"),
        as_of=_get(raw, "as_of", str, "municipality"),
        as_of_th=_get(raw, "as_of_th", str, "municipality"),
        facts=tuple(facts),
        claims=claims,
        isc_overall_pct=float(_get(isc, "score_pct", (int, float), "isc_overall")),
        isc_note_en=_get(isc, "note_en", str, "isc_overall"),
        isc_note_th=_get(isc, "note_th", str, "isc_overall"),
    )


def dimension_mean_pct(scores: dict[str, float]) -> float:
    """The plain mean of the four ISC dimension scores (not the report's overall score)."""
    missing = [d for d in ISC_DIMENSIONS if d not in scores]
    if missing:
        raise MunicipalityError(f"ISC scores lack the dimension(s) {', '.join(missing)}")
    return round(sum(scores[d] for d in ISC_DIMENSIONS) / len(ISC_DIMENSIONS), 2)


def isc_overall_note(scores: dict[str, float], lang: str = "en") -> str:
    """The note shown with the overall ISC score: the report's average, not the plain mean.

    ``scores`` maps ISC ids (``data/spec/isc.toml``) to their percentage.
    """
    facts = load_municipality()
    note = facts.isc_note_th if lang == "th" else facts.isc_note_en
    return note.format(mean=f"{dimension_mean_pct(scores):.2f}")
