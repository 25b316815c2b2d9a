"""Briefings: ordered steps, each a prepared view of the atlas with a narrative.

Files live in data/briefings/*.yaml and are validated with the rest of the dataset:
every id a step names (projects, corridors, risk notes, blocks) must exist, and every
parameter must read back into a view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import query
from .model import Problem
from .validation import url_problem

FOLDER = "briefings"
CHARTS = ("summit", "country_sector", "japan_vs_others", "by_year", "by_status",
          "top_investors", "exposure_category")


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    narrative: str
    params: dict[str, Any] = field(default_factory=dict)
    layers: tuple[str, ...] = query.LAYERS
    view: dict | None = None  # {"center": [lat, lon], "zoom": z}
    highlight: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chart: str | None = None
    scenario: dict | None = None  # {"block": [...]}
    sources: list[dict] = field(default_factory=list)
    changes_since: str | None = None  # a git revision or directory: open with what changed

    def state(self) -> query.ViewState:
        """The view this step shows (filters and layers)."""
        state, _ = query.from_params({k: v if isinstance(v, (str, list)) else str(v)
                                      for k, v in self.params.items()})
        return state.with_(layers=self.layers)


@dataclass(frozen=True)
class Briefing:
    id: str
    title: str
    subtitle: str
    steps: tuple[Step, ...]
    path: str = ""


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load(data_dir: Path, ids: Mapping[str, set[str]], problems: list[Problem]) -> list[Briefing]:
    """Every briefing in ``data_dir/briefings``; problems name file, step and field.

    ``ids`` maps 'projects', 'corridors', 'risks' and 'blocks' to the ids that exist.
    """
    folder = Path(data_dir) / FOLDER
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.yaml")):
        name = f"{FOLDER}/{path.name}"
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(Problem(name, None, None, None, f"is not valid YAML: {exc}"))
            continue
        if not isinstance(content, Mapping) or not isinstance(content.get("steps"), list):
            problems.append(Problem(name, None, None, "steps", "is required: a list of steps"))
            continue
        bid = content.get("id")
        if bid != path.stem:
            problems.append(Problem(name, None, None, "id",
                                    f"must match the file name {path.stem!r}, got {bid!r}"))
        steps = []
        for row, raw in enumerate(content["steps"], start=1):
            step = _step(name, row, raw, ids, problems)
            if step is not None:
                steps.append(step)
        seen = [s.id for s in steps]
        for sid in {s for s in seen if seen.count(s) > 1}:
            problems.append(Problem(name, None, sid, "id", "two steps share this id"))
        out.append(Briefing(id=str(bid), title=str(content.get("title") or bid),
                            subtitle=str(content.get("subtitle") or ""), steps=tuple(steps),
                            path=str(path)))
    return out


def _step(name: str, row: int, raw: Any, ids: Mapping[str, set[str]],
          problems: list[Problem]) -> Step | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(name, row, None, None, "a step must be a mapping"))
        return None
    sid = raw.get("id")

    def bad(fieldname: str, message: str) -> None:
        problems.append(Problem(name, row, sid if isinstance(sid, str) else None, fieldname,
                                message))

    for key in ("id", "title", "narrative"):
        if not isinstance(raw.get(key), str) or not raw.get(key).strip():
            bad(key, "is required text")
    params = raw.get("params") or {}
    if not isinstance(params, Mapping):
        bad("params", "expected a mapping of query parameters")
        params = {}
    _, notes = query.from_params({k: v if isinstance(v, (str, list)) else str(v)
                                  for k, v in params.items()})
    for note in notes:
        bad("params", note)
    layers = _as_tuple(raw.get("layers", list(query.LAYERS)))
    for layer in layers:
        if layer not in query.LAYERS:
            bad("layers", f"{layer!r} is not one of: {', '.join(query.LAYERS)}")
    view = raw.get("view")
    if view is not None:
        center = view.get("center") if isinstance(view, Mapping) else None
        zoom = view.get("zoom") if isinstance(view, Mapping) else None
        if (not isinstance(center, list) or len(center) != 2
                or not all(isinstance(c, (int, float)) for c in center)
                or not isinstance(zoom, (int, float)) or not 2 <= zoom <= 18):
            bad("view", "expected {center: [lat, lon], zoom: 2..18}")
            view = None
    highlight = {}
    for kind, value in (raw.get("highlight") or {}).items():
        if kind not in ("projects", "corridors", "risks"):
            bad(f"highlight.{kind}", "must be projects, corridors or risks")
            continue
        highlight[kind] = _as_tuple(value)
        for i, ref in enumerate(highlight[kind]):
            if ref not in ids[kind]:
                bad(f"highlight.{kind}[{i}]", f"no {kind[:-1]} has the id {ref!r}")
    chart = raw.get("chart")
    if chart is not None and chart not in CHARTS:
        bad("chart", f"{chart!r} is not one of: {', '.join(CHARTS)}")
        chart = None
    scenario = raw.get("scenario")
    if scenario is not None:
        blocks = _as_tuple(scenario.get("block") if isinstance(scenario, Mapping) else None)
        if not blocks:
            bad("scenario.block", "a scenario needs at least one thing to block")
        for i, ref in enumerate(blocks):
            if ref not in ids["blocks"]:
                bad(f"scenario.block[{i}]", f"nothing in the network is called {ref!r}")
        scenario = {"block": list(blocks)}
    sources = raw.get("sources") or []
    for i, s in enumerate(sources):
        problem = url_problem(s.get("url") if isinstance(s, Mapping) else None)
        if problem:
            bad(f"sources[{i}].url", problem)
    changes_since = raw.get("changes_since")
    if changes_since is not None and not isinstance(changes_since, str):
        bad("changes_since", "expected a git revision or a dataset directory")
        changes_since = None
    if not isinstance(sid, str):
        return None
    return Step(changes_since=changes_since, id=sid, title=str(raw.get("title", "")).strip(),
                narrative=str(raw.get("narrative", "")).strip(), params=dict(params),
                layers=layers, view=view, highlight=highlight, chart=chart, scenario=scenario,
                sources=[dict(s) for s in sources if isinstance(s, Mapping)])


def file_text(brief: Briefing) -> str:
    """The briefing's file as reviewed in data/briefings/ (for download)."""
    return Path(brief.path).read_text(encoding="utf-8")
