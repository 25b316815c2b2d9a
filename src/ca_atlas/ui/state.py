"""Streamlit glue: the loaded atlas (cached, last good kept) and the view state in the URL."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import streamlit as st

from .. import assets, catalog, changes, served_files, snapshot, view
from ..atlas import Atlas
from ..model import DatasetError
from ..store import engine, serving
from ..store.errors import StoreError
from ..store.store import Store

_LOCK = threading.Lock()
#: The last dataset that passed validation, per data directory: served while a newer
#: version of the files fails, so a bad edit never takes the app down.
_LAST_GOOD: dict[str, Atlas] = {}


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=4)
def _load(data_dir: str, version: str) -> Atlas:
    """One validated atlas per (directory, content version); shared and read-only, and
    kept on disk for the next start (see ca_atlas.snapshot)."""
    source = "files-" + hashlib.sha256(os.path.realpath(data_dir).encode()).hexdigest()[:16]
    return snapshot.load_or_build(_snapshots(), source, version,
                                  lambda: catalog.load(data_dir))


def _snapshots() -> Path:
    return engine.state_dir() / "snapshots"


def dataset_versions() -> list[changes.Version]:
    """The dataset's recorded versions (a closed list: visitors pick, never type): the
    store's earlier days, or the git versions of the files."""
    if store_mode():
        return _store_versions(engine.default_url(), serving.current_version(store()))
    return _file_versions(str(data_dir()))


@st.cache_data(ttl=60, show_spinner=False)
def _file_versions(directory: str) -> list[changes.Version]:
    return changes.versions(directory)


@st.cache_data(show_spinner=False, max_entries=4)
def _store_versions(url: str, version: int) -> list[changes.Version]:
    return serving.versions(store())


@st.cache_resource(show_spinner="Loading the earlier version…", max_entries=4)
def _earlier(directory: str, commit: str) -> Atlas:
    return changes.load_revision(commit, directory)


@st.cache_resource(show_spinner="Loading the earlier version…", max_entries=4)
def _earlier_store(url: str, key: str, version: int) -> Atlas:
    return serving.earlier(store(), key)


def earlier_atlas(commit: str) -> Atlas:
    """The dataset at one of :func:`dataset_versions`."""
    if commit not in {v.commit for v in dataset_versions()}:
        raise ValueError("not one of the dataset's recorded versions")
    if store_mode():
        return _earlier_store(engine.default_url(), commit,
                              serving.current_version(store()))
    return _earlier(str(data_dir()), commit)


def data_dir() -> Path:
    return catalog.default_data_dir()


def store() -> Store:
    """The team's store, opened once per process and database (filled from the dataset
    files on its very first start). Raises :class:`StoreError` while it cannot be reached;
    the next run tries again."""
    return _open_store(engine.default_url(), str(data_dir()))


@st.cache_resource(show_spinner="Opening the team's store…", max_entries=4)
def _open_store(url: str, directory: str) -> Store:
    return serving.open_seeded(directory, url)


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=4)
def _load_store(url: str, version: int) -> Atlas:
    """One validated atlas per store and version; shared and read-only, and kept on disk
    for the next start (see ca_atlas.snapshot)."""
    source, key = serving.snapshot_key(store())
    return snapshot.load_or_build(_snapshots(), source, key,
                                  lambda: serving.atlas_from(store()))


def store_mode() -> bool:
    """True when the app serves (and edits) the team's store, not the files read-only."""
    return serving.mode() == "store"


def atlas() -> tuple[Atlas | None, DatasetError | StoreError | None]:
    """The atlas to serve, and what is wrong with the current data if anything.

    When the files on disk fail validation, or the store cannot be reached, the last good
    atlas of this process is returned beside the error; ``(None, error)`` only when
    nothing good was ever loaded.
    """
    if store_mode():
        url = engine.default_url()
        key = f"store:{url}"
        try:
            loaded = _load_store(url, serving.current_version(store()))
        except (DatasetError, StoreError) as exc:
            with _LOCK:
                return _LAST_GOOD.get(key), exc
    else:
        key = str(data_dir())
        try:
            loaded = _load(key, catalog.fingerprint(key))
        except DatasetError as exc:
            with _LOCK:
                return _LAST_GOOD.get(key), exc
    with _LOCK:
        _LAST_GOOD[key] = loaded
    return loaded, None


def store_unavailable() -> str | None:
    """Why edits cannot be made now (files mode, or the store out of reach), or None."""
    if not store_mode():
        return ("This atlas serves its dataset files read-only (ATLAS_STORE=files): edit "
                "the files and review them as a release.")
    try:
        serving.current_version(store())
    except StoreError as exc:
        return f"The team's store cannot be reached, so nothing can be saved now ({exc})."
    return None


def configure_assets() -> None:
    """Point folium at the vendored JS/CSS unless ``ATLAS_ASSETS=cdn`` asks for CDNs."""
    assets.configure_assets(os.environ.get("ATLAS_ASSETS", "local"))


def layer_files_path() -> str:
    """This app's path to the map layer files (:mod:`ca_atlas.served_files`), under
    Streamlit's ``server.baseUrlPath`` when one is set."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{served_files.PATH}" if base else served_files.PATH


def _current_params() -> dict[str, list[str]]:
    """The URL's query parameters, every value of each."""
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def view_state() -> tuple[view.ViewState, list[str]]:
    return view.from_params(_current_params())


def set_view_state(state: view.ViewState) -> None:
    """Write ``state`` to the URL when it differs from what the URL says."""
    params = state.to_params()
    normalised = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if normalised != _current_params():
        st.query_params.from_dict(params)


#: Parameters that follow the user from page to page: the filters and presenter mode.
CARRIED = {*view.FILTERS, "layers", "basemap", "present", "contrast"}


def carry_view_across_pages(page_id: str) -> None:
    """On arriving from another page with no parameters, bring the filters along."""
    previous = st.session_state.get("_view_page")
    st.session_state["_view_page"] = page_id
    remembered = st.session_state.get("_view_params")
    if previous not in (None, page_id) and not _current_params() and remembered:
        st.query_params.from_dict(remembered)


def remember_view() -> None:
    st.session_state["_view_params"] = {k: v for k, v in _current_params().items()
                                        if k in CARRIED}


def show_dataset_error(error: DatasetError | StoreError, serving_last_good: bool) -> None:
    """Tell the user which file, record and field is wrong (or that the store is out of
    reach), and what is being served."""
    if not hasattr(error, "problems"):  # the store is out of reach (an invalid release
        # it was filled from lists its problems like a dataset error)
        head = ("The team's store cannot be reached. "
                + ("The atlas keeps showing the data it last loaded, read-only; it reconnects "
                   "by itself." if serving_last_good else "There is no data to show yet."))
        with st.expander(head, expanded=not serving_last_good, icon="⚠️"):
            st.text(str(error)[:500])
        return
    errors = [p for p in error.problems if p.level == "error"]
    # Problems name files relative to the dataset directory; the server's own paths are
    # not shown to visitors (the operator runs `ca-atlas validate` for the full report).
    head = (f"The dataset failed validation ({len(errors)} error(s)). "
            + ("The atlas keeps showing the last version that passed."
               if serving_last_good else "There is no earlier good version to show."))
    with st.expander(head, expanded=not serving_last_good, icon="⚠️"):
        for problem in errors[:50]:
            st.text(str(problem))
        if len(errors) > 50:
            st.text(f"… and {len(errors) - 50} more; run `ca-atlas validate` for all of them.")
