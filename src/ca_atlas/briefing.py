"""Briefings: ordered steps, each a prepared view of the atlas with a narrative.

Files live in data/briefings/*.yaml and are read after the rest of the dataset, against
the atlas that loaded: every id a step names (projects, corridors, risk notes, blocks)
must exist, and every parameter must read back into a view. A briefing with any error is
left out (a :class:`~ca_atlas.model.DisabledPart` lists its problems) and the others serve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import files, formats, model
from . import view as viewstate
from .model import DisabledPart, Problem, quote
from .validation import RecordChecker, keys_text, number_problem

if TYPE_CHECKING:
    from .atlas import Atlas

FOLDER = "briefings"
CHARTS = model.CHART_KINDS
TOP_KEYS = {"id", "title", "subtitle", "steps"}
STEP_KEYS = {"id", "title", "narrative", "params", "layers", "view", "highlight", "chart",
             "scenario", "changes_since", "sources"}
HIGHLIGHT_KINDS = ("projects", "corridors", "risks")
ZOOM = (2, 18)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    narrative: str
    params: dict[str, Any] = field(default_factory=dict)
    layers: tuple[str, ...] = viewstate.LAYERS
    view: dict | None = None  # {"center": [lat, lon], "zoom": z}
    highlight: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chart: str | None = None
    scenario: dict | None = None  # {"block": [...]}
    sources: list[dict] = field(default_factory=list)
    changes_since: str | None = None  # a git revision: open with what changed since

    def state(self) -> viewstate.ViewState:
        """The view this step shows (filters and layers)."""
        state, _ = viewstate.from_params(self.params)
        return state.with_(layers=self.layers)


@dataclass(frozen=True)
class Briefing:
    id: str
    title: str
    subtitle: str
    steps: tuple[Step, ...]
    #: The file's text as it was validated (what "download the briefing file" gives).
    source_text: str = ""


def references(atlas: Atlas) -> dict[str, set[str]]:
    """The ids a briefing step may name, from a loaded atlas: 'projects', 'corridors',
    'risks', and 'blocks' (what a scenario can block: corridors, 'corridor:seq' segments,
    node names, risk notes)."""
    corridors, risks = set(atlas.corridors["id"]), set(atlas.risks["id"])
    segments = {f"{s.corridor_id}:{int(s.seq)}" for s in atlas.segments.itertuples()}
    return {"projects": set(atlas.projects["id"]), "corridors": corridors, "risks": risks,
            "blocks": corridors | risks | set(atlas.nodes["name"]) | segments}


def load(data_dir: files.Source, ids: Mapping[str, set[str]]
         ) -> tuple[list[Briefing], list[DisabledPart]]:
    """Every briefing in ``data_dir/briefings`` that has no error, and a disabled part for
    each that has (problems name file, step and field), or for a folder that cannot be
    listed. ``ids`` is what :func:`references` gives."""
    try:
        names = files.list_folder(data_dir, FOLDER)
    except files.FileError as exc:
        return [], [DisabledPart("briefings", f"{FOLDER}/", "Briefings", (exc.problem,))]
    good, broken = [], []
    for name in names:
        stem = Path(name).stem
        problems: list[Problem] = []
        brief, title = None, stem
        try:
            text = files.read_text(data_dir, name)
            content = formats.parse_yaml(name, text, dict)
        except files.FileError as exc:
            problems.append(exc.problem)
        else:
            if isinstance(content.get("title"), str) and content["title"].strip():
                title = content["title"].strip()
            brief = _briefing(name, stem, content, ids, problems)
            if brief is not None:
                brief = Briefing(brief.id, brief.title, brief.subtitle, brief.steps,
                                 source_text=text)
        errors = tuple(p for p in problems if p.level == "error")
        if errors or brief is None:
            broken.append(DisabledPart("briefing", name, title, errors))
        else:
            good.append(brief)
    return good, broken


def _briefing(name: str, stem: str, content: Mapping, ids: Mapping[str, set[str]],
              problems: list[Problem]) -> Briefing | None:
    def bad(fieldname: str | None, message: str) -> None:
        problems.append(Problem(name, None, None, fieldname, message))

    extra = set(content) - TOP_KEYS
    if extra:
        bad(None, f"has unknown keys {keys_text(extra)}; a briefing has {', '.join(sorted(TOP_KEYS))}")
    bid = content.get("id")
    if bid != stem:
        bad("id", f"must match the file name {quote(stem)}, got {quote(bid)}")
    title, subtitle = content.get("title"), content.get("subtitle")
    if not isinstance(title, str) or not title.strip():
        bad("title", f"is required text, got {quote(title)}")
    if subtitle is not None and not isinstance(subtitle, str):
        bad("subtitle", f"expected text, got {quote(subtitle)}")
    raw_steps = content.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        bad("steps", f"is required: a list of at least one step, got {quote(raw_steps)}")
        return None
    steps = []
    for row, raw in enumerate(raw_steps, start=1):
        step = _step(name, row, raw, ids, problems)
        if step is not None:
            steps.append(step)
    seen = [s.id for s in steps]
    for sid in sorted({s for s in seen if seen.count(s) > 1}):
        problems.append(Problem(name, None, sid, "id", "two steps share this id"))
    if any(p.level == "error" for p in problems):
        return None
    return Briefing(id=stem, title=title.strip(),
                    subtitle=subtitle.strip() if isinstance(subtitle, str) else "",
                    steps=tuple(steps))


def _scalar_text(value: Any) -> str | None:
    """A parameter value as the URL would carry it; None when it is not a scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and number_problem(value) is None:
        return str(value)
    return None


def _params(raw: Any, bad) -> dict[str, str | list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        bad("params", f"expected a mapping of query parameters, got {quote(raw)}")
        return {}
    out: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        label = f"params.{quote(key, 40, bare=True)}"
        if not isinstance(key, str):
            bad(label, f"a parameter's name is text, got {quote(key)}")
            continue
        items = value if isinstance(value, list) else [value]
        texts = [_scalar_text(v) for v in items]
        if any(t is None for t in texts):
            bad(label, f"expected text, a number or a list of them, got {quote(value)}")
            continue
        out[key] = texts if isinstance(value, list) else texts[0]
    _, notes = viewstate.from_params(out)
    for note in notes:
        bad("params", note)
    return out


def _id_list(value: Any, label: str, bad) -> tuple[str, ...]:
    """One id or a list of ids."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    bad(label, f"expected an id or a list of ids, got {quote(value)}")
    return ()


def _view(raw: Any, bad) -> dict | None:
    if raw is None:
        return None
    hint = f"expected {{center: [lat, lon], zoom: {ZOOM[0]}..{ZOOM[1]}}}"
    if not isinstance(raw, Mapping) or set(raw) != {"center", "zoom"}:
        bad("view", f"{hint}, got {quote(raw)}")
        return None
    center, zoom = raw["center"], raw["zoom"]
    if not isinstance(center, list) or len(center) != 2:
        bad("view.center", f"{hint}, got {quote(center)}")
        return None
    problems = [("view.center[0]", number_problem(center[0], -90, 90)),
                ("view.center[1]", number_problem(center[1], -180, 180)),
                ("view.zoom", number_problem(zoom, *ZOOM))]
    for label, problem in problems:
        if problem:
            bad(label, f"{problem} ({hint})")
    if any(problem for _, problem in problems):
        return None
    return {"center": [float(center[0]), float(center[1])], "zoom": float(zoom)}


def _step(name: str, row: int, raw: Any, ids: Mapping[str, set[str]],
          problems: list[Problem]) -> Step | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(name, row, None, None,
                                f"a step must be a mapping, got {quote(raw)}"))
        return None
    c = RecordChecker(name, row, raw, problems)
    sid = c.record_id

    def bad(fieldname: str, message: str) -> None:
        c.error(fieldname, message)

    c.unknown_fields(STEP_KEYS)
    for key in ("id", "title", "narrative"):
        if not isinstance(raw.get(key), str) or not raw.get(key).strip():
            bad(key, "is required text")
    params = _params(raw.get("params"), bad)
    layers = (_id_list(raw["layers"], "layers", bad) if raw.get("layers") is not None
              else viewstate.LAYERS)
    for layer in layers:
        if layer not in viewstate.LAYERS:
            bad("layers", f"{quote(layer)} is not one of: {', '.join(viewstate.LAYERS)}")
    view = _view(raw.get("view"), bad)
    highlight = {}
    raw_highlight = raw.get("highlight") or {}
    if not isinstance(raw_highlight, Mapping):
        bad("highlight", f"expected {{projects, corridors, risks}}, got {quote(raw_highlight)}")
        raw_highlight = {}
    for kind, value in raw_highlight.items():
        if kind not in HIGHLIGHT_KINDS:
            bad(f"highlight.{quote(kind, 40, bare=True)}", "must be projects, corridors or risks")
            continue
        highlight[kind] = _id_list(value, f"highlight.{kind}", bad)
        for i, ref in enumerate(highlight[kind]):
            if ref not in ids[kind]:
                bad(f"highlight.{kind}[{i}]", f"no {kind[:-1]} has the id {quote(ref)}")
    chart = raw.get("chart")
    if chart is not None and (not isinstance(chart, str) or chart not in CHARTS):
        bad("chart", f"{quote(chart)} is not one of: {', '.join(CHARTS)}")
        chart = None
    scenario = raw.get("scenario")
    if scenario is not None:
        if not isinstance(scenario, Mapping) or set(scenario) != {"block"}:
            bad("scenario", f"expected {{block: [ids]}}, got {quote(scenario)}")
            blocks: tuple[str, ...] = ()
        else:
            blocks = _id_list(scenario["block"], "scenario.block", bad)
            if not blocks:
                bad("scenario.block", "a scenario needs at least one thing to block")
        for i, ref in enumerate(blocks):
            if ref not in ids["blocks"]:
                bad(f"scenario.block[{i}]", f"nothing in the network is called {quote(ref)}")
        scenario = {"block": list(blocks)}
    sources = c.sources(required=False) if raw.get("sources") is not None else []
    changes_since = raw.get("changes_since")
    if changes_since is not None and (not isinstance(changes_since, str)
                                      or not model.REVISION.fullmatch(changes_since.strip())):
        # A revision of the dataset's repository only (a tag, a commit id, HEAD~5): never
        # an option for git ('--output=...') nor a path; git verifies it when the step opens.
        bad("changes_since", "expected a git revision of the dataset, like a tag or HEAD~5")
        changes_since = None
    if not isinstance(sid, str):
        return None
    return Step(changes_since=changes_since, id=sid, title=str(raw.get("title", "")).strip(),
                narrative=str(raw.get("narrative", "")).strip(), params=params,
                layers=layers, view=view, highlight=highlight, chart=chart, scenario=scenario,
                sources=sources)


def file_text(brief: Briefing) -> str:
    """The briefing's file as reviewed in data/briefings/ (for download): the text that
    was validated, so the download never reads the file again."""
    return brief.source_text


# -- drafting a briefing from views in the app ------------------------------------------------

#: Parameters that belong to a step's view (the filters), not to how the app was opened.
_STEP_PARAMS = set(viewstate.FILTERS)


def step_from_view(state: viewstate.ViewState, title: str, narrative: str, number: int) -> dict:
    """A briefing step (as its file holds it) that reproduces ``state``: the filters, the
    layers and the selected project, which the step rings."""
    params = {k: v for k, v in state.to_params().items() if k in _STEP_PARAMS}
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40] or f"step-{number}"
    step = {"id": f"{number:02d}-{slug}", "title": title, "narrative": narrative,
            "params": params, "layers": list(state.layers)}
    if state.project:
        step["highlight"] = {"projects": [state.project]}
    return step


class _PlainDumper(yaml.SafeDumper):
    """Writes no anchors or aliases: the dataset's reader refuses them."""

    def ignore_aliases(self, data) -> bool:
        return True


def draft_yaml(title: str, steps: list[dict]) -> str:
    """A draft briefing file for review: the steps drafted, under a title."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "draft"
    doc = {"id": slug, "title": title, "subtitle": "", "steps": steps}
    header = ("# A briefing drafted in the atlas. Save it as data/briefings/<id>.yaml (the\n"
              "# file name must match the id), add sources to each step, and have it reviewed.\n")
    return header + yaml.dump(doc, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True)
