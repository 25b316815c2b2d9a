"""The ledger of the 2025 Tokyo summit (data/summit_2025.yaml): priorities, the ¥3 trillion
target, counts of documents signed, initiatives; and the tracked summit projects' value
beside the target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .model import Problem
from .validation import url_problem

FILE = "summit_2025.yaml"
SECTIONS = ("priorities", "targets", "counts", "initiatives")


@dataclass(frozen=True)
class Ledger:
    summit: dict
    priorities: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)
    initiatives: list[dict] = field(default_factory=list)
    note: str = ""

    def target(self, target_id: str = "business-target-3tn-yen") -> dict | None:
        return next((t for t in self.targets if t.get("id") == target_id), None)

    def count(self, count_id: str) -> dict | None:
        return next((c for c in self.counts if c.get("id") == count_id), None)


def _check_sources(where: str, row: int | None, rid: str | None, sources: Any,
                   problems: list[Problem]) -> None:
    if not isinstance(sources, list) or not sources:
        problems.append(Problem(FILE, row, rid, f"{where}sources", "needs at least one source"))
        return
    for i, s in enumerate(sources):
        bad = url_problem(s.get("url") if isinstance(s, Mapping) else None)
        if bad:
            problems.append(Problem(FILE, row, rid, f"{where}sources[{i}].url", bad))


def parse(content: Any, problems: list[Problem]) -> Ledger | None:
    """Check the ledger's shape and sources; None (with problems) when it is unusable."""
    if not isinstance(content, Mapping) or not isinstance(content.get("summit"), Mapping):
        problems.append(Problem(FILE, None, None, "summit", "is required: a mapping"))
        return None
    _check_sources("summit.", None, None, content["summit"].get("sources"), problems)
    sections: dict[str, list[dict]] = {}
    for name in SECTIONS:
        items = content.get(name) or []
        if not isinstance(items, list):
            problems.append(Problem(FILE, None, None, name, "expected a list"))
            items = []
        seen: set[str] = set()
        for row, item in enumerate(items, start=1):
            rid = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(rid, str) or not rid:
                problems.append(Problem(FILE, row, None, f"{name}.id", "is required"))
                continue
            if rid in seen:
                problems.append(Problem(FILE, row, rid, f"{name}.id", "is used twice"))
            seen.add(rid)
            _check_sources(f"{name}.", row, rid, item.get("sources"), problems)
            value = item.get("value")
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or value < 0):
                problems.append(Problem(FILE, row, rid, f"{name}.value",
                                        f"expected a number of zero or more, got {value!r}"))
        sections[name] = [dict(i) for i in items if isinstance(i, Mapping)]
    note = content.get("tracked_projects_note") or ""
    if isinstance(note, list):
        note = " ".join(str(n) for n in note)
    return Ledger(summit=dict(content["summit"]), note=str(note), **sections)


def tracked(projects: pd.DataFrame) -> dict:
    """The projects flagged as summit outcomes: how many, and their known US$ by measure."""
    chosen = projects[projects["flags"].map(lambda f: "summit_2025" in f)]
    known = chosen[chosen["amount_usd"].notna()]
    by_measure = known.groupby("amount_measure")["amount_usd"].sum().to_dict()
    return {"projects": len(chosen), "with_amount": len(known),
            "usd": float(known["amount_usd"].sum()), "by_measure": by_measure,
            "ids": list(chosen["id"])}
