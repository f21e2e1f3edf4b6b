"""Tables of the workshop feature: its store migrations (never edit an applied one).

`cmgis.store.open_app_store` runs them with every other feature's; features do not
migrate at their call sites.
"""

from __future__ import annotations

from typing import Final

from cmgis.store import (
    Migration,
    postgis_geometry_sql,
)

_WORKSHOP_V1_SQL = """
        CREATE TABLE workshop_workshops (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            workshop_date TEXT NOT NULL,
            stage TEXT NOT NULL,
            zones_in_focus TEXT NOT NULL,
            votes_per_group INTEGER NOT NULL,
            pin_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE workshop_groups (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (workshop_id, name_key)
        );
        CREATE TABLE workshop_contributions (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            category TEXT NOT NULL,
            strategy TEXT NOT NULL,
            title TEXT NOT NULL,
            comment TEXT NOT NULL,
            geometry TEXT,
            geom_type TEXT,
            zone_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            merged_into TEXT,
            deleted_at TEXT
        );
        CREATE INDEX workshop_contributions_ws ON workshop_contributions (workshop_id, created_at);
        CREATE INDEX workshop_contributions_group ON workshop_contributions (group_id, created_at);
        CREATE TABLE workshop_comments (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            contribution_id TEXT NOT NULL REFERENCES workshop_contributions (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            deleted_at TEXT
        );
        CREATE INDEX workshop_comments_c ON workshop_comments (contribution_id, created_at);
        CREATE TABLE workshop_votes (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            contribution_id TEXT NOT NULL REFERENCES workshop_contributions (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX workshop_votes_group ON workshop_votes (group_id);
        CREATE INDEX workshop_votes_c ON workshop_votes (contribution_id);
        CREATE TABLE workshop_audit (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target_id TEXT,
            detail TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_audit_ws ON workshop_audit (workshop_id, at);
        CREATE TABLE workshop_pin_failures (
            workshop_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_pin_failures_ws ON workshop_pin_failures (workshop_id, at);
        """

#: Marker of the budget error raised by the database (`cmgis.workshop.votes` reads it).
VOTE_BUDGET_ERROR: Final = "cmgis vote budget"

# SQLite has one writer at a time, so a check before the insert is exact; a vote on a
# deleted contribution (only ever copied over by `cmgis store copy`) uses no budget
_VOTE_BUDGET_SQLITE = f"""
CREATE TRIGGER workshop_votes_budget BEFORE INSERT ON workshop_votes
BEGIN
    SELECT RAISE(ABORT, '{VOTE_BUDGET_ERROR}: the group has used all its votes')
    WHERE EXISTS (SELECT 1 FROM workshop_contributions
                  WHERE id = NEW.contribution_id AND deleted_at IS NULL)
    AND (SELECT COUNT(*) FROM workshop_votes v JOIN workshop_contributions c
           ON c.id = v.contribution_id
           WHERE v.group_id = NEW.group_id AND c.deleted_at IS NULL)
        >= (SELECT w.votes_per_group FROM workshop_groups g
            JOIN workshop_workshops w ON w.id = g.workshop_id WHERE g.id = NEW.group_id);
END
"""
# PostgreSQL: the group's row is locked first, so concurrent votes of one group queue up;
# the count (a new snapshot per statement under READ COMMITTED) then sees every vote
# committed before this one
_VOTE_BUDGET_POSTGRESQL = f"""
CREATE FUNCTION workshop_votes_within_budget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total integer;
    used integer;
BEGIN
    PERFORM 1 FROM workshop_groups WHERE id = NEW.group_id FOR NO KEY UPDATE;
    SELECT w.votes_per_group INTO total FROM workshop_groups g
        JOIN workshop_workshops w ON w.id = g.workshop_id WHERE g.id = NEW.group_id;
    SELECT COUNT(*) INTO used FROM workshop_votes v
        JOIN workshop_contributions c ON c.id = v.contribution_id
        WHERE v.group_id = NEW.group_id AND c.deleted_at IS NULL;
    IF used >= total AND EXISTS (SELECT 1 FROM workshop_contributions
                                 WHERE id = NEW.contribution_id AND deleted_at IS NULL) THEN
        RAISE EXCEPTION '{VOTE_BUDGET_ERROR}: the group has used all its % votes', total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER workshop_votes_budget BEFORE INSERT ON workshop_votes
    FOR EACH ROW EXECUTE FUNCTION workshop_votes_within_budget();
"""

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        "workshop",
        1,
        "workshops, groups, contributions, comments, votes, audit, PIN failures",
        _WORKSHOP_V1_SQL,
        dialect_sql=(
            ("postgresql", _WORKSHOP_V1_SQL + postgis_geometry_sql("workshop_contributions")),
        ),
    ),
    Migration(
        "workshop",
        2,
        "wrong join codes, to slow down guessing",
        """
        CREATE TABLE workshop_join_failures (
            client TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_join_failures_at ON workshop_join_failures (at);
        """,
    ),
    Migration(
        "workshop",
        3,
        "client identity for join throttling and flood limits",
        """
        ALTER TABLE workshop_join_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_join_failures ADD COLUMN code_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_join_failures_client ON workshop_join_failures (client, at);
        CREATE INDEX workshop_join_failures_address ON workshop_join_failures (address, at);
        ALTER TABLE workshop_groups ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_groups ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_contributions ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_contributions ADD COLUMN address TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_contributions_client
            ON workshop_contributions (workshop_id, client, created_at);
        CREATE INDEX workshop_contributions_address
            ON workshop_contributions (workshop_id, address, created_at);
        ALTER TABLE workshop_comments ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_comments ADD COLUMN address TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_comments_group ON workshop_comments (group_id, created_at);
        CREATE INDEX workshop_comments_client
            ON workshop_comments (workshop_id, client, created_at);
        CREATE INDEX workshop_comments_address
            ON workshop_comments (workshop_id, address, created_at);
        """,
    ),
    # its own feature, so the steps other changes add to "workshop" never clash with it
    Migration(
        "workshop_visibility",
        1,
        "published flag: a workshop is visible without its code only when published",
        """
        ALTER TABLE workshop_workshops ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    # its own feature too: the database itself refuses a vote over the group's budget, so
    # two app processes racing for the last dot cannot both get it
    Migration(
        "workshop_vote_budget",
        1,
        "the database refuses a vote beyond the group's budget",
        _VOTE_BUDGET_SQLITE,
        dialect_sql=(("postgresql", _VOTE_BUDGET_POSTGRESQL),),
    ),
    # the workshop in a hall (issue 15): its own feature name, like workshop_visibility
    Migration(
        "workshop_hall",
        1,
        "anonymous groups, consent to names and contacts, templates (categories, steps)",
        """
        ALTER TABLE workshop_workshops ADD COLUMN allow_anonymous INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE workshop_workshops ADD COLUMN ask_details TEXT NOT NULL DEFAULT 'none';
        ALTER TABLE workshop_workshops ADD COLUMN consent_en TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_workshops ADD COLUMN consent_th TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_workshops ADD COLUMN categories TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_workshops ADD COLUMN steps TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_contributions ADD COLUMN step TEXT NOT NULL DEFAULT '';
        CREATE TABLE workshop_people (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            person_name TEXT NOT NULL,
            contact TEXT NOT NULL,
            consent_text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX workshop_people_group ON workshop_people (group_id);
        """,
    ),
    # who runs a workshop (issue 17): the account that created it, NULL for a workshop made
    # with a PIN only (and every workshop made before); its own feature name, like the others
    Migration(
        "workshop_owner",
        1,
        "the facilitator account that created a workshop (NULL: PIN only)",
        """
        ALTER TABLE workshop_workshops ADD COLUMN owner TEXT;
        CREATE INDEX workshop_workshops_owner ON workshop_workshops (owner, created_at);
        """,
    ),
)
