"""The served atlas: Streamlit's app (app.py) behind the atlas's HTTP policy.

``streamlit run serve.py`` (what ``make run`` does) finds ``app`` here and serves it with
the settings in .streamlit/config.toml; see ca_atlas.server for what the policy adds, and
ca_atlas.readiness for ``/_atlas/ready`` (200 when the store answers, 503 otherwise).
``/_atlas/layer/<sha256>.json`` serves the map's big layers (ca_atlas.maps.layer_files).

At start, before the server answers anything (``/_stcore/health`` included), the store
is opened (and filled from the dataset files on its very first start) and the dataset
loaded into the process's cache, with what the map page keeps per dataset
(ca_atlas.ui.warmup): the first visitor after a deploy waits for none of it, and a proxy
sends nobody to a replica still loading.
"""

import asyncio
import contextlib

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from ca_atlas.readiness import Readiness
from ca_atlas.server import LayerFiles, SecurityHeaders


@contextlib.asynccontextmanager
async def prepared(_app):
    from ca_atlas.ui import warmup

    line = await asyncio.to_thread(warmup.prepare)
    get_logger("ca_atlas").info("atlas: %s", line)  # Streamlit's format and level
    yield


app = st.App("app.py", lifespan=prepared,
             middleware=[Middleware(SecurityHeaders), Middleware(Readiness),
                         Middleware(LayerFiles)])
