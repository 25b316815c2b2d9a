"""Code the store tests run in other processes (importable by multiprocessing's spawn)."""

from __future__ import annotations

import copy
import os
import re
import sys
import time


def count_of(document: dict) -> int:
    match = re.fullmatch(r"count (\d+)", document.get("note") or "")
    return int(match.group(1)) if match else 0


def save_many(url: str, record_id: str, successes: int, who: str) -> tuple[int, int, list[str]]:
    """Increment the record's counter ``successes`` times, each from a fresh read: a save
    over a stale version must raise Conflict (then read again and retry). Returns
    (saves, conflicts, other errors)."""
    from ca_atlas.store import Conflict, Store

    store = Store.open(url, init=False)
    saves = conflicts = 0
    other: list[str] = []
    try:
        while saves < successes and len(other) < 5:
            record = store.get("project", record_id)
            document = copy.deepcopy(record.document)
            document["note"] = f"count {count_of(document) + 1}"
            try:
                store.save("project", document, record.version, who, "count up")
            except Conflict:
                conflicts += 1
            except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
                other.append(f"{type(exc).__name__}: {exc}")
            else:
                saves += 1
    finally:
        store.close()
    return saves, conflicts, other


def load_and_hang(url: str, directory: str, marker: str, after: int) -> None:
    """Load ``directory`` but stop inside the transaction after ``after`` record writes:
    write ``marker`` and sleep until killed."""
    from ca_atlas.store import Store, release

    real = release._apply_record
    calls = [0]

    def slow(conn, values, exists):
        real(conn, values, exists)
        calls[0] += 1
        if calls[0] == after:
            with open(marker, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
            time.sleep(120)

    release._apply_record = slow
    store = Store.open(url, init=False)
    store.load(directory, "killed-writer", "a load that is killed")


def import_and_hang(url: str, path: str, marker: str, after: int) -> None:
    """Import ``path`` but stop inside the transaction after ``after`` logged records."""
    from ca_atlas.store import Store, history, imports

    real = history.log
    calls = [0]

    def slow(*args, **kwargs):
        real(*args, **kwargs)
        calls[0] += 1
        if calls[0] == after:
            with open(marker, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
            time.sleep(120)

    history.log = slow
    store = Store.open(url, init=False)
    imports.run(store.engine, path, "killed-writer", "an import that is killed")


if __name__ == "__main__":
    job = {"load": load_and_hang, "import": import_and_hang}[sys.argv[1]]
    job(*sys.argv[2:5], int(sys.argv[5]))
