"""What changed between two versions of the dataset: projects added, changed and removed,
and how the totals moved. An earlier version is a directory or a git revision."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pandas as pd

from . import catalog
from .catalog import Atlas

#: Fields whose change is reported, with the label shown.
COMPARED = {
    "name": "name", "status": "status", "amount_value": "amount", "amount_currency": "currency",
    "amount_measure": "what the amount measures", "amount_usd": "US$ value",
    "date_signed": "signed", "date_completion": "completion", "lat": "latitude",
    "lon": "longitude", "confidence": "confidence", "investor_names": "investors",
}


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


def load_earlier(since: str, repo: Path | None = None) -> Atlas:
    """The dataset in directory ``since``, or in ``data/`` at git revision ``since``."""
    path = Path(since)
    if path.is_dir():
        return catalog.load(path)
    repo = repo or Path(__file__).resolve().parents[2]
    try:
        archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", since,
                                  "data"], check=True, capture_output=True, timeout=60).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise ValueError(f"{since!r} is neither a dataset directory nor a git revision of "
                         f"{repo}: {detail.decode(errors='replace').strip()}") from None
    tmp = Path(tempfile.mkdtemp(prefix="atlas-earlier-"))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
    # Files the earlier version did not have yet (later additions to the schema) come from
    # the current dataset, so that it loads; only what it had is compared.
    current = catalog.default_data_dir()
    for name in catalog.FILES.values():
        if not (tmp / "data" / name).exists() and (current / name).exists():
            (tmp / "data" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(current / name, tmp / "data" / name)
    return catalog.load(tmp / "data")


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
