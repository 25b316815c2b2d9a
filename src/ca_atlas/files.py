"""The one reader of dataset files: each file's bytes, then its text parsed by
:mod:`ca_atlas.formats`.

Every dataset file is read through here (the loader, the briefings and the version
fingerprint alike). A file that cannot be used raises
:class:`~ca_atlas.formats.FileError` naming the file and what is wrong. Refused before
anything is parsed: a path that is not a regular file (a directory, FIFO, socket or
device is reported without being opened: opening a FIFO blocks), a symbolic link, or a
folder on the way, that leads outside the data directory, a file larger than
:data:`MAX_BYTES`, and a file that cannot be read (permissions, I/O errors).

A leaf module: it imports the standard library, :mod:`ca_atlas.formats` and
:mod:`ca_atlas.model` only.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .formats import FileError, decode, parse_csv, parse_geojson, parse_yaml
from .formats import error as _error
from .model import quote

__all__ = ["FileError", "digest", "list_folder", "locate", "read_bytes", "read_csv",
           "read_geojson", "read_text", "read_yaml", "stat_signature", "Source"]

#: Where dataset files come from: a directory, or the files' bytes by name (as the team's
#: store keeps them). Every reader below takes either.
Source = Path | str | Mapping[str, bytes]

#: The largest dataset file read: the biggest shipped file is about 0.4 MB and a team's
#: 100,000 projects about 80 MB, so 256 MB leaves room while a runaway file cannot
#: exhaust memory.
MAX_BYTES = 256 * 1024 * 1024


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


def _stored(stored: Mapping[str, bytes], name: str) -> bytes:
    data = stored.get(name)
    if data is None:
        raise _error(name, "is missing", missing=True)
    if len(data) > MAX_BYTES:
        raise _error(name, f"is {len(data) / 2**20:,.0f} MB, more than the "
                           f"{MAX_BYTES // 2**20} MB a dataset file may be")
    return bytes(data)


def read_bytes(data_dir: Source, name: str) -> bytes:
    """The bytes of a dataset file, after :func:`locate`'s checks (or, from stored files,
    the same size limit)."""
    if isinstance(data_dir, Mapping):
        return _stored(data_dir, name)
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


def list_folder(data_dir: Source, folder: str, suffix: str = ".yaml") -> list[str]:
    """The names (``folder/x.yaml``) of the files in ``data_dir/folder`` ending in
    ``suffix``, sorted, hidden files left out; [] when the folder does not exist. A folder
    that is not a directory, leads outside the data directory or cannot be listed raises
    :class:`FileError` (``folder/`` names it)."""
    if isinstance(data_dir, Mapping):
        prefix = f"{folder}/"
        return sorted(n for n in data_dir if n.startswith(prefix) and n.endswith(suffix)
                      and "/" not in n[len(prefix):] and not n[len(prefix):].startswith("."))
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


def stat_signature(data_dir: Path | str, name: str) -> tuple:
    """What ``stat`` says of a dataset file (size, modification time, inode), or its
    problem: cheap to ask on every rerun, and different whenever the file was replaced or
    written. Nothing is opened."""
    try:
        info = os.stat(locate(data_dir, name))
    except FileError as exc:
        return (name, exc.problem.message)
    except OSError as exc:
        return (name, _os_reason(exc))
    return (name, info.st_size, info.st_mtime_ns, info.st_ino)


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



def read_text(data_dir: Source, name: str) -> str:
    return decode(name, read_bytes(data_dir, name))




def read_yaml(data_dir: Source, name: str, top: type = list) -> Any:
    """A YAML dataset file whose top level is ``top`` (list or dict)."""
    return parse_yaml(name, read_text(data_dir, name), top)


def read_csv(data_dir: Source, name: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV dataset file, each with the line it ends on (header first)."""
    return parse_csv(name, read_text(data_dir, name))


def read_geojson(data_dir: Source, name: str) -> list[Any]:
    """The features of a GeoJSON FeatureCollection dataset file."""
    return parse_geojson(name, read_text(data_dir, name))
