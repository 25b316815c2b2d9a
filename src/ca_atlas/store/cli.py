"""``ca-atlas db ...``: the store from a shell.

``init`` creates or upgrades the schema; ``load DIR`` loads a release (``--theirs``,
``--ours`` or ``--choose ID=theirs|ours`` to settle records changed on both sides);
``dump DIR`` writes the files back; ``status``; ``history [ID]``; ``patch --since DATE``
the changes since a date as a diff.
The database is ``--database-url``, else ``$ATLAS_DATABASE_URL``, else the embedded SQLite
file. Errors are one clear message on stderr: exit 1, or 3 for a release conflict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import sys

EXIT_ERROR = 1
EXIT_CONFLICT = 3


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``db`` to the ``ca-atlas`` parser's subcommands."""
    db = sub.add_parser("db", help="the team's store: init, load, dump, status, history")
    db.add_argument("--database-url", metavar="URL", help="postgresql://... or sqlite:///FILE "
                    "(default: $ATLAS_DATABASE_URL, else .atlas/atlas.sqlite3)")
    db.set_defaults(func=run)
    cmds = db.add_subparsers(dest="db_command", required=True)
    cmds.add_parser("init", help="create or upgrade the store's schema")
    load = cmds.add_parser("load", help="load a dataset directory (a release) into the store")
    load.add_argument("directory", metavar="DIR")
    side = load.add_mutually_exclusive_group()
    side.add_argument("--theirs", dest="on_conflict", action="store_const", const="theirs",
                      help="records changed on both sides take the release's version")
    side.add_argument("--ours", dest="on_conflict", action="store_const", const="ours",
                      help="records changed on both sides keep the store's version")
    load.add_argument("--choose", action="append", default=[], type=_choice, metavar="ID=SIDE",
                      help="settle one record: ID=theirs or ID=ours (repeatable; --theirs or "
                      "--ours then settles the rest)")
    load.add_argument("--who", help="who loads it (default: $ATLAS_USER or the login name)")
    load.add_argument("--why", help="why (default: 'release loaded from DIR')")
    dump = cmds.add_parser("dump", help="write the dataset files into a directory")
    dump.add_argument("directory", metavar="DIR")
    cmds.add_parser("status", help="what the store holds")
    hist = cmds.add_parser("history", help="changes, oldest first")
    hist.add_argument("record_id", nargs="?", metavar="ID")
    hist.add_argument("--who")
    hist.add_argument("--since", type=_date, metavar="DATE", help="YYYY-MM-DD[THH:MM] (UTC)")
    hist.add_argument("--json", action="store_true")
    patch = cmds.add_parser("patch", help="the changes since a date as a diff of the files")
    patch.add_argument("--since", type=_date, required=True, metavar="DATE")

    batch = sub.add_parser("import", help="import projects from CSV, XLSX or GeoJSON (all or "
                           "nothing); --template FILE.csv writes the template")
    batch.add_argument("file", nargs="?", metavar="FILE")
    batch.add_argument("--template", metavar="FILE.csv", help="write the template with one "
                       "example row and stop")
    batch.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
    batch.add_argument("--update", action="store_true", help="rows whose id exists change "
                       "that project (otherwise they are refused)")
    batch.add_argument("--who")
    batch.add_argument("--why", help="why (default: 'imported from FILE')")
    batch.add_argument("--database-url", metavar="URL")
    batch.set_defaults(func=run, db_command="import")


def _choice(text: str) -> tuple[str, str]:
    record_id, _, side = text.partition("=")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record_id) or side not in ("theirs", "ours"):
        raise argparse.ArgumentTypeError(f"{text[:80]!r} is not ID=theirs or ID=ours")
    return record_id, side


def _date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date like 2026-12-01 or "
                                         "2026-12-01T09:30") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _who(args: argparse.Namespace) -> str:
    if getattr(args, "who", None):
        return args.who
    return os.environ.get("ATLAS_USER") or getpass.getuser()


def _label(args: argparse.Namespace) -> str:
    return "ca-atlas import" if args.db_command == "import" else f"ca-atlas db {args.db_command}"


def run(args: argparse.Namespace) -> int:
    from .errors import Invalid, ReleaseConflict, StoreError
    from .imports import ImportRefused

    try:
        return _run(args)
    except ImportRefused as exc:
        print(f"ca-atlas import: {len(exc.problems)} problem(s); nothing was imported:",
              file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(f"  ... and {len(exc.problems) - 200} more", file=sys.stderr)
        return EXIT_ERROR
    except ReleaseConflict as exc:
        print(f"ca-atlas db load: refused: {exc}", file=sys.stderr)
        return EXIT_CONFLICT
    except Invalid as exc:
        print(f"{_label(args)}: {len(exc.problems)} error(s):", file=sys.stderr)
        for problem in exc.problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except StoreError as exc:
        print(f"{_label(args)}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a database error is a message, not a traceback
        import sqlalchemy as sa

        if isinstance(exc, sa.exc.SQLAlchemyError):
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
            print(f"{_label(args)}: database error: {detail}", file=sys.stderr)
            return EXIT_ERROR
        if isinstance(exc, OSError):
            print(f"{_label(args)}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
        raise


def _run(args: argparse.Namespace) -> int:
    from .store import Store

    if args.db_command == "import":
        return _import(args)
    store = Store.open(args.database_url)
    try:
        command = args.db_command
        if command == "init":
            print(f"store ready: {store.status()['url']} (schema {store.status()['schema']})")
        elif command == "load":
            on_conflict = args.on_conflict
            if args.choose:
                on_conflict = {**dict(args.choose), **({"*": on_conflict} if on_conflict else {})}
            report = store.load(args.directory, _who(args),
                                args.why or f"release loaded from {args.directory}", on_conflict)
            print(report.summary())
        elif command == "dump":
            names = store.dump(args.directory)
            print(f"{len(names)} file(s) written to {args.directory}")
        elif command == "status":
            _print_status(store.status())
        elif command == "history":
            _print_history(store.history(args.record_id, who=args.who, since=args.since), args.json)
        elif command == "patch":
            sys.stdout.write(store.patch_since(args.since))
        return 0
    finally:
        store.close()


def _import(args: argparse.Namespace) -> int:
    from . import imports
    from .errors import StoreError
    from .history import check_who_why
    from .store import Store

    if args.template:
        print(f"template written: {imports.write_template(args.template)}")
        return 0
    if not args.file:
        raise StoreError("name the file to import (or --template FILE.csv for the template)")
    who, why = check_who_why(_who(args), args.why or f"imported from {os.path.basename(args.file)}")
    store = Store.open(args.database_url)
    try:
        preview = imports.run(store.engine, args.file, who, why, update=args.update,
                              dry_run=args.dry_run)
    finally:
        store.close()
    verb = ("would add", "would change") if args.dry_run else ("added", "changed")
    print(f"{preview.file}: {verb[0]} {len(preview.added)} project(s), {verb[1]} "
          f"{len(preview.changed)}" + ("" if args.dry_run else
                                       f"; store version {preview.store_version}"))
    for record_id in preview.added:
        print(f"  + {record_id}")
    for record_id, fields in preview.changed:
        print(f"  ~ {record_id}: {', '.join(fields)}")
    return 0


def _print_status(status: dict) -> None:
    print(f"store:   {status['url']} ({status['dialect']}, schema {status['schema']})")
    print(f"version: {status['version']}")
    loaded = status["loaded_at"]
    print(f"loaded:  {loaded:%Y-%m-%d %H:%M} UTC by {status['loaded_by']}" if loaded
          else "loaded:  never (ca-atlas db load DIR)")
    for kind, n in status["records"].items():
        print(f"  {kind.replace('_', ' ') + 's':11} {n['active']} active, {n['retired']} retired")
    print(f"edited since the last load: {status['edited_since_load']}")


def _print_history(changes: list, as_json: bool) -> None:
    if as_json:
        print(json.dumps([{**c.__dict__, "at": c.at.isoformat()} for c in changes],
                         ensure_ascii=False, indent=1))
        return
    if not changes:
        print("no changes")
    for c in changes:
        what = f"{c.kind} {c.record_id}" if c.record_id else "dataset"
        print(f"#{c.seq} {c.at:%Y-%m-%d %H:%M:%S} UTC {c.who}: {c.action} {what} "
              f"(v{c.record_version or '-'}) - {c.why}")
