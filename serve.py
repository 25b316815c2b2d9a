"""The served atlas: Streamlit's app (app.py) behind the atlas's HTTP policy.

``streamlit run serve.py`` (what ``make run`` does) finds ``app`` here and serves it with
the settings in .streamlit/config.toml; see ca_atlas.server for what the policy adds, and
ca_atlas.readiness for ``/_atlas/ready`` (200 when the store answers, 503 otherwise).
``/_atlas/layer/<sha256>.json`` serves the map's big layers (ca_atlas.maps.layer_files).
"""

import streamlit as st
from starlette.middleware import Middleware

from ca_atlas.readiness import Readiness
from ca_atlas.server import LayerFiles, SecurityHeaders

app = st.App("app.py", middleware=[Middleware(SecurityHeaders), Middleware(Readiness),
                                     Middleware(LayerFiles)])
