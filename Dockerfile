# Central Asia Investment Atlas for a shared server. Assets are vendored at build time,
# so the running container needs no internet.
FROM python:3.11-slim AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /venv && /venv/bin/pip install --quiet -r requirements.lock \
    && /venv/bin/pip install --quiet --no-deps .
COPY scripts/vendor_assets.sh ./scripts/vendor_assets.sh
RUN bash scripts/vendor_assets.sh

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 atlas \
    && mkdir -p /var/lib/atlas && chown atlas:atlas /var/lib/atlas
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=atlas:atlas app.py serve.py ./
COPY --chown=atlas:atlas app_pages ./app_pages
COPY --chown=atlas:atlas .streamlit ./.streamlit
COPY --chown=atlas:atlas data ./data
COPY --from=build --chown=atlas:atlas /app/static ./static
COPY --chown=atlas:atlas static/favicon.png ./static/favicon.png
USER atlas
ENV PATH=/venv/bin:$PATH \
    ATLAS_DATA_DIR=/app/data \
    ATLAS_STATE_DIR=/var/lib/atlas \
    CA_ATLAS_VENDOR_DIR=/app/static/vendor \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0
EXPOSE 8501
# The embedded store (when ATLAS_DATABASE_URL is not set) lives here: keep it on a volume.
VOLUME /var/lib/atlas
# Liveness: Streamlit's own health. Readiness, which includes the store, is /_atlas/ready
# (docker-compose.yml checks that one).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STREAMLIT_SERVER_PORT', '8501') + '/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "serve.py"]
