"""The dataset's text formats: UTF-8, YAML, CSV and GeoJSON, parsed with one error format.

A text that cannot be used raises :class:`FileError`, which carries one
:class:`~ca_atlas.model.Problem` naming the file, the line and column where there is one,
and what is wrong; messages quote at most a short prefix of what they show. Refused:

- bytes that are not UTF-8 (the line and column of the first bad byte), NUL characters;
- an empty text (nothing but white space and comments) and a wrong top-level type;
- YAML syntax errors; YAML anchors and aliases (the dataset uses none, and an alias bomb
  of a few hundred bytes expands into gigabytes wherever it is walked), explicit tags,
  keys given twice in one mapping, nesting deeper than :data:`MAX_DEPTH`, and scalars
  that resolve to nothing (``2025-13-45``, an integer of 5,000 digits);
- JSON syntax errors, ``NaN`` and ``Infinity``; GeoJSON that is not a FeatureCollection.

Nothing here touches the filesystem: :mod:`ca_atlas.files` reads the bytes of a dataset
directory, and the store hands over the texts it keeps; both parse them here. A leaf
module: it imports the standard library, PyYAML and :mod:`ca_atlas.model` only.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from typing import Any, NamedTuple

import yaml

from .model import Problem, quote

#: libyaml's parser when PyYAML was built with it (much faster), else the Python one. Only
#: its events are used: values are built from them here (see _compose).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The deepest nesting of YAML collections accepted (the dataset's deepest is 4).
MAX_DEPTH = 32

_NO_ANCHORS = "the dataset files do not allow anchors and aliases"


class FileError(Exception):
    """A dataset file that cannot be read as what it should be; ``problem`` says why."""

    def __init__(self, problem: Problem, missing: bool = False):
        super().__init__(str(problem))
        self.problem = problem
        #: True when the file does not exist at all (optional files are then skipped).
        self.missing = missing


def error(name: str, message: str, missing: bool = False) -> FileError:
    return FileError(Problem(name, None, None, None, message), missing=missing)



# -- YAML --------------------------------------------------------------------------------

_WHAT = {list: "a YAML list of records (each starting '- ')",
         dict: "a YAML mapping of fields (key: value)"}


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _yamlerror(name: str, text: str, exc: yaml.YAMLError) -> FileError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _text_position(text, max(0, min(exc.position, len(text))))
        return error(name, f"is not valid YAML at line {line}, column {column}: character "
                            f"{exc.character!r} is not allowed in YAML text")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or "cannot be parsed"
    context = getattr(exc, "context", None)
    where = f" at {_at(mark)}" if mark is not None else ""
    detail = f"{reason} ({context})" if context else reason
    return error(name, f"is not valid YAML{where}: {quote(detail, 160, bare=True)}")


_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: What a plain scalar may resolve to, and how PyYAML's safe loader turns it into a value.
_SCALARS = {tag: _CONSTRUCTOR.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", _STR)}


class _Refused(NamedTuple):
    """Why a plain scalar has no value: its resolved tag, and the constructor's error
    (None where the tag has no constructor: a merge or value key)."""

    tag: str
    reason: str | None


@functools.lru_cache(maxsize=16_384)
def _plain(value: str) -> Any:
    """The value of the plain scalar ``value``, or :class:`_Refused` (then :func:`_scalar`
    says why, with its place). Worked out once per distinct text: a dataset repeats its
    keys and most of its values, and every value this gives is immutable (text, number,
    boolean, None, date), so sharing it is safe."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    construct = _SCALARS.get(tag)
    if construct is None:
        return _Refused(tag, None)
    try:
        return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    except Exception as exc:  # noqa: BLE001 - any failure is this scalar's
        return _Refused(tag, str(exc))


def _scalar(name: str, event: yaml.ScalarEvent) -> Any:
    """A scalar's value as PyYAML's safe loader gives it (plain scalars resolved to null,
    booleans, numbers and dates; quoted ones are text)."""
    if not event.implicit[0]:
        return event.value
    value = _plain(event.value)
    if not isinstance(value, _Refused):
        return value
    where = _at(event.start_mark)
    if value.reason is None:  # '<<' (a merge key) or '=' (a value key)
        raise error(name, f"uses {quote(event.value, 10)} at {where}, which plain YAML "
                           "data does not use; quote it if it is text")
    raise error(name, f"is not valid YAML at {where}: {quote(event.value, 40)} cannot be "
                       f"read as {value.tag.rsplit(':', 1)[-1]} "
                       f"({quote(value.reason, 100, bare=True)})")


#: The parser's event classes :func:`_compose` tells apart by identity.
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


def _compose(name: str, text: str, spans: list[tuple[int, int, int]] | None = None) -> Any:
    """The single document in ``text``, built from the parser's events in one pass.

    Gives what ``yaml.safe_load`` gives for plain data, and refuses what the dataset does
    not use: anchors and aliases (so nothing is shared or recursive, and no alias bomb can
    expand), explicit tags, merge keys, a key twice in one mapping (the second would
    silently replace the first), mapping keys that are not scalars, and nesting deeper
    than MAX_DEPTH.

    ``spans``, when given, receives one ``(first line, last line, last column)`` per item
    of a top-level list: where the item's first event starts and its last scalar or
    collection start ends (0-based). A collection's end is left out: a block mapping's
    end is only noticed at the next item.
    """
    # One frame per open collection: [value, key or no_key, start mark]. The loop looks
    # at each event's class once (850,000 events for 10,000 projects): the checks below
    # are what isinstance tests against PyYAML's event classes did, in the same order.
    stack: list[list] = []
    documents = 0
    result: Any = None
    no_key = object()
    spans_wanted = False  # the top-level collection is a list and spans are asked for
    last = None  # the latest event inside the current top-level item, past its first
    for event in yaml.parse(text, Loader=_LOADER):
        cls = event.__class__
        if cls is _SCALAR or cls is _MAPPING or cls is _SEQUENCE:
            if event.anchor is not None:
                raise error(name, f"uses a YAML anchor at {_at(event.start_mark)}: "
                                   f"{_NO_ANCHORS}")
            if event.tag is not None:
                raise error(name, f"uses the YAML tag {quote(event.tag, 60)} at "
                                   f"{_at(event.start_mark)}: the dataset files use plain "
                                   "YAML without tags")
            if spans_wanted and stack:
                if len(stack) == 1:  # an item of the top-level collection starts
                    _span_ends(spans, last)
                    end = event.end_mark
                    spans.append((event.start_mark.line, end.line, end.column))
                    last = None
                else:  # events come in the text's order: the item's last one ends last
                    last = event
            if cls is not _SCALAR:
                if len(stack) >= MAX_DEPTH:
                    raise error(name, f"nests deeper than {MAX_DEPTH} levels at "
                                       f"{_at(event.start_mark)}")
                if not stack:
                    spans_wanted = spans is not None and cls is _SEQUENCE
                stack.append([{} if cls is _MAPPING else [], no_key, event.start_mark])
                continue
            value, mark = _scalar(name, event), event.start_mark
        elif cls is _MAPPING_END or cls is _SEQUENCE_END:
            value, _, mark = stack.pop()
            if spans_wanted and not stack:
                _span_ends(spans, last)
        elif cls is yaml.AliasEvent:
            raise error(name, f"uses a YAML alias at {_at(event.start_mark)}: {_NO_ANCHORS}")
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise error(name, f"holds a second YAML document at {_at(event.start_mark)}; "
                                   "a dataset file is one document")
            continue
        else:
            continue
        # the value goes into the collection open around it (or is the document)
        if not stack:
            result = value
            continue
        frame = stack[-1]
        container = frame[0]
        if container.__class__ is list:
            container.append(value)
        elif frame[1] is no_key:
            if isinstance(value, (list, dict)):
                raise error(name, f"has a list or mapping as a mapping key at {_at(mark)}; "
                                   "keys are text")
            if value in container:
                raise error(name, f"has the key {quote(value, 60)} twice in one mapping "
                                   f"(again at {_at(mark)}): the second would silently "
                                   "replace the first")
            frame[1] = value
        else:
            container[frame[1]] = value
            frame[1] = no_key
    return result


def _span_ends(spans: list[tuple[int, int, int]], last: Any) -> None:
    """The last span ends where ``last`` (the item's latest event, if any) ends."""
    if last is not None:
        end = last.end_mark
        spans[-1] = (spans[-1][0], end.line, end.column)


def parse_yaml(name: str, text: str, top: type = list,
               spans: list[tuple[int, int, int]] | None = None) -> Any:
    """``text`` as YAML whose top level is ``top`` (list or dict); ``spans`` (a list to
    fill) gets where each top-level list item lies in the text (see :func:`_compose`)."""
    if _blank(text):
        raise error(name, "is empty")
    try:
        content = _compose(name, text, spans)
    except yaml.YAMLError as exc:
        raise _yamlerror(name, text, exc) from None
    if not isinstance(content, top):
        got = "null" if content is None else quote(content, 40)
        raise error(name, f"must be {_WHAT.get(top, top.__name__)}, got {got}")
    return content


# -- CSV ---------------------------------------------------------------------------------

def parse_csv(name: str, text: str) -> list[tuple[int, list[str]]]:
    """The rows of CSV ``text``, each with the line it ends on; blank lines skipped. The
    first row is the header."""
    if _blank(text, comments=False):
        raise error(name, "is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise error(name, f"is not valid CSV at line {reader.line_num}: "
                           f"{quote(str(exc), 100, bare=True)}") from None
    return rows


# -- GeoJSON -----------------------------------------------------------------------------

def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number JSON allows")


def parse_geojson(name: str, text: str) -> list[Any]:
    """The features of a GeoJSON FeatureCollection (each checked only to be there; the
    features themselves are checked by :mod:`ca_atlas.boundaries`)."""
    if _blank(text, comments=False):
        raise error(name, "is empty")
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise error(name, f"is not valid JSON at line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg}") from None
    except RecursionError:
        raise error(name, "nests too deeply to be GeoJSON") from None
    except ValueError as exc:
        raise error(name, f"is not valid GeoJSON: {quote(str(exc), 100, bare=True)}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = quote(doc.get("type"), 40) if isinstance(doc, dict) else quote(doc, 40)
        raise error(name, f"must be a GeoJSON FeatureCollection, got {got}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise error(name, f"must have a list of 'features', got {quote(features, 40)}")
    return features
# -- text --------------------------------------------------------------------------------

def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _text_position(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(name: str, data: bytes) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark dropped)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise error(name, f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, "
                           f"column {column} ({exc.reason}); save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    nul = text.find("\0")
    if nul >= 0:
        line, column = _text_position(text, nul)
        raise error(name, f"contains a NUL character at line {line}, column {column}: "
                           "it is not a text file")
    return text


def _blank(text: str, comments: bool = True) -> bool:
    """Nothing but white space (and, for YAML, comments and document markers)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if comments and (stripped.startswith("#") or stripped in ("---", "...")):
            continue
        return False
    return True
