"""Central Asia Investment Atlas: page config and navigation; nothing else."""

import streamlit as st

st.set_page_config(
    page_title="Central Asia Investment Atlas",
    page_icon="static/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("app_pages/investment.py", title="Investment", icon=":material/bar_chart:",
            url_path="investment"),
    st.Page("app_pages/corridors.py", title="Corridors", icon=":material/alt_route:",
            url_path="corridors"),
    st.Page("app_pages/risks.py", title="Risks", icon=":material/warning:", url_path="risks"),
    st.Page("app_pages/briefings.py", title="Briefings", icon=":material/slideshow:",
            url_path="present"),
    st.Page("app_pages/data.py", title="Data & sources", icon=":material/table:",
            url_path="data"),
    st.Page("app_pages/quality.py", title="Data quality", icon=":material/fact_check:",
            url_path="quality"),
    st.Page("app_pages/edit.py", title="Edit", icon=":material/edit:", url_path="edit"),
    st.Page("app_pages/import_projects.py", title="Import", icon=":material/upload_file:",
            url_path="import"),
    st.Page("app_pages/history.py", title="History", icon=":material/history:",
            url_path="history"),
]
st.navigation(pages, position="top").run()
