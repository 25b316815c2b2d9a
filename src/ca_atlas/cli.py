"""The ``ca-atlas`` command: the core's jobs from a shell, the same code as the pages."""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections import Counter
from pathlib import Path

from . import catalog, exposure, model, network, scenarios
from .model import DatasetError
from .store.cli import add_commands as add_store_commands


def _validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.directory) if args.directory else catalog.default_data_dir()
    try:
        atlas = catalog.load(data_dir)
    except DatasetError as exc:
        errors = [p for p in exc.problems if p.level == "error"]
        warnings = [p for p in exc.problems if p.level == "warning"]
        print(f"{data_dir}: {len(errors)} error(s), {len(warnings)} warning(s)")
        print("\nErrors:")
        for problem in errors:
            print(f"  {problem}")
        if warnings:
            print("\nWarnings:")
            for problem in warnings:
                print(f"  {problem}")
        return 1
    parts = catalog.disabled_parts(atlas)
    if parts:  # the app serves without them; a reviewer still has to fix them
        errors = [p for d in parts for p in d.problems]
        print(f"{data_dir}: {len(errors)} error(s) in {len(parts)} optional part(s), which the "
              f"app leaves out: {', '.join(d.file for d in parts)}")
        print("\nErrors:")
        for problem in errors:
            print(f"  {problem}")
        return 1
    countries = Counter(atlas.projects["country"])
    print(f"{data_dir}: valid (version {atlas.version})")
    print(f"  projects:   {len(atlas.projects)} ("
          + ", ".join(f"{model.country_name(c)} {countries.get(c, 0)}"
                      for c in model.FOCUS_COUNTRIES) + ")")
    print(f"  with Japanese participation: {int(atlas.projects['japanese'].sum())}")
    print(f"  corridors:  {len(atlas.corridors)}")
    print(f"  risk notes: {len(atlas.risks)}")
    print(f"  claims:     {len(atlas.claims)}")
    if atlas.warnings:
        print(f"\nWarnings ({len(atlas.warnings)}):")
        for problem in atlas.warnings:
            print(f"  {problem}")
    return 0


def _load(args: argparse.Namespace):
    data_dir = Path(args.data) if getattr(args, "data", None) else catalog.default_data_dir()
    try:
        return catalog.load(data_dir)
    except DatasetError as exc:
        print(f"{data_dir}: the dataset does not validate: {exc}", file=sys.stderr)
        print("Run `ca-atlas validate` for every problem.", file=sys.stderr)
        raise SystemExit(1) from None


def _route_dict(r: network.Route | None) -> dict | None:
    if r is None:
        return None
    return {"via": r.names, "length_km": round(r.length_km, 1),
            "days": None if r.days is None else round(r.days, 2),
            "timed_days": round(r.timed_h / 24, 2), "untimed_legs": r.untimed_legs,
            "corridors": r.corridors, "borders": r.borders}


def _scenario(args: argparse.Namespace) -> int:
    atlas = _load(args)
    if bool(args.origin) != bool(args.destination):
        print("--from and --to go together", file=sys.stderr)
        return 2
    blocks, planned = list(args.block), args.include_planned
    if args.scenario:
        prepared = scenarios.PREPARED[args.scenario]
        blocks, planned = [*prepared.blocks, *blocks], planned or prepared.include_planned
    # The same rule as the Corridors page: a chosen pair travels on its own network (oil
    # between two pipeline ends), beside the presets unless a pair is chosen.
    result = scenarios.run(atlas, blocks, args.origin, args.destination,
                           presets=not args.origin, weight=args.by, within_km=args.within_km,
                           include_planned=planned)
    if result.unknown_ids:
        print("not in the network: " + ", ".join(result.unknown_ids), file=sys.stderr)
    rows = [{"from": p.origin, "to": p.destination, "network": p.family, "result": p.status,
             "extra_km": None if p.extra_km is None else round(p.extra_km, 1),
             "extra_days": None if p.extra_days is None else round(p.extra_days, 2),
             "baseline": _route_dict(p.baseline), "alternative": _route_dict(p.alternative)}
            for p in result.pairs]
    projects = [{"id": r.id, "name": r.name, "country": r.country,
                 "amount_usd": None if r.amount_usd != r.amount_usd else r.amount_usd,
                 "why": r.why} for r in result.projects.itertuples()]
    if args.json:
        json.dump({"blocked": sorted(blocks), "unknown": result.unknown_ids,
                   "by": args.by, "pairs": rows, "affected_projects": projects},
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0 if not result.unknown_ids else 1
    print(f"Blocked: {', '.join(blocks) or 'nothing'}")
    for row in rows:
        extra = ""
        if row["extra_km"] is not None:
            extra = f" (+{row['extra_km']:,.0f} km"
            extra += f", {row['extra_days']:+.1f} days)" if row["extra_days"] is not None else ")"
        base = row["baseline"]
        length = f" on the {row['network']} network, {base['length_km']:,.0f} km" if base else ""
        print(f"  {row['from']} -> {row['to']}: {row['result']}{length}{extra}")
        if row["alternative"] and row["result"] == "rerouted":
            print(f"      via {' > '.join(row['alternative']['via'])}")
    print(f"Affected projects: {len(projects)}")
    for p in projects:
        print(f"  {p['name']} ({p['country']}): {p['why']}")
    return 0 if not result.unknown_ids else 1


def _exposure(args: argparse.Namespace) -> int:
    atlas = _load(args)
    touching = exposure.pairs(atlas, args.within_km)
    head = exposure.headline(touching)

    def clean(frame):
        return [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                 for k, v in row.items()} for row in frame.to_dict("records")]

    out = {"within_km": args.within_km, **head,
           "by_category": clean(exposure.totals(touching, "category")),
           "by_country": clean(exposure.totals(touching, "country")),
           "by_sector": clean(exposure.totals(touching, "sector")),
           "exposed": clean(exposure.per_project(touching))}
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
        return 0
    print(f"Within {args.within_km:g} km of a risk's area: {head['projects']} project(s), "
          f"US$ {head['usd']:,.0f} exposed (known amounts); severity-weighted "
          f"{head['weighted_usd']:,.0f}")
    for row in out["by_category"]:
        print(f"  {row['label']}: {row['projects']} project(s), US$ {row['usd']:,.0f} "
              f"(weighted {row['weighted_usd']:,.0f})")
    return 0


def _briefing_list(args: argparse.Namespace) -> int:
    atlas = _load(args)
    for b in atlas.briefings:
        print(f"{b.id}: {b.title} ({len(b.steps)} steps)")
    return 0


def _briefing_export(args: argparse.Namespace) -> int:
    from . import assets, briefing_steps

    out = Path(args.out)
    if not args.out.strip() or out.is_dir() or not out.parent.is_dir():
        print(f"--out {args.out!r}: give the path of an HTML file to write, in a directory "
              "that exists", file=sys.stderr)
        return 2
    atlas = _load(args)
    assets.configure_assets("local")
    try:
        out = briefing_steps.write_briefing(atlas, args.name, out)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot export to {args.out!r}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): opens from disk with no network")
    return 0


def _changes(args: argparse.Namespace) -> int:
    from . import changes

    atlas = _load(args)
    try:
        earlier = changes.load_earlier(args.since, atlas.source_dir, allow_directory=True)
    except (ValueError, DatasetError) as exc:
        print(f"cannot read the earlier version: {exc}", file=sys.stderr)
        return 1
    diff = changes.compare(earlier, atlas, args.since)
    if args.json:
        json.dump({"since": args.since,
                   "added": diff.added.to_dict("records"),
                   "removed": diff.removed.to_dict("records"),
                   "changed": diff.changed.to_dict("records"),
                   "totals": diff.totals.to_dict("records")},
                  sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
        return 0
    print(f"Since {args.since}: {len(diff.added)} added, {len(diff.changed['id'].unique())} "
          f"changed, {len(diff.removed)} removed")
    for row in diff.totals.itertuples():
        print(f"  {row.measure}: {row.before:,.0f} -> {row.after:,.0f}")
    for row in diff.added.itertuples():
        print(f"  + {row.id}: {row.name}")
    for row in diff.removed.itertuples():
        print(f"  - {row.id}: {row.name}")
    for row in diff.changed.itertuples():
        print(f"  ~ {row.id}: {row.field} {row.before} -> {row.after}")
    return 0


def _distance_km(text: str) -> float:
    """A distance for ``--within-km``: a finite number of kilometres from 0 to 5,000."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of kilometres") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_WITHIN_KM:
        raise argparse.ArgumentTypeError(f"{text!r}: give a distance from 0 to "
                                         f"{MAX_WITHIN_KM:,} km")
    return value


#: The farthest "near a risk / a blocked place" distance either command accepts.
MAX_WITHIN_KM = 5000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ca-atlas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a dataset directory; exit 1 on errors")
    validate.add_argument("directory", nargs="?", help="dataset directory (default: data/ "
                          "or $ATLAS_DATA_DIR)")
    validate.set_defaults(func=_validate)

    scenario = sub.add_parser("scenario", help="block corridors, places or risk notes and "
                              "compare routes")
    scenario.add_argument("--block", action="append", default=[], metavar="ID",
                          help="corridor id, 'corridor:seq', node name or risk note id")
    scenario.add_argument("--from", dest="origin", metavar="NODE")
    scenario.add_argument("--to", dest="destination", metavar="NODE")
    scenario.add_argument("--scenario", choices=list(scenarios.PREPARED),
                          help="a prepared scenario (as on the Corridors page): "
                          + "; ".join(f"{k}: {p.label}" for k, p in scenarios.PREPARED.items()))
    scenario.add_argument("--by", choices=list(scenarios.WEIGHTS), default="length_km")
    scenario.add_argument("--within-km", type=_distance_km, default=50.0,
                          help="projects this close to a blocked place depend on it")
    scenario.add_argument("--include-planned", action="store_true",
                          help="let routes use planned and under-construction corridors")
    scenario.add_argument("--json", action="store_true")
    scenario.add_argument("--data", help="dataset directory")
    scenario.set_defaults(func=_scenario)

    exp = sub.add_parser("exposure", help="investment near each risk note")
    exp.add_argument("--within-km", type=_distance_km, default=0.0,
                     help="count projects this close to a risk's area (km, 0 to 5000)")
    exp.add_argument("--json", action="store_true")
    exp.add_argument("--data", help="dataset directory")
    exp.set_defaults(func=_exposure)

    diff = sub.add_parser("changes", help="what changed since a git revision or a directory")
    diff.add_argument("--since", required=True, metavar="REV|DIR")
    diff.add_argument("--json", action="store_true")
    diff.add_argument("--data", help="dataset directory")
    diff.set_defaults(func=_changes)

    brief = sub.add_parser("briefing", help="list briefings or export one as an offline HTML file")
    brief_sub = brief.add_subparsers(dest="briefing_command", required=True)
    listing = brief_sub.add_parser("list", help="the briefings in data/briefings")
    listing.add_argument("--data", help="dataset directory")
    listing.set_defaults(func=_briefing_list)
    export = brief_sub.add_parser("export", help="one self-contained HTML file")
    export.add_argument("name", help="the briefing's id (its file name without .yaml)")
    export.add_argument("--out", required=True, metavar="FILE.html")
    export.add_argument("--data", help="dataset directory")
    export.set_defaults(func=_briefing_export)
    add_store_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `ca-atlas ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
