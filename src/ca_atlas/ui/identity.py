"""Who is using the app: sign-in through Streamlit's own ``st.login`` (OpenID Connect, the
``[auth]`` section of secrets.toml) and the person's role from the team's mapping
(``[atlas_roles]`` in secrets.toml; see :mod:`ca_atlas.access`). Widgets only: the rules
are the core's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from .. import access, safe
from ..access import Person


def roles_config() -> Mapping[str, Any]:
    """The ``[atlas_roles]`` mapping of secrets.toml ({} when there is none)."""
    try:
        return dict(st.secrets.get("atlas_roles", {}))
    except FileNotFoundError:
        return {}


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def person() -> Person:
    """The person using this session."""
    mode = access.auth_mode()
    if mode == "off":
        return access.local_person()
    if _auth_configured() and st.user.is_logged_in:
        return access.person_from_claims(st.user.to_dict(), roles_config())
    return access.ANONYMOUS


def gate() -> Person:
    """The person, after stopping the page when sign-in is required and nobody is signed
    in (or sign-in is asked for but not configured)."""
    mode = access.auth_mode()
    if mode == "off":
        return access.local_person()
    if not _auth_configured():
        st.error(f"ATLAS_AUTH={mode} needs an [auth] section in secrets.toml (an OpenID "
                 "Connect provider); see the README. Nothing is shown until it is set.")
        st.stop()
    who = person()
    if mode == "required" and not who.signed_in:
        st.markdown("### Central Asia Investment Atlas")
        st.info("Sign in to use the atlas.")
        st.button("Sign in", key="sign-in", type="primary", on_click=st.login)
        st.stop()
    return who


def sidebar_account(who: Person) -> None:
    """Who is signed in, with their role, and the way in or out."""
    if access.auth_mode() == "off":
        return
    sb = st.sidebar
    if who.signed_in:
        sb.caption(f"Signed in as {safe.markdown(who.name)} ({who.role})")
        sb.button("Sign out", key="sign-out", on_click=st.logout, width="stretch")
    else:
        sb.button("Sign in", key="sign-in", on_click=st.login, width="stretch",
                  help="Editors and admins sign in to edit; anyone may read.")
