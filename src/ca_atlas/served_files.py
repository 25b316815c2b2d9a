"""Files the served atlas answers from memory, named by their content's hash.

The map page's big layers (:mod:`ca_atlas.maps.layer_files`) are JSON the browser fetches
from ``<base path>/_atlas/layer/<sha256>.json`` and keeps: the name says what the file
holds, so it never changes (``ca_atlas.server.LayerFiles`` answers it). Files live in
this process only, oldest dropped first past :data:`MAX_BYTES`. A leaf module: no
streamlit, no folium.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict

#: Where the files are served, after the app's base URL path.
PATH = "/_atlas/layer/"
#: A file's name: its content's SHA-256 in lower-case hex, then ``.json``.
NAME = re.compile(r"^([0-9a-f]{64})\.json$")
#: Bytes kept per process (a few bases x themes x dataset versions fit many times over).
MAX_BYTES = 128 * 1024 * 1024

_LOCK = threading.Lock()
_FILES: OrderedDict[str, bytes] = OrderedDict()
_SIZE = {"bytes": 0}
# what was serialised -> (the objects it was made of, sha, size): the frames' GeoJSON is
# shared and read-only, so each is serialised once (kept alive here, so that their ids
# cannot name other objects later; as memo.per_object does)
_DIGESTS: OrderedDict[tuple, tuple[tuple, str]] = OrderedDict()
_KEEP_DIGESTS = 64


def publish(data: dict | list, parts: tuple | None = None) -> tuple[str, int]:
    """Keep ``data`` as JSON; its file's hash and size in bytes.

    ``parts``: the shared, read-only objects ``data`` is made of (a layer's features, each
    reused from run to run though the collection around them is new): the same parts are
    not serialised again. Without them, ``data`` itself is the part.
    """
    parts = (data,) if parts is None else parts
    key = tuple(map(id, parts))
    with _LOCK:
        hit = _DIGESTS.get(key)
        if hit is not None and hit[1] in _FILES and all(
                a is b for a, b in zip(hit[0], parts, strict=True)):
            _DIGESTS.move_to_end(key)
            _FILES.move_to_end(hit[1])
            return hit[1], len(_FILES[hit[1]])
    body = json.dumps(data, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
    sha = hashlib.sha256(body).hexdigest()
    with _LOCK:
        if sha not in _FILES:
            _FILES[sha] = body
            _SIZE["bytes"] += len(body)
        _FILES.move_to_end(sha)
        while _SIZE["bytes"] > MAX_BYTES and len(_FILES) > 1:
            _, dropped = _FILES.popitem(last=False)
            _SIZE["bytes"] -= len(dropped)
        _DIGESTS[key] = (parts, sha)
        _DIGESTS.move_to_end(key)
        while len(_DIGESTS) > _KEEP_DIGESTS:
            _DIGESTS.popitem(last=False)
    return sha, len(body)


def payload(name: str) -> bytes | None:
    """The file called ``name`` (``<sha256>.json``), if this process keeps it."""
    match = NAME.match(name)
    if match is None:
        return None
    with _LOCK:
        return _FILES.get(match.group(1))
