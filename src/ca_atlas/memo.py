"""Values worked out once per shared, read-only object (a loaded dataset's frame, the
atlas, a file's bytes) and reused by every session. A leaf module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

_LOCK = threading.Lock()
_KEEP = 32  # entries: a few kinds x a few dataset versions
_CACHE: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()


def per_object(obj, name: str, build: Callable[[], Any], *extra) -> Any:
    """``build()``, computed once per (``obj``, ``name``, ``extra``) and reused.

    Keyed by the object's identity, checked against the object itself (an id can be
    reused once an object is gone, so it is kept alive here while cached): a reloaded or
    edited dataset never sees another's values. The result is shared: callers treat it
    as read-only.
    """
    key = (id(obj), name, *extra)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is obj:
            _CACHE.move_to_end(key)
            return hit[1]
    value = build()
    with _LOCK:
        _CACHE[key] = (obj, value)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _KEEP:
            _CACHE.popitem(last=False)
    return value
