"""History: every change to the team's dataset with who, when and why; revert one; the
changes since a date as a patch of the files for review."""

import datetime as dt

import pandas as pd
import streamlit as st

from ca_atlas import model
from ca_atlas.store import history
from ca_atlas.ui import editor, page

ctx = page.start("history", sidebar_filters=False)
curation = editor.curation_page(ctx.person, "History of the dataset")
store = curation.store

everything = store.history()
people = sorted({c.who for c in everything}, key=str.casefold)
records = sorted({c.record_id for c in everything if c.record_id})
left, middle, right = st.columns(3)
person = left.selectbox("Person", [None, *people], format_func=lambda p: p or "Everyone")
record_id = middle.selectbox("Record", [None, *records],
                             format_func=lambda r: r or "Every record")
first = min((c.at for c in everything), default=dt.datetime.now(dt.UTC)).date()
since = right.date_input("Since", value=first, max_value=dt.date.today() + dt.timedelta(days=1))
since_at = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
shown = [c for c in everything if (person is None or c.who == person)
         and (record_id is None or c.record_id == record_id) and c.at >= since_at]
shown.reverse()  # newest first

ACTIONS = {"add": "added", "change": "changed", "retire": "retired", "restore": "restored",
           "revert": "reverted", "load": "release loaded"}
rows = [{"#": c.seq, "when (UTC)": f"{c.at:%Y-%m-%d %H:%M}", "who": c.who,
         "what": ACTIONS.get(c.action, c.action),
         "record": (f"{model.EDIT_KINDS.get(c.kind, c.kind or '')} {c.record_id}"
                    if c.record_id else "the dataset"),
         "fields": (", ".join(history.fields_changed(c)) if c.before or not c.record_id
                    else "new record"), "why": c.why} for c in shown]
st.caption(f"{len(shown)} of {len(everything)} change(s), newest first.")
st.dataframe(pd.DataFrame(rows, columns=["#", "when (UTC)", "who", "what", "record", "fields",
                                         "why"]),
             hide_index=True, width="stretch", height=min(420, 38 + 35 * max(1, len(rows))))

revertible = [c for c in shown if c.record_id is not None and curation.may_revert(c)]
if revertible:
    st.markdown("#### Revert a change")
    by_seq = {c.seq: c for c in revertible}
    seq = st.selectbox("Change", list(by_seq), format_func=lambda s: (
        f"#{s} {by_seq[s].at:%Y-%m-%d %H:%M} {by_seq[s].who}: "
        f"{ACTIONS.get(by_seq[s].action, by_seq[s].action)} {by_seq[s].record_id}"))
    change = by_seq[seq]
    fields = history.fields_changed(change)
    before = (change.before or {}).get("document") or {}
    after = (change.after or {}).get("document") or {}
    if fields:
        st.dataframe(pd.DataFrame(
            [{"field": f, "before": editor.cell(before.get(f)), "after": editor.cell(after.get(f))}
             for f in fields if f != "retired"], columns=["field", "before", "after"]),
            hide_index=True, width="stretch")
    editor.record_action(f"revert-{seq}", "Why revert it", "Revert this change",
                         lambda why: curation.revert(seq, why),
                         f"Reverted change #{seq}; the revert is itself in the history.")

st.markdown("#### Changes for review")
# A loaded release is already a reviewed set of files: the patch starts after the last one.
loads = [c.at for c in everything if c.action == "load"]
patch_from = max([since_at, *(t + dt.timedelta(microseconds=1) for t in loads[-1:])])
st.caption(f"The changes made in the store since {patch_from:%Y-%m-%d %H:%M} UTC (the date "
           "above, or the last release loaded if that is later) as a patch of the dataset "
           "files: apply it to data/ in the repository, review it as a diff, and commit it as "
           "the next release.")
st.download_button("Download the patch", data=lambda: store.patch_since(patch_from),
                   file_name=f"atlas-changes-since-{patch_from:%Y-%m-%d}.patch",
                   mime="text/x-diff", key="patch-download")
