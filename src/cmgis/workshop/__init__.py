"""Participatory mapping workshops (the co-sensing boards of the report).

A facilitator creates a `Workshop` and gets a short join code and a PIN (kept only as a
salted scrypt hash). Groups join with the code and a group name (`join_workshop`) and get
a `Participant`; every write checks the code and the group again inside its transaction.
Contributions are points, lines, polygons (EPSG:4326) or free notes, each tied to a
category and one of the 3Ds strategies, placed in a zone by spatial join ("elsewhere"
when in none). Dot votes are limited by a per-group budget; moderation (hide, pin, merge
duplicates) needs the PIN. Deletes are soft and every change is written to an audit table.

All text typed by participants is stored as typed (after normalisation and limits); it is
escaped where it is shown (`cmgis.maps.workshop`, the UI) and guarded in CSV exports.

Modules, one job each:

- `records`: vocabularies, limits, dataclasses, errors, row converters, the audit writer;
- `schema`: the store migrations (run by `cmgis.store.open_app_store`);
- `geometry`: GeoJSON intake (`geometry_from_input`) and zone placement (`ZoneIndex`);
- `access`: workshops, join codes, PINs and every throttle (CLI and UI share them);
- `contributions`: contributions and comments; `votes`: dot votes;
- `moderation`: hide, pin, merge, audit log; `analytics`: board, tables, participation;
- `exchange`: export and import of a whole workshop (GeoPackage + CSV, anonymised by default);
- `consent`: anonymous groups, consent to names and contacts (PDPA), deletion on request;
- `hall`: join links and their QR codes; `templates`: run a workshop again (co-sensing).

Everything listed in ``__all__`` is the public API for ui/, cli/ and other packages;
inside ``src/cmgis`` import from the submodule instead (no cycles through this file).
"""

from __future__ import annotations

from cmgis.workshop.access import (
    create_workshop,
    find_workshop,
    get_workshop,
    hash_pin,
    insert_workshop,
    join_workshop,
    list_workshops,
    normalise_code,
    pin_matches,
    set_published,
    verify_pin,
    workshop_fields,
    workshops_of,
)
from cmgis.workshop.analytics import (
    FRAME_COLUMNS,
    build_board,
    contributions_frame,
    frame_of,
    participation,
    tallies_by_zone_category,
)
from cmgis.workshop.consent import (
    Deletion,
    Person,
    delete_participant,
    list_groups,
    list_people,
    pseudonyms,
    record_consent,
    set_hall_options,
)
from cmgis.workshop.contributions import (
    add_comment,
    add_contribution,
    delete_contribution,
    get_contribution,
    list_contributions,
    update_contribution,
    without_hidden,
)
from cmgis.workshop.exchange import (
    ImportResult,
    export_workshop,
    import_workshop,
    write_csv_summary,
)
from cmgis.workshop.geometry import (
    ZoneIndex,
    default_zone_index,
    geometry_from_input,
)
from cmgis.workshop.hall import join_url, qr_png, qr_svg, qr_text
from cmgis.workshop.moderation import (
    audit_log,
    hide_comment,
    merge_duplicates,
    set_hidden,
    set_pinned,
)
from cmgis.workshop.records import (
    ASK_DETAILS,
    CATEGORIES,
    CLI_CLIENT,
    DEFAULT_VOTES_PER_GROUP,
    ELSEWHERE,
    FREE_JOIN_ATTEMPTS,
    FREE_JOIN_ATTEMPTS_ALL_CLIENTS,
    FREE_JOIN_ATTEMPTS_PER_ADDRESS,
    FREE_PIN_ATTEMPTS,
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_WINDOW,
    MAX_BOARD_CARDS_PER_CELL,
    MAX_BOARD_COMMENTS_PER_CARD,
    MAX_COMMENT_CHARS,
    MAX_COMMENTS_PER_ADDRESS_PER_MINUTE,
    MAX_COMMENTS_PER_CLIENT_PER_MINUTE,
    MAX_COMMENTS_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_MINUTE,
    MAX_GROUP_NAME_CHARS,
    MAX_GROUPS_PER_ADDRESS,
    MAX_GROUPS_PER_CLIENT,
    MAX_JOIN_WAIT_S,
    MAX_PIN_CHARS,
    MAX_PIN_WAIT_S,
    MAX_TITLE_CHARS,
    MAX_VERTICES,
    MAX_VOTES_PER_GROUP,
    MAX_WORKSHOP_TITLE_CHARS,
    MIN_PIN_CHARS,
    NO_PLACE,
    PIN_WINDOW,
    STAGES,
    STRATEGIES,
    AuditEntry,
    Board,
    Category,
    Client,
    Comment,
    Contribution,
    GroupLimitError,
    Participant,
    RateLimitError,
    Stage,
    Strategy,
    TooManyAttemptsError,
    VoteBudget,
    Workshop,
    as_client,
    clean_text,
)
from cmgis.workshop.schema import MIGRATIONS
from cmgis.workshop.templates import (
    CO_SENSING,
    TEMPLATES,
    WorkshopTemplate,
    create_from_template,
    template_of,
)
from cmgis.workshop.votes import (
    cast_vote,
    group_votes,
    retract_vote,
    vote_budget,
)

__all__ = [
    "ASK_DETAILS",
    "CATEGORIES",
    "CLI_CLIENT",
    "CO_SENSING",
    "DEFAULT_VOTES_PER_GROUP",
    "ELSEWHERE",
    "FRAME_COLUMNS",
    "FREE_JOIN_ATTEMPTS",
    "FREE_JOIN_ATTEMPTS_ALL_CLIENTS",
    "FREE_JOIN_ATTEMPTS_PER_ADDRESS",
    "FREE_PIN_ATTEMPTS",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "JOIN_WINDOW",
    "MAX_BOARD_CARDS_PER_CELL",
    "MAX_BOARD_COMMENTS_PER_CARD",
    "MAX_COMMENTS_PER_ADDRESS_PER_MINUTE",
    "MAX_COMMENTS_PER_CLIENT_PER_MINUTE",
    "MAX_COMMENTS_PER_MINUTE",
    "MAX_COMMENT_CHARS",
    "MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE",
    "MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE",
    "MAX_CONTRIBUTIONS_PER_MINUTE",
    "MAX_GROUPS_PER_ADDRESS",
    "MAX_GROUPS_PER_CLIENT",
    "MAX_GROUP_NAME_CHARS",
    "MAX_JOIN_WAIT_S",
    "MAX_PIN_CHARS",
    "MAX_PIN_WAIT_S",
    "MAX_TITLE_CHARS",
    "MAX_VERTICES",
    "MAX_VOTES_PER_GROUP",
    "MAX_WORKSHOP_TITLE_CHARS",
    "MIGRATIONS",
    "MIN_PIN_CHARS",
    "NO_PLACE",
    "PIN_WINDOW",
    "STAGES",
    "STRATEGIES",
    "TEMPLATES",
    "AuditEntry",
    "Board",
    "Category",
    "Client",
    "Comment",
    "Contribution",
    "Deletion",
    "GroupLimitError",
    "ImportResult",
    "Participant",
    "Person",
    "RateLimitError",
    "Stage",
    "Strategy",
    "TooManyAttemptsError",
    "VoteBudget",
    "Workshop",
    "WorkshopTemplate",
    "ZoneIndex",
    "add_comment",
    "add_contribution",
    "as_client",
    "audit_log",
    "build_board",
    "cast_vote",
    "clean_text",
    "contributions_frame",
    "create_from_template",
    "create_workshop",
    "default_zone_index",
    "delete_contribution",
    "delete_participant",
    "export_workshop",
    "find_workshop",
    "frame_of",
    "geometry_from_input",
    "get_contribution",
    "get_workshop",
    "group_votes",
    "hash_pin",
    "hide_comment",
    "import_workshop",
    "insert_workshop",
    "join_url",
    "join_workshop",
    "list_contributions",
    "list_groups",
    "list_people",
    "list_workshops",
    "merge_duplicates",
    "normalise_code",
    "participation",
    "pin_matches",
    "pseudonyms",
    "qr_png",
    "qr_svg",
    "qr_text",
    "record_consent",
    "retract_vote",
    "set_hall_options",
    "set_hidden",
    "set_pinned",
    "set_published",
    "tallies_by_zone_category",
    "template_of",
    "update_contribution",
    "verify_pin",
    "vote_budget",
    "without_hidden",
    "workshop_fields",
    "workshops_of",
    "write_csv_summary",
]
