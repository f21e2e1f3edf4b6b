"""The five innovation districts: zones built by stated methods, indicators, profiles.

Modules: `zones` (the zones from ``data/spec/zones.toml``, one function per method in
`zones.ZONE_METHODS`), `indicators` (zone and tambon indicators with definitions, ISC
scores), `profiles` (a zone's profile page: indicators with ranks and coverage).

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis.districts.indicators import (
    RANK_MIN_COVERAGE_PCT,
    ISCScore,
    definition,
    indicator_definitions,
    isc_scores,
    load_indicators,
    rankable,
)
from cmgis.districts.profiles import (
    IndicatorRow,
    ZoneProfile,
    indicator_ranks,
    indicator_rows,
    zone_profile,
)
from cmgis.districts.zones import BOUNDARY_CONSTRUCTED, ZONE_IDS, load_zones

__all__ = [
    "BOUNDARY_CONSTRUCTED",
    "RANK_MIN_COVERAGE_PCT",
    "ZONE_IDS",
    "ISCScore",
    "IndicatorRow",
    "ZoneProfile",
    "definition",
    "indicator_definitions",
    "indicator_ranks",
    "indicator_rows",
    "isc_scores",
    "load_indicators",
    "load_zones",
    "rankable",
    "zone_profile",
]
