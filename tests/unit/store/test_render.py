"""Edited records written in the files' style read back as the same documents."""

from __future__ import annotations

import pytest
from atlas_fixtures import DATA

from ca_atlas import files
from ca_atlas.store import render

AWKWARD = ["2025-01-01", "2025", "null", "~", "yes", "No", "true", "- item", "# hash", "a: b",
           "a #b", '"q"', "'q'", "it's", "two\nlines", "two\nlines\n", "\ttab", "trail ", " lead",
           "{x}", "[x]", "*a", "&a", "!t", "%d", "@a", "`b`", "?", ":", "-", "0x10", "1e3", ".inf",
           "\u2028sep", "\x85next", "\x7fdel", "a\x01b", "ünïcödé — “q”", "", "x" * 500,
           ("long prose with, commas: and colons " * 8).strip()]


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_text_reads_back_the_same(value):
    document = {"id": "a", "note": value, "sources": [{"url": value, "date": None}],
                "tags": [value, 1, 2.5, None, True], "nested": {"deep": [{"x": value}]}}
    text = render.record(document)
    assert files.parse_yaml("x.yaml", text, list) == [document]


def test_the_style_is_the_files_own():
    document = files.read_yaml(DATA, "projects.yaml", list)[0]
    text = render.record(document, "projects.yaml")
    assert text.startswith(f"- id: {document['id']}\n  name: ")
    assert "  description: >-\n    " in text
    assert "\n    - {name: Sojitz Corporation, country: JPN, role: co_investor}\n" in text
    assert '  last_verified: "2026-11-29"\n' in text
    assert "  flags: []\n" in text
