"""The benchmark's baseline: a careful minimal Streamlit map of the same dataset.

What a competent 60-line app does, and nothing more: the projects loaded once and cached,
one GeoJSON layer of circles (canvas, coordinates rounded to 1e-4, only id and sector),
``returned_objects=[]`` so panning reruns nothing, and a sector selectbox. It uses the
vendored Leaflet (no network) as the atlas does. scripts/bench.py copies it into .bench/
beside a link to static/ and serves it with Streamlit's defaults; never shipped.
"""

import json
import os

import folium
import streamlit as st
from folium.utilities import JsCode
from streamlit_folium import st_folium

from ca_atlas import assets, catalog, model

st.set_page_config(page_title="Baseline map", layout="wide")
assets.configure_assets("local")
ALL = "All sectors"


@st.cache_resource
def projects(data_dir: str):
    p = catalog.load(data_dir).projects
    p = p[p["lat"].notna()]
    return p[["id", "sector", "lat", "lon"]].round({"lat": 4, "lon": 4})


@st.cache_data
def collection(data_dir: str, sector: str) -> dict:
    p = projects(data_dir)
    if sector != ALL:
        p = p[p["sector"] == sector]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"project_id": pid, "sector": sec}}
        for pid, sec, lat, lon in zip(p["id"], p["sector"], p["lat"], p["lon"], strict=True)]}


data_dir = os.environ.get("ATLAS_DATA_DIR", "data")
sector = st.selectbox("Sector", [ALL, *model.SECTORS], key="sector",
                      format_func=lambda k: model.SECTORS.get(k, k))
data = collection(data_dir, sector)
st.write(f"{len(data['features'])} projects")
m = folium.Map(location=(45.0, 66.5), zoom_start=5, tiles=None, prefer_canvas=True)
colors = json.dumps(model.SECTOR_COLORS)
folium.GeoJson(
    data, name="Projects",
    marker=folium.CircleMarker(radius=5, fill=True, weight=1, fill_opacity=0.8),
    on_each_feature=JsCode(f"function (f, layer) {{ const c = {colors}[f.properties.sector];"
                           " layer.setStyle({color: c, fillColor: c}); }"),
).add_to(m)
st_folium(m, key="map", height=640, use_container_width=True, returned_objects=[])
