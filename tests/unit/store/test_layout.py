"""Record files cut into blocks and joined back exactly."""

from __future__ import annotations

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
