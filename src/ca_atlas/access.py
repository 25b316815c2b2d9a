"""Who may do what: people, their roles, and the one check every write goes through.

Roles, from least to most: ``viewer`` reads; ``editor`` also edits records, retires and
restores them, reverts their own changes and imports batches; ``admin`` also reverts
other people's changes and loads releases. A signed-in person's role comes from the
team's mapping (:func:`role_for`) of e-mail addresses and of a groups claim; sign-in
itself is Streamlit's (OpenID Connect), and ``ATLAS_AUTH`` chooses how it is used:

- ``off`` (the embedded default): no sign-in; one local user who may do everything;
- ``optional``: anyone reads; signed-in people act by their role;
- ``required``: nothing is shown until one signs in.

The check is made where data is written (:class:`ca_atlas.store.curation.Curation`), not
only by hiding buttons: a viewer's session that sends a save anyway is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "editor", "admin")
AUTH_MODES = ("off", "optional", "required")

#: The least role each action needs.
NEEDS: dict[str, str] = {
    "read": "viewer",
    "edit": "editor",       # add, change, retire, restore
    "import": "editor",
    "revert_own": "editor",
    "revert_others": "admin",
    "load_release": "admin",
}
ACTION_WORDS = {"edit": "edit records", "import": "import batches",
                "revert_own": "revert changes", "revert_others": "revert other people's changes",
                "load_release": "load releases", "read": "read the atlas"}


class NotAllowed(Exception):
    """An action the person's role does not allow; ``str()`` says what and why."""


@dataclass(frozen=True)
class Person:
    """Someone using the atlas: ``name`` is what the history records as "who"."""

    name: str
    role: str
    email: str | None = None
    signed_in: bool = False

    def may(self, action: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(NEEDS[action])


#: The one person when sign-in is off: the atlas runs for a single curator.
LOCAL = Person(name="local user", role="admin")
#: Someone who has not signed in where sign-in is optional.
ANONYMOUS = Person(name="anonymous", role="viewer")


def auth_mode() -> str:
    """``$ATLAS_AUTH``: off (the default), optional or required; anything else refused."""
    value = os.environ.get("ATLAS_AUTH", "").strip().lower() or "off"
    if value not in AUTH_MODES:
        raise ValueError(f"ATLAS_AUTH={value[:40]!r} is not one of: {', '.join(AUTH_MODES)}")
    return value


def local_person() -> Person:
    """The local user of an atlas without sign-in (``$ATLAS_USER`` names them)."""
    name = (os.environ.get("ATLAS_USER") or "").strip()[:200]
    return Person(name=name, role="admin") if name else LOCAL


def require(person: Person, action: str) -> None:
    """Raise :class:`NotAllowed` unless ``person`` may do ``action``."""
    if not person.may(action):
        who = "Sign in" if not person.signed_in else f"{person.name} is a {person.role}:"
        raise NotAllowed(f"{who} to {ACTION_WORDS[action]} you need the {NEEDS[action]} "
                         "role" + ("" if person.signed_in else " (ask an admin for it)"))


def _as_set(values: Any) -> set[str]:
    if isinstance(values, str):
        return {values.strip().casefold()}
    if isinstance(values, Iterable):
        return {str(v).strip().casefold() for v in values if isinstance(v, str)}
    return set()


def role_for(claims: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """The role of a signed-in person from their identity claims and the team's mapping:

    ``admins`` / ``editors``: e-mail addresses; ``groups_claim`` (default ``groups``) with
    ``admin_groups`` / ``editor_groups``; ``default`` (viewer) for everyone else. An
    e-mail counts only when the provider says it is verified (``email_verified`` not
    false). The highest role any rule gives wins."""
    email = claims.get("email")
    verified = claims.get("email_verified", True) is not False
    emails = {email.strip().casefold()} if isinstance(email, str) and verified else set()
    groups = _as_set(claims.get(str(config.get("groups_claim", "groups")), ()))
    role = str(config.get("default", "viewer"))
    if role not in ROLES:
        role = "viewer"
    for candidate in ("editor", "admin"):
        if emails & _as_set(config.get(f"{candidate}s", ())) or \
                groups & _as_set(config.get(f"{candidate}_groups", ())):
            role = candidate if ROLES.index(candidate) > ROLES.index(role) else role
    return role


def person_from_claims(claims: Mapping[str, Any], config: Mapping[str, Any]) -> Person:
    """A signed-in person: named by their name claim, else e-mail, else subject."""
    name = next((str(claims[k]) for k in ("name", "email", "preferred_username", "sub")
                 if isinstance(claims.get(k), str) and claims[k].strip()), "signed-in user")
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    return Person(name=name.strip()[:200], role=role_for(claims, config), email=email,
                  signed_in=True)
