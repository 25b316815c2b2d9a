"""A record file's text cut into its records and the text between them, and put back.

A record file (``projects.yaml``...) is a YAML list whose items start at column 0 with
``- ``. :func:`split` cuts it into one block per record, each with its ``lead`` (the
comments, section headers and blank lines before it) and its own ``text``, plus the
``tail`` after the last record; :func:`join` writes them back. Joining the blocks of an
unedited file gives back its text exactly. A file that cannot be cut this way (a flow
list, an item that does not read back alone as the record it is) is kept whole: its
records have no text and are written in the canonical style (see ``render``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import files

_ITEM = re.compile(r"^- ")
_GAP = re.compile(r"^(\s*|#.*)$")  # a blank line or a comment at column 0


@dataclass(frozen=True)
class Block:
    lead: str
    text: str | None


@dataclass(frozen=True)
class Layout:
    bom: bool
    blocks: list[Block]
    tail: str


def split(name: str, text: str, documents: list,
          spans: list[tuple[int, int, int]] | None = None) -> Layout:
    """The blocks of ``text`` (a record file whose parsed records are ``documents``).

    ``spans``: where the parser found each record (see :func:`ca_atlas.formats.parse_yaml`).
    A block whose record lies wholly inside it reads back alone as that record, so only
    the others are parsed again (a file of 10,000 records is not parsed twice).
    """
    bom = text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    lines = body.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _ITEM.match(line)]
    if len(starts) != len(documents):
        return _whole(bom, body, documents)
    blocks: list[Block] = []
    ends = [*starts[1:], len(lines)]
    gap_start = 0
    for start, end in zip(starts, ends, strict=True):
        cut = end
        while cut > start + 1 and _GAP.match(lines[cut - 1].rstrip("\r\n")):
            cut -= 1
        blocks.append(Block("".join(lines[gap_start:start]), "".join(lines[start:cut])))
        gap_start = cut
    tail = "".join(lines[gap_start:])
    if not starts:
        tail = body
    layout = Layout(bom, blocks, tail)
    inside = _inside(body, starts, [start + len(b.text.splitlines()) for start, b
                                    in zip(starts, blocks, strict=True)], spans)
    for block, document, known in zip(blocks, documents, inside, strict=True):
        if known:
            continue
        try:
            alone = files.parse_yaml(name, block.text, list)
        except files.FileError:
            return _whole(bom, body, documents)
        if alone != [document]:
            return _whole(bom, body, documents)
    if join(layout) != text:
        return _whole(bom, body, documents)
    return layout


#: Line breaks Python's ``splitlines`` knows and YAML does not: line numbers would differ.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e]")


def _inside(body: str, starts: list[int], cuts: list[int],
            spans: list[tuple[int, int, int]] | None) -> list[bool]:
    """Per block (its first line and the line after its text), whether its record's
    parsed span starts on its first line and ends within its text."""
    if spans is None or len(spans) != len(starts) or _OTHER_BREAKS.search(body):
        return [False] * len(starts)
    return [first == start and (line < cut or (line == cut and column == 0))
            for (first, line, column), start, cut in zip(spans, starts, cuts, strict=True)]


def _whole(bom: bool, body: str, documents: list) -> Layout:
    """A file kept as records only: none keeps its text, and the comments go."""
    return Layout(bom, [Block("" if i else _comments(body), None) for i in range(len(documents))],
                  "")


def _comments(body: str) -> str:
    """The comment lines at the top of a file, kept as the first record's lead."""
    out = []
    for line in body.splitlines(keepends=True):
        if not _GAP.match(line.rstrip("\r\n")):
            break
        out.append(line)
    return "".join(out)


def join(layout: Layout) -> str:
    """The file's text from its blocks (a block with no text must be rendered first)."""
    parts = ["\ufeff" if layout.bom else ""]
    for block in layout.blocks:
        if block.text is None:
            raise ValueError("a block without text must be rendered before joining")
        parts.append(block.lead)
        parts.append(block.text)
    parts.append(layout.tail)
    return "".join(parts)
