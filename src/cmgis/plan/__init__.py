"""The action plan: its 3Ds strategy, the place-bound projects layer, officials' edits.

Modules: `spec` (the plan from ``data/spec/plan.toml``: strategies, statuses, items),
`projects` (the projects layer placed on the base layers; listing and filters), `edits`
(officials' versioned additions and edits in the store, with undo), `imports` (CSV and
GeoJSON project files read into drafts; geometry checked by `cmgis.geocheck`).

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis.plan.edits import (
    ProjectDraft,
    add_projects,
    current_projects,
    edit_project,
    get_record,
    history,
    records,
    report_codes,
    undo_last,
)
from cmgis.plan.imports import MAX_FILE_BYTES, drafts_from_file, geometry_from_drawing
from cmgis.plan.projects import (
    filter_projects,
    listing_rows,
    load_projects_layer,
    projects_in_zone,
)
from cmgis.plan.spec import STATUSES, STRATEGY_KEYS, Plan, load_plan

__all__ = [
    "MAX_FILE_BYTES",
    "STATUSES",
    "STRATEGY_KEYS",
    "Plan",
    "ProjectDraft",
    "add_projects",
    "current_projects",
    "drafts_from_file",
    "edit_project",
    "filter_projects",
    "geometry_from_drawing",
    "get_record",
    "history",
    "listing_rows",
    "load_plan",
    "load_projects_layer",
    "projects_in_zone",
    "records",
    "report_codes",
    "undo_last",
]
