"""The Tokyo summit ledger as a headline panel."""

from __future__ import annotations

import streamlit as st

from .. import catalog, charts, model, popups, safe, summit
from ..atlas import Atlas


def _count_text(row: dict | None) -> str:
    """'> 150', '158', or for a tally with only a value in money '> US$12.0bn'."""
    if not row:
        return "unknown"
    parts = []
    if row.get("value") is not None:
        qualifier = "> " if row.get("qualifier") == "more than" else ""
        parts.append(f"{qualifier}{row['value']:,}")
    amount = row.get("amount")
    if isinstance(amount, dict) and amount.get("value") is not None:
        qualifier = "> " if amount.get("qualifier") == "more than" else ""
        parts.append(f"worth {qualifier}{popups.amount_text(amount['value'], amount.get('currency'))}")
    return " ".join(parts) or "not given"


def disabled_notice(atlas: Atlas) -> bool:
    """A short note in place of the panel when the ledger's file has errors; True if so."""
    part = next((d for d in catalog.disabled_parts(atlas) if d.part == "summit"), None)
    if part is None:
        return False
    more = f" (and {len(part.problems) - 1} more)" if len(part.problems) > 1 else ""
    st.warning(f"The Tokyo summit panel is hidden: {safe.markdown(part.file)} has errors. "
               f"The first: {safe.markdown(part.messages[0])}{more}. The rest of the page "
               "is unaffected; `ca-atlas validate` lists every error.", icon="⚠️")
    return True


def render(atlas: Atlas) -> None:
    ledger = atlas.summit
    if ledger is None:
        disabled_notice(atlas)
        return
    target = ledger.target()
    tracked = summit.tracked(atlas.projects)
    st.markdown("#### The Tokyo summit, 19–20 December 2025")
    cols = st.columns(4)
    if target and target.get("value") is not None:
        usd = target.get("usd_reported")
        cols[0].metric("Business target, 5 years", f"¥{target['value'] / 1e12:g} trillion",
                       help=(f"About US${usd / 1e9:g}bn as the press converted it. "
                             if usd is not None else "")
                       + "A target for business projects, not committed money.")
    cols[1].metric("Documents signed", _count_text(ledger.count("documents-over-150")),
                   help="The Japanese prime minister's figure.")
    cols[2].metric("Deals counted by Jiji", _count_text(ledger.count("deals-158-jiji")))
    cols[3].metric("Summit projects tracked here", tracked["projects"],
                   help=f"{tracked['with_amount']} with a known amount: "
                        f"{popups.usd_text(tracked['usd'])} of mixed kinds.")
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.summit_chart(target.get("usd_reported") if target else None,
                                            tracked["by_measure"]),
                        width="stretch", key="summit-chart")
        st.caption(safe.markdown(ledger.note))
    with right, st.expander("Counts, priorities and initiatives, with sources"):
        rows = []
        for c in ledger.counts:
            where = model.country_name(c["country"]) if c.get("country") else c.get("scope", "")
            rows.append(f"<li><b>{safe.text(where)}</b>: {safe.text(_count_text(c))} "
                        f"{safe.text(c.get('unit', ''))}{popups.sources_html(c.get('sources'))}"
                        "</li>")
        st.html("<b>Counts</b><ul>" + "".join(rows) + "</ul>")
        items = [f"<li><b>{safe.text(p.get('name'))}</b>: {safe.text(p.get('summary'))}"
                 f"{popups.sources_html(p.get('sources'))}</li>"
                 for p in [*ledger.priorities, *ledger.initiatives]]
        st.html("<b>Priorities and initiatives</b><ul>" + "".join(items) + "</ul>")
