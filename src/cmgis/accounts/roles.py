"""Roles and the acting person (`Actor`), and the pure role check `require_role`.

Roles (issue 17): **viewer** (maps, profiles, plan, exports of public layers; no account),
**participant** (a workshop group with its join code), **facilitator** (moderates
workshops: the PIN or a facilitator account), **editor** (officials: project edits and
imports, saved and imported layers), **admin** (accounts, deleting others' layers, store
maintenance). What each role may do is `GRANTS`; the admin may do everything.

`require_role` is pure (no store); `cmgis.accounts.records.authorize` adds what only the
store knows (is the account still enabled, are accounts defined at all). In the public
read-only app (`cmgis.settings.read_only`) every actor is a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from cmgis import settings
from cmgis._errors import PermissionDeniedError


class Role(StrEnum):
    """What an actor may do (see `GRANTS`)."""

    VIEWER = "viewer"
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    EDITOR = "editor"
    ADMIN = "admin"


#: The roles whose rights each role has (the admin has every role's rights).
GRANTS: Final[dict[Role, frozenset[Role]]] = {
    Role.VIEWER: frozenset({Role.VIEWER}),
    Role.PARTICIPANT: frozenset({Role.VIEWER, Role.PARTICIPANT}),
    Role.FACILITATOR: frozenset({Role.VIEWER, Role.PARTICIPANT, Role.FACILITATOR}),
    Role.EDITOR: frozenset({Role.VIEWER, Role.EDITOR}),
    Role.ADMIN: frozenset(Role),
}

#: Thai names of the roles (for messages raised by the library).
ROLE_TH: Final[dict[Role, str]] = {
    Role.VIEWER: "ผู้ชม",
    Role.PARTICIPANT: "ผู้เข้าร่วม",
    Role.FACILITATOR: "ผู้ดำเนินกิจกรรม",
    Role.EDITOR: "ผู้แก้ไข",
    Role.ADMIN: "ผู้ดูแลระบบ",
}

LOCAL_EDITOR_NAME: Final = "local editor"


def parse_role(value: object) -> Role:
    """The `Role` named ``value``; `cmgis.InputError` listing the roles otherwise."""
    from cmgis._errors import InputError

    try:
        return Role(str(value).strip().lower())
    except ValueError as err:
        raise InputError(
            f"unknown role {str(value)[:40]!r}; expected one of {', '.join(Role)}"
        ) from err


@dataclass(frozen=True)
class Actor:
    """Who acts: an account (``username``, ``verified``) or nobody in particular.

    ``display_name`` is the name shown and kept beside the account in histories (for a
    local editor: the name typed into the form). ``verified`` is True only for an actor
    made from a signed-in account (`cmgis.accounts.sign_in`, `session_actor`).
    """

    username: str | None
    display_name: str
    role: Role
    verified: bool = False

    @classmethod
    def local_editor(cls, display_name: str = "") -> Actor:
        """The single-user laptop: no accounts in the store, the app on localhost."""
        return cls(None, display_name or LOCAL_EDITOR_NAME, Role.EDITOR, False)

    @classmethod
    def viewer(cls) -> Actor:
        """Anyone who opened the app without signing in (when accounts exist)."""
        return cls(None, "", Role.VIEWER, False)

    @classmethod
    def participant(cls, group_name: str = "") -> Actor:
        """A workshop group that joined with the code (no account)."""
        return cls(None, group_name, Role.PARTICIPANT, False)

    @property
    def is_local_editor(self) -> bool:
        """Whether this is the no-accounts local editor (`local_editor`)."""
        return self.username is None and self.role is Role.EDITOR and not self.verified

    def can(self, role: Role) -> bool:
        """Whether this actor has the rights of ``role``."""
        return role in GRANTS[self.role]

    def named(self, display_name: str) -> Actor:
        """The same actor with another display name (a name typed into a form)."""
        return replace(self, display_name=display_name)


def read_only_error() -> PermissionDeniedError:
    """The error of every write in the public read-only app."""
    return PermissionDeniedError(
        "this is the public read-only app: nothing can be changed here "
        "(officials use the app on their own computer or the city server)",
        "นี่คือแอปสาธารณะแบบอ่านอย่างเดียว: แก้ไขข้อมูลที่นี่ไม่ได้ (เจ้าหน้าที่ใช้แอปบนเครื่องของตนหรือเซิร์ฟเวอร์ของเมือง)",
    )


def refuse_if_read_only() -> None:
    """Raise `PermissionDeniedError` in the public read-only app (`settings.read_only`)."""
    if settings.read_only():
        raise read_only_error()


def require_role(actor: Actor, role: Role, *, action: str = "make this change") -> Actor:
    """Return ``actor`` if it has the rights of ``role``; `PermissionDeniedError` otherwise.

    In the public read-only app every actor is a viewer, so every write is refused.
    ``action`` names what was refused in the English message ("add a project").
    """
    refuse_if_read_only()
    if actor.can(role):
        return actor
    who = actor.username or ("a visitor" if actor.role is Role.VIEWER else actor.role.value)
    raise PermissionDeniedError(
        f"{who} ({actor.role.value}) may not {action}: it needs the role {role.value}"
        f"{'' if actor.verified else '; sign in with an account that has it'}",
        f"บทบาท{ROLE_TH[actor.role]}ทำรายการนี้ไม่ได้: ต้องมีบทบาท{ROLE_TH[role]}"
        f"{'' if actor.verified else ' — ลงชื่อเข้าใช้ด้วยบัญชีที่มีบทบาทนี้'}",
    )
