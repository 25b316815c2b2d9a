"""Tables of records for st.dataframe: text columns only (never rendered as HTML)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import exports, model


def projects_table(projects: pd.DataFrame) -> None:
    frame = exports.table(projects)
    frame["amount_usd_m"] = frame["amount_usd"] / 1e6
    frame["sector"] = frame["sector"].map(model.SECTORS)
    frame["status"] = frame["status"].map(model.PROJECT_STATUSES)
    frame["amount_measure"] = frame["amount_measure"].map(model.AMOUNT_MEASURES)
    frame["location_precision"] = frame["location_precision"].map(model.LOCATION_PRECISIONS)
    frame["confidence"] = frame["confidence"].map(model.CONFIDENCE)
    frame["first_source"] = projects["sources"].map(lambda s: s[0]["url"] if s else None).values
    shown = ["name", "country_name", "sector", "status", "investors", "amount_value",
             "amount_currency", "amount_measure", "amount_usd_m", "date_signed",
             "location_precision", "confidence", "first_source", "sources", "id"]
    st.dataframe(
        frame[shown], hide_index=True, width="stretch", height=420,
        column_config={
            "name": st.column_config.TextColumn("Project", width="large"),
            "country_name": "Country",
            "sector": "Sector",
            "status": "Status",
            "investors": st.column_config.TextColumn("Investors (country, role)", width="large"),
            "amount_value": st.column_config.NumberColumn("Amount as reported", format="%.0f"),
            "amount_currency": "Currency",
            "amount_measure": "Measures",
            "amount_usd_m": st.column_config.NumberColumn("US$ m", format="%.1f"),
            "date_signed": "Signed",
            "location_precision": "Location precision",
            "confidence": "Confidence",
            "first_source": st.column_config.LinkColumn("First source"),
            "sources": st.column_config.TextColumn("All sources", width="large"),
            "id": "Id",
        },
    )


def corridors_table(corridors: pd.DataFrame) -> None:
    frame = pd.DataFrame({
        "Corridor": corridors["name"],
        "Kind": corridors["kind"].map(model.CORRIDOR_KINDS),
        "Status": corridors["status"].map(model.CORRIDOR_STATUSES),
        "Route": corridors["node_names"].map(" → ".join),
        "Length km (geodesic)": corridors["length_km"].round(0),
        "Sources": corridors["sources"].map(lambda s: " ; ".join(x["url"] for x in s)),
    })
    st.dataframe(frame, hide_index=True, width="stretch")


def risks_table(risks: pd.DataFrame) -> None:
    frame = pd.DataFrame({
        "Risk": risks["title"],
        "Category": risks["category"].map(model.RISK_CATEGORIES),
        "Severity": risks["severity"].map(model.RISK_SEVERITIES),
        "Status": risks["status"].map(model.RISK_STATUSES),
        "Claim status": risks["claim_status"].map(model.CLAIM_STATUSES),
        "Since": risks["date_start"],
        "Sources": risks["sources"].map(lambda s: " ; ".join(x["url"] for x in s)),
    })
    st.dataframe(frame, hide_index=True, width="stretch")


def claims_table(claims: pd.DataFrame) -> None:
    frame = pd.DataFrame({
        "Claim": claims["claim"],
        "Status": claims["status"].map(model.CLAIM_STATUSES),
        "What the sources say": claims["finding"],
        "Sources": claims["sources"].map(lambda s: " ; ".join(x["url"] for x in s)),
    })
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"What the sources say": st.column_config.TextColumn(width="large")})
