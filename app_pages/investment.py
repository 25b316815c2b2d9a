"""Investment by country, sector, investor and year; a selection in a chart narrows the filters."""

import streamlit as st

from ca_atlas import chart_kinds, model, summaries
from ca_atlas.popups import usd_text
from ca_atlas.ui import chart_select, page, summit_panel

ctx = page.start("investment")
atlas, view_state, view = ctx.atlas, ctx.state, ctx.view

st.markdown("### Investment")
summit_panel.render(atlas)
st.divider()
st.markdown("#### Investment in the current view")
present = [m for m in model.AMOUNT_MEASURES if m in set(atlas.projects["amount_measure"].dropna())]
measures = chart_select.measures_filter(view_state, present)
projects = summaries.with_measures(view.projects, measures)
caption = summaries.measure_caption(projects)

head = summaries.headline(view.projects)
cols = st.columns(5)
cols[0].metric("Projects", head.projects)
cols[1].metric("With a known amount", head.with_amount)
cols[2].metric("Sum of chosen figures", usd_text(float(projects["amount_usd"].sum())))
cols[3].metric("Countries", head.countries)
cols[4].metric("Sectors", head.sectors)
st.caption(caption + " Click a bar to narrow the filters to it (the chart toolbar also has a box select).")

chart_input = chart_kinds.ChartInput(atlas, view.projects, view.investors, tuple(measures))
for row in chart_kinds.investment_rows():
    for column, key in zip(st.columns(len(row)), row, strict=True):
        with column:
            chart_select.plotly(chart_kinds.figure(key, chart_input), key, view_state)
