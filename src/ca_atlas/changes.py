"""What changed between two versions of the dataset: projects added, changed and removed,
and how the totals moved.

An earlier version is one of the dataset's recorded versions (:func:`versions`: git tags
and recent commits that changed the dataset directory), named by a revision that
:func:`resolve_revision` turns into a verified commit id before git sees it; or, from the
command line only, another dataset directory.

Where input enters: the Data quality page offers only :func:`versions` (a closed set of
commit ids); a briefing step's ``changes_since`` and ``ca-atlas changes --since`` are
revisions checked by :data:`REVISION` and ``git rev-parse --verify --end-of-options``, so
no option-like value ever reaches git; ``--since DIR`` is the shell user's own path.
"""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pandas as pd

from . import catalog, files, model
from .atlas import Atlas

#: Fields whose change is reported, with the label shown.
COMPARED = {
    "name": "name", "status": "status", "amount_value": "amount", "amount_currency": "currency",
    "amount_measure": "what the amount measures", "amount_usd": "US$ value",
    "date_signed": "signed", "date_completion": "completion", "lat": "latitude",
    "lon": "longitude", "confidence": "confidence", "investor_names": "investors",
}

#: What a revision may look like before git is asked about it (see model.REVISION).
REVISION = model.REVISION
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_GIT_TIMEOUT_S = 30


@dataclass(frozen=True)
class Changes:
    since: str
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # id, name, field, before, after
    totals: pd.DataFrame  # measure, before, after, change

    @property
    def empty(self) -> bool:
        return self.added.empty and self.removed.empty and self.changed.empty


@dataclass(frozen=True)
class Version:
    """A recorded version of the dataset: a verified commit id and how to name it."""

    commit: str
    label: str  # "v1.0 (2026-11-29)" or "2585304 2026-11-29: the commit's subject"
    date: str


def _git(repo: Path, *args: str) -> str:
    """Run git with fixed arguments in ``repo``; its output, or ValueError."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                              timeout=_GIT_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise ValueError("git is not installed on this server") from None
    except subprocess.TimeoutExpired:
        raise ValueError("git did not answer in time") from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip().splitlines()
        raise ValueError(detail[-1] if detail else f"git {args[0]} failed") from None
    return done.stdout.decode(errors="replace")


def _repository(data_dir: Path) -> tuple[Path, str]:
    """The git work tree holding ``data_dir``, and the directory's path inside it."""
    try:
        top, prefix = _git(data_dir, "rev-parse", "--show-toplevel", "--show-prefix"
                           ).splitlines()[:2]
    except ValueError:
        raise ValueError("the dataset directory is not in a git repository, so it has no "
                         "recorded versions") from None
    return Path(top), prefix.strip().rstrip("/")


def versions(data_dir: Path | str | None = None, limit: int = 30) -> list[Version]:
    """The dataset's recorded versions, newest first: its tags, then the last ``limit``
    commits that changed the dataset directory. Empty outside a git repository."""
    data_dir = Path(data_dir) if data_dir is not None else catalog.default_data_dir()
    try:
        top, prefix = _repository(data_dir)
        tags = _git(top, "for-each-ref", "--sort=-creatordate",
                    "--format=%(objectname)%00%(*objectname)%00%(refname:short)%00"
                    "%(creatordate:short)", "refs/tags")
        commits = _git(top, "log", f"--max-count={int(limit)}", "--format=%H%x00%cs%x00%s",
                       "--", prefix or ".")
    except ValueError:
        return []
    out: list[Version] = []
    for line in tags.splitlines():
        obj, peeled, name, day = (line.split("\0") + ["", "", "", ""])[:4]
        commit = peeled or obj  # an annotated tag points at a tag object: take its commit
        if _COMMIT_ID.fullmatch(commit):
            out.append(Version(commit, f"{name} ({day})", day))
    for line in commits.splitlines():
        commit, day, subject = (line.split("\0") + ["", "", ""])[:3]
        if _COMMIT_ID.fullmatch(commit):
            subject = subject if len(subject) <= 70 else subject[:69] + "…"
            out.append(Version(commit, f"{commit[:7]} {day}: {subject}", day))
    return out


def resolve_revision(revision: str, data_dir: Path | str | None = None) -> str:
    """The commit id ``revision`` names in the dataset's repository, or ValueError.

    The text is checked against :data:`REVISION` first, then verified by git with
    ``--end-of-options``, so nothing option-like or path-like is ever passed on."""
    text = revision.strip() if isinstance(revision, str) else ""
    if not REVISION.fullmatch(text):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(f"{shown!r} is not a revision: use a tag, a commit id or a form like "
                         "HEAD~5")
    data_dir = Path(data_dir) if data_dir is not None else catalog.default_data_dir()
    top, _ = _repository(data_dir)
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                      f"{text}^{{commit}}").strip()
    except ValueError:
        raise ValueError(f"{text!r} is not a revision of the dataset's repository") from None
    if not _COMMIT_ID.fullmatch(commit):
        raise ValueError(f"{text!r} is not a revision of the dataset's repository")
    return commit


def load_revision(commit: str, data_dir: Path | str | None = None) -> Atlas:
    """The dataset as it was at ``commit`` (a full commit id, as :func:`resolve_revision`
    or :func:`versions` give). The temporary copy is removed once it is loaded."""
    if not _COMMIT_ID.fullmatch(commit):
        raise ValueError("expected a full commit id")
    current = Path(data_dir) if data_dir is not None else catalog.default_data_dir()
    top, prefix = _repository(current)
    try:
        archive = subprocess.run(
            ["git", "-C", str(top), "archive", "--format=tar", commit, "--", prefix or "."],
            check=True, capture_output=True, timeout=_GIT_TIMEOUT_S, stdin=subprocess.DEVNULL,
        ).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise ValueError(f"the dataset directory did not exist at {commit[:12]}") from None
    with tempfile.TemporaryDirectory(prefix="atlas-earlier-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        earlier = Path(tmp) / prefix if prefix else Path(tmp)
        # Files the earlier version did not have yet (later additions to the schema) come
        # from the current dataset, so that it loads; only what it had is compared.
        for name in catalog.FILES.values():
            if not (earlier / name).exists():
                try:  # through the reader's checks: a regular file inside the directory
                    content = files.read_bytes(current, name)
                except files.FileError:
                    continue
                (earlier / name).parent.mkdir(parents=True, exist_ok=True)
                (earlier / name).write_bytes(content)
        return catalog.load(earlier)


def load_earlier(since: str, data_dir: Path | str | None = None, *,
                 allow_directory: bool = False) -> Atlas:
    """The dataset at revision ``since``; with ``allow_directory`` (the command line only)
    ``since`` may also be another dataset directory."""
    if allow_directory and Path(since).is_dir():
        return catalog.load(Path(since))
    return load_revision(resolve_revision(since, data_dir), data_dir)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if a is None or b is None or (isinstance(a, float) and a != a) or (isinstance(b, float)
                                                                         and b != b):
        return (a is None or a != a) and (b is None or b != b)
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))
    return a == b


def compare(earlier: Atlas, current: Atlas, since: str = "") -> Changes:
    old = earlier.projects.set_index("id")
    new = current.projects.set_index("id")
    added = new.loc[sorted(set(new.index) - set(old.index)), ["name", "country", "amount_usd"]]
    removed = old.loc[sorted(set(old.index) - set(new.index)), ["name", "country", "amount_usd"]]
    rows = []
    for pid in sorted(set(old.index) & set(new.index)):
        for column, label in COMPARED.items():
            before, after = old.at[pid, column], new.at[pid, column]
            if not _same(before, after):
                rows.append({"id": pid, "name": new.at[pid, "name"], "field": label,
                             "before": before, "after": after})
    totals = pd.DataFrame([
        {"measure": "projects", "before": len(old), "after": len(new)},
        {"measure": "with Japanese participation", "before": int(old["japanese"].sum()),
         "after": int(new["japanese"].sum())},
        {"measure": "US$ of known amounts (mixed kinds)",
         "before": float(old["amount_usd"].sum()), "after": float(new["amount_usd"].sum())},
        {"measure": "corridors", "before": len(earlier.corridors), "after": len(current.corridors)},
        {"measure": "risk notes", "before": len(earlier.risks), "after": len(current.risks)},
    ])
    totals["change"] = totals["after"] - totals["before"]
    return Changes(since=since, added=added.reset_index(), removed=removed.reset_index(),
                   changed=pd.DataFrame(rows, columns=["id", "name", "field", "before", "after"]),
                   totals=totals)
