"""A record written as YAML in the dataset files' own style, for records edited or added
in the store (records loaded from a file and never edited keep their original text).

The style of ``data/projects.yaml``: ``- id: ...`` then one field per line at two spaces;
long prose as a folded block (``>-``) wrapped at 100 columns; mappings of plain values and
lists of plain values in flow style (``{url: ..., date: "2025-10-16"}``, ``[RUS, KAZ]``);
lists of mappings as block lists of flow mappings; deeper mappings as block mappings.
Text that would read back as something else (a date, a number, ``null``, text with
``: ``) is double-quoted. Every rendering is read back and compared with the document;
should the style ever fail to round-trip, PyYAML's own block style is used instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from typing import Any

import yaml

from .. import files

WIDTH = 100
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Characters written as \\u escapes in double quotes: YAML line breaks (NEL, LS, PS), C1
#: controls, DEL and what YAML does not allow in a stream.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_NONPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def record(document: dict, name: str = "record") -> str:
    """``document`` as one YAML list item (ending in a newline) that reads back as it."""
    text = _styled(document)
    if _reads_back(name, text, document):
        return text
    text = yaml.safe_dump([document], sort_keys=False, allow_unicode=True, width=WIDTH)
    if _reads_back(name, text, document):
        return text
    raise ValueError(f"{name}: the record {document.get('id')!r} cannot be written as YAML "
                     "that reads back the same")


def _reads_back(name: str, text: str, document: dict) -> bool:
    try:
        return files.parse_yaml(name, text, list) == [document]
    except files.FileError:
        return False


def scalar(value: Any, in_flow: bool = True) -> str:
    """A value on one line, for a flow collection (``in_flow``) or a block mapping."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _flow_dump(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        plain = _flow_dump(value) if in_flow else _block_dump(value)
        if plain == value and not _ESCAPE.search(value):
            return value
        return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    raise TypeError(f"not a plain value: {type(value).__name__}")


def _flow_dump(value: Any) -> str:
    out = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True,
                         width=float("inf"))
    return out.strip()[1:-1]


def _block_dump(value: Any) -> str:
    out = yaml.safe_dump({"k": value}, default_flow_style=False, allow_unicode=True,
                         width=float("inf"))
    return out.removeprefix("k: ").removesuffix("\n")


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


def _key(key: Any) -> str:
    return key if isinstance(key, str) and _PLAIN_KEY.match(key) else scalar(key)


def _flowable(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(v) or (isinstance(v, list) and all(_plain(x) for x in v)) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) or (isinstance(v, list) and all(_plain(x) for x in v))
                   for v in value.values())
    return _plain(value)


def flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {flow(v)}" for k, v in value.items()) + "}"
    return scalar(value)


def _prose(value: Any) -> bool:
    """Long single-line prose that a folded block gives back unchanged."""
    return (isinstance(value, str) and len(value) > 80 and "\n" not in value
            and "  " not in value and value == value.strip() and "\t" not in value
            and not _NONPRINTABLE.search(value) and not _ESCAPE.search(value)
            and not value.startswith(("#", "-", "?", ":", "|", ">", "!", "&", "*", "%", "@", "`")))


def _field(key: Any, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    head = f"{pad}{_key(key)}:"
    if _prose(value) and len(head) + 1 + len(scalar(value, in_flow=False)) > WIDTH:
        lines = textwrap.wrap(value, WIDTH - 6 - indent - 2, break_long_words=False,
                              break_on_hyphens=False)
        return [f"{head} >-", *(f"{pad}  {line}" for line in lines)]
    if isinstance(value, (list, dict)) and (not value or _flowable(value)) \
            and len(head) + len(flow(value)) <= 4 * WIDTH:
        return [f"{head} {flow(value)}"]
    if isinstance(value, list):
        out = [head]
        for item in value:
            if _flowable(item):
                out.append(f"{pad}  - {flow(item)}")
            elif isinstance(item, dict):
                inner = _mapping(item, indent + 4)
                out.append(f"{pad}  - {inner[0].lstrip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}  - {flow(item)}")
        return out
    if isinstance(value, dict):
        return [head, *_mapping(value, indent + 2)]
    return [f"{head} {scalar(value, in_flow=False)}"]


def _mapping(mapping: dict, indent: int) -> list[str]:
    out: list[str] = []
    for key, value in mapping.items():
        out.extend(_field(key, value, indent))
    return out


def _styled(document: dict) -> str:
    if not document:
        return "- {}\n"
    lines = _mapping(document, 2)
    lines[0] = "- " + lines[0][2:]
    return "\n".join(lines) + "\n"
