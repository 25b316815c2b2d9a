"""What the server makes ready at start, before it answers anyone (``serve.py``'s lifespan).

- The store opened, and filled from the dataset files if this is its very first start.
- The dataset loaded into this process's cache: from its snapshot, else built and the
  snapshot written.
- The map page's modules imported, and what its map keeps per dataset made (the project
  features, the corridors and risk notes of the base, the layer files).

The first visitor after a deploy or a restart then waits for none of it, and a proxy
that asks ``/_stcore/health`` or ``/_atlas/ready`` sends nobody to a replica still
loading. Whatever fails is only told in the server's log, in one line with no secret: the
first page shows it as it would have anyway, and its run tries again. A store that does
not answer :func:`ca_atlas.readiness.check` (bounded in time) is not waited for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .. import query, readiness, view
from ..atlas import Atlas
from ..model import DatasetError
from ..store.errors import StoreError
from . import state


def prepare() -> str:
    """Make the server ready (see the module's docstring); a line for the server's log."""
    started = time.perf_counter()
    reason = readiness.check()
    if reason is not None:
        return f"not made ready at start: the store does not answer ({reason})"
    try:
        with _outside_a_session():
            loaded, error = state.atlas()
            if loaded is not None:
                _map_page(loaded)
    except Exception as exc:  # noqa: BLE001 - told in the log; pages report it themselves
        # only the kind: a driver's message may carry what the log must not
        return f"not made ready at start ({type(exc).__name__}); the first page tells why"
    took = time.perf_counter() - started
    if loaded is None:
        return f"no dataset to serve yet ({took:.1f} s): {_line(error)}"
    line = f"{len(loaded.projects)} projects ({loaded.version}) ready in {took:.1f} s"
    return line + (f"; the current data fails: {_line(error)}" if error else "")


def _line(error: DatasetError | StoreError | None) -> str:
    """The error as pages show it, on one line of at most 300 characters."""
    return " ".join(str(error).split())[:300]


def _map_page(atlas: Atlas) -> None:
    """The map page's first view and one filtered view, built once and thrown away: what
    it keeps per dataset stays (memoised), its modules are imported, and what pandas and
    Arrow set up on the first filter of a process (tens of milliseconds) is done."""
    # not streamlit_folium: a component declared before Streamlit's runtime runs is not
    # registered with it, and the page would find no component to load
    from .. import maps
    from . import briefing_draft, details  # noqa: F401 - the page's own

    default = view.ViewState()
    maps.base_map(atlas, basemap=default.basemap, reference=True,
                  layers_from=state.layer_files_path())
    maps.view_layers(atlas, query.apply(atlas, default), default, reference=True)
    if len(atlas.projects):
        narrowed = view.ViewState(sectors=(str(atlas.projects["sector"].iloc[0]),))
        maps.view_layers(atlas, query.apply(atlas, narrowed), narrowed, reference=True)


@contextmanager
def _outside_a_session() -> Iterator[None]:
    """Streamlit warns on each cached call made outside a session; at start that is
    expected, so the warning is not logged."""
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
