"""Building many long-lived objects at once without the cyclic collector's full passes.

A dataset load (or a store filled from the files) makes millions of objects that all stay
alive. While it runs, Python's cyclic garbage collector starts a full pass each time the
heap has grown by a quarter, walking every object already made: at 10,000 projects that
was a tenth of a load from the files and a third of one from the store, and in a server
process already holding a dataset, 130-250 ms per pass. :func:`bulk_build` turns the
collector off for the duration (reference counting still frees what the build drops) and
back on after; the next ordinary collection finds any cycle the build left. A leaf module.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_STATE = {"depth": 0, "was_enabled": False}


@contextmanager
def bulk_build() -> Iterator[None]:
    """The cyclic collector off while the block runs; on again (if it was on before the
    first of several overlapping blocks, in any thread) once the last one ends, also when
    it raises."""
    with _LOCK:
        if _STATE["depth"] == 0:
            _STATE["was_enabled"] = gc.isenabled()
            gc.disable()
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["was_enabled"]:
                gc.enable()
