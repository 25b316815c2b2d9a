"""Roles and the one check every write goes through (ca_atlas.access)."""

import pytest

from ca_atlas import access
from ca_atlas.access import NotAllowed, Person

CONFIG = {"admins": ["Admin@Example.org"], "editors": ["ed@example.org"],
          "groups_claim": "roles", "editor_groups": ["atlas-editors"],
          "admin_groups": ["atlas-admins"]}


@pytest.mark.parametrize(("claims", "role"), [
    ({"email": "admin@example.org"}, "admin"),            # addresses match case-blind
    ({"email": "ed@example.org"}, "editor"),
    ({"email": "someone@example.org"}, "viewer"),
    ({"email": "x@example.org", "roles": ["atlas-editors"]}, "editor"),
    ({"email": "ed@example.org", "roles": ["atlas-admins"]}, "admin"),   # the highest wins
    ({"email": "admin@example.org", "email_verified": False}, "viewer"),  # unverified
    ({"sub": "abc", "roles": "atlas-admins"}, "admin"),    # a claim given as one string
    ({"email": ["admin@example.org"]}, "viewer"),          # not an address: ignored
])
def test_roles_come_from_addresses_and_groups(claims, role):
    assert access.role_for(claims, CONFIG) == role


def test_the_default_role_is_configurable_but_never_unknown():
    assert access.role_for({"email": "a@b.c"}, {"default": "editor"}) == "editor"
    assert access.role_for({"email": "a@b.c"}, {"default": "owner"}) == "viewer"


def test_each_action_needs_its_role():
    viewer, editor, admin = (Person("p", r, signed_in=True) for r in access.ROLES)
    assert viewer.may("read") and not viewer.may("edit")
    assert editor.may("edit") and editor.may("import") and not editor.may("revert_others")
    assert admin.may("revert_others") and admin.may("load_release")
    with pytest.raises(NotAllowed, match="p is a viewer: to edit records you need the editor"):
        access.require(viewer, "edit")
    with pytest.raises(NotAllowed, match="Sign in"):
        access.require(access.ANONYMOUS, "edit")
    access.require(editor, "edit")


def test_a_signed_in_person_is_named_by_name_then_email():
    p = access.person_from_claims({"name": "Aiko Tanaka", "email": "ed@example.org"}, CONFIG)
    assert (p.name, p.role, p.signed_in) == ("Aiko Tanaka", "editor", True)
    assert access.person_from_claims({"email": "ed@example.org"}, CONFIG).name == "ed@example.org"


def test_auth_mode_is_a_closed_set(monkeypatch):
    monkeypatch.delenv("ATLAS_AUTH", raising=False)
    assert access.auth_mode() == "off"
    monkeypatch.setenv("ATLAS_AUTH", "Required")
    assert access.auth_mode() == "required"
    monkeypatch.setenv("ATLAS_AUTH", "sometimes")
    with pytest.raises(ValueError, match="not one of: off, optional, required"):
        access.auth_mode()


def test_the_local_user_may_do_everything_under_their_name(monkeypatch):
    monkeypatch.setenv("ATLAS_USER", "Dana")
    local = access.local_person()
    assert (local.name, local.role) == ("Dana", "admin")
