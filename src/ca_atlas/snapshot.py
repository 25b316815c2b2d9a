"""A validated atlas kept on disk, so a process that starts (a new replica, a restart) does
not parse and check the whole dataset again.

A snapshot is keyed by the dataset's version (the files' fingerprint, or the store's
version) and by the loader's own code: a deploy that changes how the atlas is built never
reads a snapshot the old code wrote. It lives in the server's state directory
(``$ATLAS_STATE_DIR/snapshots``), which only the app writes: a snapshot is a pickle, and
is read only from there. A snapshot that cannot be read is ignored and rebuilt; writing
one is atomic (a temporary file renamed), so replicas sharing the folder never read half
a file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import heap
from .atlas import Atlas

#: The modules whose code decides what an atlas holds: a change to any of them is a new key.
BUILDERS = ("atlas", "boundaries", "briefing", "catalog", "dataset", "files", "formats",
            "frames", "integrity", "model", "money", "records", "summit", "tables",
            "validation", "view")
KEEP = 4  # snapshots kept per folder; older ones are removed
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
_CODE: str | None = None


def code_version() -> str:
    """A short hash of the loader's source files (computed once per process)."""
    global _CODE
    if _CODE is None:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for name in BUILDERS:
            h.update((here / f"{name}.py").read_bytes())
        _CODE = h.hexdigest()[:12]
    return _CODE


def _path(folder: Path, source: str, version: str) -> Path:
    if not (_KEY.match(source) and _KEY.match(version)):
        raise ValueError("a snapshot key is letters, digits and _.:- only")
    digest = hashlib.sha256(f"{source}\0{version}\0{code_version()}".encode()).hexdigest()
    return folder / f"atlas-{digest[:24]}.pickle"


def load_or_build(folder: Path | str, source: str, version: str,
                  build: Callable[[], Atlas]) -> Atlas:
    """The atlas of ``source`` at ``version`` from its snapshot in ``folder``, else
    ``build()`` (which raises for an invalid dataset: nothing is then written)."""
    with heap.bulk_build():
        return _load_or_build(Path(folder), source, version, build)


def _load_or_build(folder: Path, source: str, version: str,
                   build: Callable[[], Atlas]) -> Atlas:
    path = _path(folder, source, version)
    try:
        with open(path, "rb") as fh:
            atlas = pickle.load(fh)  # noqa: S301 - written by this app into its own state dir
        if isinstance(atlas, Atlas):
            return atlas
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        pass
    atlas = build()
    _write(folder, path, atlas)
    return atlas


def _write(folder: Path, path: Path, atlas: Atlas) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".atlas-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(atlas, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk: the atlas serves, only slower next start
        return
    old = sorted(folder.glob("atlas-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in old[KEEP:]:
        try:
            stale.unlink()
        except OSError:
            pass
