"""Values worked out once per shared, read-only object (a loaded dataset's frame, the
atlas, a file's bytes) and reused by every session. A leaf module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Recent:
    """The last ``keep`` values worked out, each for one object (kept alive with it)."""

    def __init__(self, keep: int):
        self.keep = keep
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()

    def get(self, obj, name: str, build: Callable[[], Any], *extra) -> Any:
        key = (id(obj), name, *extra)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] is obj:
                self._cache.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            self._cache[key] = (obj, value)
            self._cache.move_to_end(key)
            while len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        return value


_DATASETS = Recent(keep=32)  # entries: a few kinds x a few dataset versions
_VIEWS = Recent(keep=8)  # a few views' frames, which it keeps alive


def per_object(obj, name: str, build: Callable[[], Any], *extra) -> Any:
    """``build()``, computed once per (``obj``, ``name``, ``extra``) and reused.

    Keyed by the object's identity, checked against the object itself (an id can be
    reused once an object is gone, so it is kept alive here while cached): a reloaded or
    edited dataset never sees another's values. The result is shared: callers treat it
    as read-only.
    """
    return _DATASETS.get(obj, name, build, *extra)


def per_view(frame, name: str, build: Callable[[], Any], *extra) -> Any:
    """As :func:`per_object`, for a view's frame (``ca_atlas.query.apply`` gives a view
    shown before the same frames): only the last few are kept, so that views' frames do
    not stay alive here, nor push the datasets' values out."""
    return _VIEWS.get(frame, name, build, *extra)
