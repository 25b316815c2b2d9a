"""Sign-in through a real OpenID Connect provider on loopback (oidc-provider-mock), with
Streamlit's own st.login: a viewer can neither see nor use editing, an editor edits under
their name, and signing out ends the session."""

from __future__ import annotations

import atlas_browser as ab
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

EDITOR = ab.OIDC_EDITOR
VIEWER = ab.OIDC_VIEWER
PROJECT = "uz-tashkent-new-airport"
#: The provider's own page styles itself from a CDN; that request is blocked (and not ours).
PROVIDER_CSS = "cdn.jsdelivr.net"


def _sign_in(page, base, who):
    page.goto(ab.page_url(base, "/edit", {"kind": "project", "record": PROJECT}))
    ab.wait_ready(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who).click()  # the provider's one-click user
    page.wait_for_url(f"{base}/**")
    ab.wait_ready(page)  # back in the atlas, signed in
    page.goto(ab.page_url(base, "/edit", {"kind": "project", "record": PROJECT}))
    ab.wait_ready(page)


def _clean(guarded):
    guarded.blocked[:] = [u for u in guarded.blocked if PROVIDER_CSS not in u]
    guarded.assert_clean()


def test_a_viewer_cannot_edit_and_signing_out_ends_the_session(browser, signed_app):
    g = ab.guarded_page(browser)
    try:
        page = g.page
        page.goto(ab.page_url(signed_app, "/edit"))
        ab.wait_ready(page)
        expect(page.get_by_text("to edit records you need the editor role")).to_be_visible()
        _sign_in(page, signed_app, VIEWER)
        expect(page.get_by_text("Signed in as Victor Viewer (viewer)")).to_be_visible()
        expect(page.get_by_text("You are signed in as a viewer")).to_be_visible()
        expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="End session").click()  # the provider confirms
        page.wait_for_url(f"{signed_app}/**")
        page.goto(ab.page_url(signed_app, "/edit"))
        ab.wait_ready(page)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        _clean(g)
    finally:
        g.context.close()


def test_an_editor_edits_under_their_name(browser, signed_app):
    g = ab.guarded_page(browser)
    try:
        page = g.page
        _sign_in(page, signed_app, EDITOR)
        expect(page.get_by_text("Signed in as Erin Editor (editor)")).to_be_visible()
        page.get_by_role("textbox", name="Place", exact=True).fill("Tashkent region (site)")
        page.get_by_role("textbox", name="Why this change *").fill("the site plan")
        page.get_by_role("button", name="Save", exact=True).click()
        ab.wait_ready(page)
        expect(page.get_by_text("Every page shows it now")).to_be_visible()
        expect(page.get_by_text("last changed by Erin Editor")).to_be_visible()
        _clean(g)
    finally:
        g.context.close()


def test_an_editor_on_one_replica_and_a_viewer_on_the_other_see_the_same_edit(
        browser, two_replicas):
    replica_a, replica_b = two_replicas
    editor, viewer = ab.guarded_page(browser), ab.guarded_page(browser)
    try:
        _sign_in(editor.page, replica_a, EDITOR)
        editor.page.get_by_role("textbox", name="Place", exact=True).fill(
            "Tashkent region (edited on replica A)")
        editor.page.get_by_role("textbox", name="Why this change *").fill("replica test")
        editor.page.get_by_role("button", name="Save", exact=True).click()
        ab.wait_ready(editor.page)
        expect(editor.page.get_by_text("Every page shows it now")).to_be_visible()

        _sign_in(viewer.page, replica_b, VIEWER)
        expect(viewer.page.get_by_text("You are signed in as a viewer")).to_be_visible()
        viewer.page.goto(ab.page_url(replica_b, "/", {"project": PROJECT}))
        ab.wait_ready(viewer.page)
        expect(viewer.page.get_by_text("edited on replica A")).to_be_visible()
        expect(viewer.page.get_by_role("button", name="Edit", exact=True)).to_have_count(0)
        _clean(editor)
        _clean(viewer)
    finally:
        editor.context.close()
        viewer.context.close()
