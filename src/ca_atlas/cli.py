"""The ``ca-atlas`` command: the core's jobs from a shell, the same code as the pages."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from . import catalog, model
from .model import DatasetError


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ca-atlas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a dataset directory; exit 1 on errors")
    validate.add_argument("directory", nargs="?", help="dataset directory (default: data/ "
                          "or $ATLAS_DATA_DIR)")
    validate.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
