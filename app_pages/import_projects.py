"""Import: a batch of projects from CSV, XLSX or GeoJSON, checked whole before anything is
written, then written in one transaction (all or nothing)."""

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from ca_atlas import safe
from ca_atlas.access import NotAllowed
from ca_atlas.store import imports, serving
from ca_atlas.store.errors import StoreError
from ca_atlas.store.imports import ImportRefused
from ca_atlas.ui import editor, page

ctx = page.start("import", sidebar_filters=False)
curation = editor.curation_page(ctx.person, "Import projects", "import")

st.markdown(
    "Upload a spreadsheet of projects: one row per project, columns named as in the "
    "template. Lists go in one cell: investors as `name | country | role` and sources as "
    "`url | publisher | date`, entries separated by `;`. The whole file is checked first; "
    "every problem is listed with its row and column, and nothing is written until the "
    "file is clean.")
st.download_button("Download the template (CSV, one example row)",
                   data=imports.template_csv(), file_name="atlas-projects-template.csv",
                   mime="text/csv", key="template-download")
upload = st.file_uploader("File to import", type=["csv", "xlsx", "geojson"],
                          key="import-file", help="CSV, XLSX or GeoJSON, up to 50 MB.")
update = st.toggle("Also change projects that already exist (matched by id)",
                   key="import-update")
if upload is None:
    st.stop()

data = upload.getvalue()
# The file goes to a private folder under a name of our own: nothing typed or uploaded
# names a path. Its suffix comes from a closed set.
suffix = Path(upload.name).suffix.lower()
if suffix not in (".csv", ".xlsx", ".geojson"):
    st.error("Only CSV, XLSX and GeoJSON files are imported.")
    st.stop()
shown_name = upload.name[:120]


def _run(why: str, dry_run: bool):
    with tempfile.TemporaryDirectory(prefix="atlas-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return curation.import_batch(path, why, update=update, dry_run=dry_run)


def _problems_table(problems) -> pd.DataFrame:
    return pd.DataFrame([{"file": shown_name, "row": p.row, "column": p.column or "",
                          "problem": p.message} for p in problems],
                        columns=["file", "row", "column", "problem"])


digest = hashlib.sha256(data).hexdigest()[:16]
# The check runs once per file, choice and store version, not on every rerun.
check_key = (digest, update, serving.current_version(curation.store))
held = st.session_state.get("_import_check")
if held is None or held[0] != check_key:
    try:
        outcome = _run("", dry_run=True)
    except (StoreError, NotAllowed) as exc:  # ImportRefused is a StoreError
        outcome = exc
    st.session_state["_import_check"] = held = (check_key, outcome)
preview = held[1]
if isinstance(preview, ImportRefused):
    st.error(f"{len(preview.problems)} problem(s) in {safe.markdown(shown_name)}: nothing was "
             "imported. Fix them and upload the file again.", icon="⚠️")
    st.dataframe(_problems_table(preview.problems), hide_index=True, width="stretch")
    st.stop()
if isinstance(preview, Exception):
    st.error(safe.markdown(str(preview)[:600]))
    st.stop()

st.success(f"{safe.markdown(shown_name)} is clean: {len(preview.added)} project(s) to add, "
           f"{len(preview.changed)} to change.", icon=":material/check_circle:")
rows = ([{"id": i, "what": "add", "fields": ""} for i in preview.added]
        + [{"id": i, "what": "change", "fields": ", ".join(f)} for i, f in preview.changed])
st.dataframe(pd.DataFrame(rows, columns=["id", "what", "fields"]), hide_index=True,
             width="stretch")
if not rows:
    st.stop()
why = st.text_input("Why this import *", key=f"import-why-{digest}", max_chars=editor.MAX_WHY,
                    placeholder="e.g. EBRD project list of November 2026")
if st.button(f"Import {len(rows)} project(s)", key=f"import-go-{digest}", type="primary",
             disabled=not why.strip()):
    try:
        done = _run(why, dry_run=False)
    except ImportRefused as exc:  # the store changed since the check
        st.error(f"{len(exc.problems)} problem(s): nothing was imported.")
        st.dataframe(_problems_table(exc.problems), hide_index=True, width="stretch")
    except (StoreError, NotAllowed) as exc:
        st.error(safe.markdown(str(exc)[:600]))
    else:
        editor.flash(f"Imported {len(done.added)} new and {len(done.changed)} changed "
                     f"project(s) from {shown_name} as store version {done.store_version}.")
        st.rerun()
