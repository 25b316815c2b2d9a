"""The ledger of the 2025 Tokyo summit (data/summit_2025.yaml): priorities, the ¥3 trillion
target, counts of documents signed, initiatives; and the tracked summit projects' value
beside the target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import files
from .model import DisabledPart, Problem, quote
from .validation import RecordChecker, keys_text

FILE = "summit_2025.yaml"
TITLE = "The Tokyo summit ledger"
SECTIONS = ("priorities", "targets", "counts", "initiatives")
TOP_KEYS = {"summit", *SECTIONS, "tracked_projects_note"}
QUALIFIERS = {"more than": "more than", "exact": "exact"}
#: The largest figure a ledger row may give, in its own currency (the ¥3 trillion target
#: is 3e12), and the largest US$ conversion.
VALUE_MAX = 1e15
USD_MAX = 1e13


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


def _check_item(section: str, c: RecordChecker) -> None:
    """The fields a row of ``section`` may have, each of its type and range."""
    item = c.record
    label = f"{section}."
    c.sources(label=f"{section}.sources")
    for key in ("name", "summary", "text", "unit", "scope", "note", "status", "measure"):
        if item.get(key) is not None:
            c.text(key, label=label + key)
    if item.get("value") is not None:
        c.number("value", low=0, high=VALUE_MAX, label=label + "value")
    if section == "targets":
        c.currency("currency", required=False, label=label + "currency")
        if item.get("period_years") is not None:
            c.number("period_years", low=1, high=50, label=label + "period_years")
        if item.get("usd_reported") is not None:
            c.number("usd_reported", low=0, high=USD_MAX, label=label + "usd_reported")
    if section == "counts":
        c.choice("qualifier", QUALIFIERS, required=False, label=label + "qualifier")
        if item.get("country") is not None:
            c.country("country", label=label + "country")
        amount = item.get("amount")
        if amount is not None:
            if not isinstance(amount, Mapping):
                c.error(label + "amount", f"expected {{value, currency, qualifier}}, got "
                                          f"{quote(amount)}")
            else:
                c.number("value", required=True, low=0, high=VALUE_MAX, where=amount,
                         label=label + "amount.value")
                c.currency("currency", where=amount, label=label + "amount.currency")
                c.choice("qualifier", QUALIFIERS, required=False, where=amount,
                         label=label + "amount.qualifier")


def parse(content: Any, problems: list[Problem]) -> Ledger | None:
    """Check the ledger's shape, numbers and sources; None (with problems) when it is
    unusable. Every item is checked; the ledger is served only when no error is found."""
    before = len(problems)
    if not isinstance(content, Mapping) or not isinstance(content.get("summit"), Mapping):
        problems.append(Problem(FILE, None, None, "summit", "is required: a mapping"))
        return None
    extra = set(content) - TOP_KEYS
    if extra:
        problems.append(Problem(FILE, None, None, None,
                                f"has unknown keys {keys_text(extra)}; see data/README.md"))
    head = RecordChecker(FILE, None, content["summit"], problems)
    for key in ("name", "place"):
        head.text(key, label=f"summit.{key}")
    head.sources(label="summit.sources")
    sections: dict[str, list[dict]] = {}
    for name in SECTIONS:
        items = content.get(name) or []
        if not isinstance(items, list):
            problems.append(Problem(FILE, None, None, name, f"expected a list, got {quote(items)}"))
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
            _check_item(name, RecordChecker(FILE, row, item, problems))
        sections[name] = [dict(i) for i in items if isinstance(i, Mapping)]
    note = content.get("tracked_projects_note") or ""
    if isinstance(note, list) and all(isinstance(n, str) for n in note):
        note = " ".join(note)
    if not isinstance(note, str):
        problems.append(Problem(FILE, None, None, "tracked_projects_note",
                                f"expected text, got {quote(note)}"))
        note = ""
    if any(p.level == "error" for p in problems[before:]):
        return None
    return Ledger(summit=dict(content["summit"]), note=note, **sections)


def read(data_dir: files.Source) -> tuple[Ledger | None, DisabledPart | None]:
    """The ledger in ``data_dir``: ``(ledger, None)``; ``(None, None)`` when there is no
    ledger file (a dataset need not have one); ``(None, disabled)`` when it has errors."""
    problems: list[Problem] = []
    try:
        content = files.read_yaml(data_dir, FILE, dict)
    except files.FileError as exc:
        if exc.missing:
            return None, None
        problems.append(exc.problem)
        content = None
    ledger = parse(content, problems) if content is not None else None
    errors = tuple(p for p in problems if p.level == "error")
    if ledger is None and not errors:  # cannot happen; never serve half a ledger silently
        errors = (Problem(FILE, None, None, None, "could not be read"),)
    return (ledger, None) if not errors else (None, DisabledPart("summit", FILE, TITLE, errors))


def tracked(projects: pd.DataFrame) -> dict:
    """The projects flagged as summit outcomes: how many, and their known US$ by measure."""
    chosen = projects[projects["flags"].map(lambda f: "summit_2025" in f)]
    known = chosen[chosen["amount_usd"].notna()]
    by_measure = known.groupby("amount_measure")["amount_usd"].sum().to_dict()
    return {"projects": len(chosen), "with_amount": len(known),
            "usd": float(known["amount_usd"].sum()), "by_measure": by_measure,
            "ids": list(chosen["id"])}
