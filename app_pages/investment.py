"""Investment by country, sector, investor and year; a selection in a chart narrows the filters."""

import streamlit as st

from ca_atlas import charts, model, summaries
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
subtitle = summaries.measure_subtitle(projects)

head = summaries.headline(view.projects)
cols = st.columns(5)
cols[0].metric("Projects", head.projects)
cols[1].metric("With a known amount", head.with_amount)
cols[2].metric("Sum of chosen figures", usd_text(float(projects["amount_usd"].sum())))
cols[3].metric("Countries", head.countries)
cols[4].metric("Sectors", head.sectors)
st.caption(caption + " Click a bar to narrow the filters to it (the chart toolbar also has a box select).")

left, right = st.columns(2)
with left:
    fig = charts.country_sector_chart(summaries.by_country_sector(projects), subtitle)
    chart_select.plotly(fig, "country_sector", view_state)
with right:
    fig = charts.japan_vs_others_chart(summaries.japan_vs_others(projects), subtitle)
    chart_select.plotly(fig, "japan_vs_others", view_state)
left, right = st.columns(2)
with left:
    fig = charts.by_year_chart(summaries.by_year(projects), subtitle)
    chart_select.plotly(fig, "by_year", view_state)
with right:
    fig = charts.by_status_chart(summaries.by_status(view.projects))
    chart_select.plotly(fig, "by_status", view_state)
fig = charts.top_investors_chart(summaries.top_investors(projects, view.investors))
chart_select.plotly(fig, "top_investors", view_state)
