"""Record files cut into blocks and joined back exactly."""

from __future__ import annotations

import pytest
from atlas_fixtures import DATA

from ca_atlas import files
from ca_atlas.store import layout

TEXT = """\
# header comment

# ===== section one
- id: a
  note: >-
    folded text

    with a blank line inside
  # an indented comment stays with the record

- id: b   # trailing comment
# ===== section two

- {id: c}
# the end
"""


def test_blocks_carry_leads_texts_and_tail_and_join_back_exactly():
    docs = files.parse_yaml("x.yaml", TEXT, list)
    cut = layout.split("x.yaml", TEXT, docs)
    assert [b.lead for b in cut.blocks] == ["# header comment\n\n# ===== section one\n", "\n",
                                           "# ===== section two\n\n"]
    assert cut.blocks[0].text.endswith("# an indented comment stays with the record\n")
    assert cut.tail == "# the end\n"
    assert layout.join(cut) == TEXT
    for block, doc in zip(cut.blocks, docs, strict=True):
        assert files.parse_yaml("x.yaml", block.text, list) == [doc]


def test_the_shipped_record_files_split_into_one_block_per_record():
    for name in ("projects.yaml", "corridors.yaml", "risk_notes.yaml"):
        text = files.read_text(DATA, name)
        docs = files.parse_yaml(name, text, list)
        cut = layout.split(name, text, docs)
        assert all(b.text is not None for b in cut.blocks)
        assert layout.join(cut) == text


def test_a_file_that_cannot_be_cut_is_kept_as_records_only():
    text = "# note\n[{id: a}, {id: b}]\n"
    cut = layout.split("x.yaml", text, files.parse_yaml("x.yaml", text, list))
    assert [b.text for b in cut.blocks] == [None, None]
    assert cut.blocks[0].lead == "# note\n"


def test_a_byte_order_mark_is_kept():
    text = "\ufeff- id: a\n"
    cut = layout.split("x.yaml", text, [{"id": "a"}])
    assert cut.bom and layout.join(cut) == text


# Texts whose records end where the parser cannot tell from its own marks that they end
# inside their block (a kept trailing blank line, a folded value before a blank line, an
# item whose first line is empty): each block is parsed alone, as without spans.
AWKWARD = [
    "- id: a\n  note: |+\n    kept\n\n- id: b\n",
    "- id: a\n  note: |\n    x\n\n\n- id: b\n",
    "-\n  id: a\n- id: b\n",
    "- id: a\n  s: \"x\n\n   y\"\n- id: b\n",
    "- {id: a,\n   v: 1\n  }\n\n- id: b\n",
    TEXT,
]


@pytest.mark.parametrize("text", AWKWARD)
def test_spans_give_the_same_blocks_as_parsing_each_record_alone(text):
    spans: list = []
    docs = files.parse_yaml("x.yaml", text, list, spans)
    assert len(spans) == len(docs)
    assert layout.split("x.yaml", text, docs, spans) == layout.split("x.yaml", text, docs)


def test_a_record_known_to_lie_inside_its_block_is_not_parsed_again(monkeypatch):
    text = files.read_text(DATA, "risk_notes.yaml")
    spans: list = []
    docs = files.parse_yaml("risk_notes.yaml", text, list, spans)
    parsed = []
    monkeypatch.setattr(files, "parse_yaml", lambda *a, **k: parsed.append(a) or [])
    cut = layout.split("risk_notes.yaml", text, docs, spans)
    assert parsed == [] and all(b.text is not None for b in cut.blocks)
    assert layout.join(cut) == text


def test_a_kept_trailing_blank_line_is_parsed_alone_and_found_wanting():
    # the block without the blank line would read back as another value: kept whole
    text = AWKWARD[0]
    spans: list = []
    docs = files.parse_yaml("x.yaml", text, list, spans)
    assert spans[0][1] > 2  # the value runs into the gap before the next record
    assert [b.text for b in layout.split("x.yaml", text, docs, spans).blocks] == [None, None]


def test_spans_place_each_item_of_a_top_level_list():
    spans: list = []
    files.parse_yaml("x.yaml", "- id: a\n  v: [1,\n    2]\n- b\n", list, spans)
    assert spans == [(0, 2, 5), (3, 3, 3)]  # the last scalar, not the bracket
