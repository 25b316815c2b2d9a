"""The one reader of dataset files: bytes, UTF-8 text, YAML, CSV and GeoJSON.

Every dataset file is read through here (the loader, the briefings and the version
fingerprint alike). A file that cannot be used raises :class:`FileError`, which carries one
:class:`~ca_atlas.model.Problem` naming the file, the line and column where there is one,
and what is wrong. Messages quote at most a short prefix of what they show. Refused:

- a path that is not a regular file (a directory, FIFO, socket or device is reported
  without being opened: opening a FIFO blocks), a symbolic link, or a folder on the way,
  that leads outside the data directory, and a file larger than :data:`MAX_BYTES`;
- a file that cannot be read (permissions, I/O errors);
- bytes that are not UTF-8 (the line and column of the first bad byte), NUL characters;
- an empty file (nothing but white space and comments) and a wrong top-level type;
- YAML syntax errors; YAML anchors and aliases (the dataset uses none, and an alias bomb
  of a few hundred bytes expands into gigabytes wherever it is walked), explicit tags,
  keys given twice in one mapping, nesting deeper than :data:`MAX_DEPTH`, and scalars
  that resolve to nothing (``2025-13-45``, an integer of 5,000 digits);
- JSON syntax errors, ``NaN`` and ``Infinity``; GeoJSON that is not a FeatureCollection.

A leaf module: it imports the standard library, PyYAML and :mod:`ca_atlas.model` only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .model import Problem, quote

#: libyaml's parser when PyYAML was built with it (much faster), else the Python one. Only
#: its events are used: values are built from them here (see _compose).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The largest dataset file read: the biggest shipped file is about 0.25 MB, so 32 MB
#: leaves room for growth while a runaway file cannot exhaust memory.
MAX_BYTES = 32 * 1024 * 1024
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


def _error(name: str, message: str, missing: bool = False) -> FileError:
    return FileError(Problem(name, None, None, None, message), missing=missing)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()


# -- paths -------------------------------------------------------------------------------

def _kind(mode: int) -> str | None:
    """What a non-regular file is, for a message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def locate(data_dir: Path | str, name: str) -> Path:
    """The real path of ``data_dir/name`` once it is known to be a regular file inside
    ``data_dir`` that is not too large; nothing is opened. Raises :class:`FileError`."""
    root = os.path.realpath(data_dir)
    path = os.path.join(data_dir, name)
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        raise _error(name, "is missing", missing=True) from None
    except NotADirectoryError:
        raise _error(name, "is missing: a folder on its path is a file") from None
    except OSError as exc:
        raise _error(name, f"cannot be read: {_os_reason(exc)}") from None
    real = os.path.realpath(path)
    if not _inside(real, root):
        what = "is a symbolic link" if stat.S_ISLNK(link.st_mode) else "lies in a linked folder"
        # Where it leads is not said: the message reaches visitors, the server's paths not.
        raise _error(name, f"{what} that leads outside the data directory; the dataset only "
                           "reads files inside it")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise _error(name, "is a symbolic link to a file that does not exist") from None
    except OSError as exc:
        raise _error(name, f"cannot be read: {_os_reason(exc)}") from None
    kind = _kind(info.st_mode)
    if kind:
        raise _error(name, f"is {kind}, not a regular file; it is not read")
    if info.st_size > MAX_BYTES:
        raise _error(name, f"is {info.st_size / 2**20:,.0f} MB, more than the "
                           f"{MAX_BYTES // 2**20} MB a dataset file may be")
    return Path(real)


def read_bytes(data_dir: Path | str, name: str) -> bytes:
    """The bytes of a dataset file, after :func:`locate`'s checks."""
    real = locate(data_dir, name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since it was checked,
        # open returns at once instead of waiting for a writer; fstat then refuses it.
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _error(name, f"cannot be read: {_os_reason(exc)}") from None
    try:
        with os.fdopen(fd, "rb", closefd=True) as fh:
            kind = _kind(os.fstat(fh.fileno()).st_mode)
            if kind:
                raise _error(name, f"is {kind}, not a regular file; it is not read")
            chunks, size = [], 0
            while size <= MAX_BYTES:  # chunks: read(MAX_BYTES) would allocate it all up front
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    except OSError as exc:
        raise _error(name, f"cannot be read: {_os_reason(exc)}") from None
    if len(data) > MAX_BYTES:
        raise _error(name, f"is more than the {MAX_BYTES // 2**20} MB a dataset file may be")
    return data


def list_folder(data_dir: Path | str, folder: str, suffix: str = ".yaml") -> list[str]:
    """The names (``folder/x.yaml``) of the files in ``data_dir/folder`` ending in
    ``suffix``, sorted, hidden files left out; [] when the folder does not exist. A folder
    that is not a directory, leads outside the data directory or cannot be listed raises
    :class:`FileError` (``folder/`` names it)."""
    label = f"{folder}/"
    root = os.path.realpath(data_dir)
    path = os.path.join(data_dir, folder)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise _error(label, f"cannot be read: {_os_reason(exc)}") from None
    real = os.path.realpath(path)
    if not _inside(real, root):
        raise _error(label, f"leads outside the data directory (to {quote(real, 80)})")
    try:
        mode = os.stat(real).st_mode
        if not stat.S_ISDIR(mode):
            raise _error(label, f"is {_kind(mode) or 'a file'}, not a directory")
        with os.scandir(real) as entries:
            names = sorted(e.name for e in entries
                           if e.name.endswith(suffix) and not e.name.startswith("."))
    except FileError:
        raise
    except OSError as exc:
        raise _error(label, f"cannot be read: {_os_reason(exc)}") from None
    return [f"{folder}/{n}" for n in names]


def digest(data_dir: Path | str, names: Iterable[str]) -> str:
    """A short hash of the named files' bytes (the dataset's version). A file that cannot
    be read through :func:`read_bytes` (missing, a FIFO, unreadable...) adds its problem
    instead of its bytes; nothing is ever opened that could block."""
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode("utf-8", "replace") + b"\0")
        try:
            data = read_bytes(data_dir, name)
        except FileError as exc:
            h.update(b"!" + exc.problem.message.encode("utf-8", "replace"))
        else:
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()[:12]


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
        raise _error(name, f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, "
                           f"column {column} ({exc.reason}); save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    nul = text.find("\0")
    if nul >= 0:
        line, column = _text_position(text, nul)
        raise _error(name, f"contains a NUL character at line {line}, column {column}: "
                           "it is not a text file")
    return text


def read_text(data_dir: Path | str, name: str) -> str:
    return decode(name, read_bytes(data_dir, name))


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


# -- YAML --------------------------------------------------------------------------------

_WHAT = {list: "a YAML list of records (each starting '- ')",
         dict: "a YAML mapping of fields (key: value)"}


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _yaml_error(name: str, text: str, exc: yaml.YAMLError) -> FileError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _text_position(text, max(0, min(exc.position, len(text))))
        return _error(name, f"is not valid YAML at line {line}, column {column}: character "
                            f"{exc.character!r} is not allowed in YAML text")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or "cannot be parsed"
    context = getattr(exc, "context", None)
    where = f" at {_at(mark)}" if mark is not None else ""
    detail = f"{reason} ({context})" if context else reason
    return _error(name, f"is not valid YAML{where}: {quote(detail, 160, bare=True)}")


_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: What a plain scalar may resolve to, and how PyYAML's safe loader turns it into a value.
_SCALARS = {tag: _CONSTRUCTOR.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", _STR)}


def _scalar(name: str, event: yaml.ScalarEvent) -> Any:
    """A scalar's value as PyYAML's safe loader gives it (plain scalars resolved to null,
    booleans, numbers and dates; quoted ones are text)."""
    if not event.implicit[0]:
        return event.value
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))
    if tag == _STR:
        return event.value
    construct = _SCALARS.get(tag)
    where = _at(event.start_mark)
    if construct is None:  # '<<' (a merge key) or '=' (a value key)
        raise _error(name, f"uses {quote(event.value, 10)} at {where}, which plain YAML "
                           "data does not use; quote it if it is text")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        return construct(_CONSTRUCTOR, node)
    except Exception as exc:  # noqa: BLE001 - any failure is this scalar's
        raise _error(name, f"is not valid YAML at {where}: {quote(event.value, 40)} cannot be "
                           f"read as {tag.rsplit(':', 1)[-1]} "
                           f"({quote(str(exc), 100, bare=True)})") from None


def _compose(name: str, text: str) -> Any:
    """The single document in ``text``, built from the parser's events in one pass.

    Gives what ``yaml.safe_load`` gives for plain data, and refuses what the dataset does
    not use: anchors and aliases (so nothing is shared or recursive, and no alias bomb can
    expand), explicit tags, merge keys, a key twice in one mapping (the second would
    silently replace the first), mapping keys that are not scalars, and nesting deeper
    than MAX_DEPTH.
    """
    # One frame per open collection: [value, key or _NO_KEY, start mark].
    stack: list[list] = []
    documents = 0
    result: Any = None
    no_key = object()

    def add(value: Any, mark: Any) -> None:
        nonlocal result
        if not stack:
            result = value
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        elif frame[1] is no_key:
            if isinstance(value, (list, dict)):
                raise _error(name, f"has a list or mapping as a mapping key at {_at(mark)}; "
                                   "keys are text")
            if value in container:
                raise _error(name, f"has the key {quote(value, 60)} twice in one mapping "
                                   f"(again at {_at(mark)}): the second would silently "
                                   "replace the first")
            frame[1] = value
        else:
            container[frame[1]] = value
            frame[1] = no_key

    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise _error(name, f"uses a YAML alias at {_at(event.start_mark)}: {_NO_ANCHORS}")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            if event.anchor is not None:
                raise _error(name, f"uses a YAML anchor at {_at(event.start_mark)}: "
                                   f"{_NO_ANCHORS}")
            if event.tag is not None:
                raise _error(name, f"uses the YAML tag {quote(event.tag, 60)} at "
                                   f"{_at(event.start_mark)}: the dataset files use plain "
                                   "YAML without tags")
        if isinstance(event, yaml.ScalarEvent):
            add(_scalar(name, event), event.start_mark)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _error(name, f"nests deeper than {MAX_DEPTH} levels at "
                                   f"{_at(event.start_mark)}")
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append([container, no_key, event.start_mark])
        elif isinstance(event, yaml.CollectionEndEvent):
            container, _, mark = stack.pop()
            add(container, mark)
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _error(name, f"holds a second YAML document at {_at(event.start_mark)}; "
                                   "a dataset file is one document")
    return result


def parse_yaml(name: str, text: str, top: type = list) -> Any:
    """``text`` as YAML whose top level is ``top`` (list or dict)."""
    if _blank(text):
        raise _error(name, "is empty")
    try:
        content = _compose(name, text)
    except yaml.YAMLError as exc:
        raise _yaml_error(name, text, exc) from None
    if not isinstance(content, top):
        got = "null" if content is None else quote(content, 40)
        raise _error(name, f"must be {_WHAT.get(top, top.__name__)}, got {got}")
    return content


def read_yaml(data_dir: Path | str, name: str, top: type = list) -> Any:
    """A YAML dataset file whose top level is ``top`` (list or dict)."""
    return parse_yaml(name, read_text(data_dir, name), top)


# -- CSV ---------------------------------------------------------------------------------

def read_csv(data_dir: Path | str, name: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file, each with the line it ends on; blank lines skipped. The
    first row is the header."""
    text = read_text(data_dir, name)
    if _blank(text, comments=False):
        raise _error(name, "is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise _error(name, f"is not valid CSV at line {reader.line_num}: "
                           f"{quote(str(exc), 100, bare=True)}") from None
    return rows


# -- GeoJSON -----------------------------------------------------------------------------

def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number JSON allows")


def read_geojson(data_dir: Path | str, name: str) -> list[Any]:
    """The features of a GeoJSON FeatureCollection (each checked only to be there; the
    features themselves are checked by :mod:`ca_atlas.boundaries`)."""
    text = read_text(data_dir, name)
    if _blank(text, comments=False):
        raise _error(name, "is empty")
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise _error(name, f"is not valid JSON at line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg}") from None
    except RecursionError:
        raise _error(name, "nests too deeply to be GeoJSON") from None
    except ValueError as exc:
        raise _error(name, f"is not valid GeoJSON: {quote(str(exc), 100, bare=True)}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = quote(doc.get("type"), 40) if isinstance(doc, dict) else quote(doc, 40)
        raise _error(name, f"must be a GeoJSON FeatureCollection, got {got}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise _error(name, f"must have a list of 'features', got {quote(features, 40)}")
    return features
