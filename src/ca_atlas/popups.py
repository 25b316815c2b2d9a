"""HTML fragments describing one record (popups, side panels, exports).

Each fragment is assembled from escaped pieces only: record text through
:func:`ca_atlas.safe.text`, links through :func:`ca_atlas.safe.link`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from . import model, safe

_STYLE = "font:13px/1.4 system-ui,sans-serif;max-width:400px"


def sources_html(sources: Iterable[Mapping[str, Any]] | None) -> str:
    items = []
    for s in sources or []:
        label = s.get("publisher") or s.get("url")
        date = f" ({safe.text(s['date'])})" if s.get("date") else ""
        items.append(f"<li>{safe.link(s.get('url'), label)}{date}</li>")
    if not items:
        return "<p><em>No source listed.</em></p>"
    return '<ul style="margin:2px 0 0 16px;padding:0">' + "".join(items) + "</ul>"


def usd_text(value: float | None) -> str:
    """A dollar amount for people: $1.2bn, $350m, $24m; 'unknown' for None/NaN."""
    if value is None or value != value:
        return "unknown"
    if value >= 1e9:
        return f"${value / 1e9:,.2f}bn"
    if value >= 1e6:
        return f"${value / 1e6:,.1f}m"
    return f"${value:,.0f}"


def amount_text(value: float | None, currency: str | None) -> str:
    if value is None or value != value or not currency:
        return "unknown"
    if value >= 1e9:
        return f"{currency} {value / 1e9:,.3g}bn"
    if value >= 1e6:
        return f"{currency} {value / 1e6:,.4g}m"
    return f"{currency} {value:,.0f}"


def corridor_html(corridor: Any, segment: Any | None = None) -> str:
    """Popup for a corridor (``corridor`` is a row of ``atlas.corridors``)."""
    seg = ""
    if segment is not None:
        seg = (f"<p>Segment: {safe.text(segment.from_node)} – {safe.text(segment.to_node)}, "
               f"{safe.text(model.SEGMENT_MODES.get(segment.mode, segment.mode))}, "
               f"{segment.length_km:,.0f} km (geodesic)</p>")
    return (
        f'<div style="{_STYLE}"><b>{safe.text(corridor["name"])}</b>'
        f"<p>{safe.text(model.CORRIDOR_KINDS.get(corridor['kind']))} · "
        f"{safe.text(model.CORRIDOR_STATUSES.get(corridor['status']))} · "
        f"{corridor['length_km']:,.0f} km along its nodes</p>"
        f"<p>{safe.text(corridor['description'])}</p>{seg}"
        f"<b>Sources</b>{sources_html(corridor['sources'])}</div>"
    )


def risk_html(risk: Any) -> str:
    """Popup for a risk note (an itertuples row of ``atlas.risks``)."""
    claim = risk.claim or {}
    status = claim.get("status")
    against = claim.get("sources_against") or []
    claim_block = ""
    if claim:
        claim_block = (
            f"<p><b>Claim:</b> “{safe.text(claim.get('text'))}” — "
            f"<b>{safe.text(model.CLAIM_STATUSES.get(status, status))}</b></p>"
            f"<b>Sources for</b>{sources_html(claim.get('sources_for'))}"
            + (f"<b>Sources against</b>{sources_html(against)}" if against else "")
        )
    when = safe.text(risk.date_start) + (f" – {safe.text(risk.date_end)}" if risk.date_end else "")
    return (
        f'<div style="{_STYLE}"><b>{safe.text(risk.title)}</b>'
        f"<p>{safe.text(model.RISK_CATEGORIES.get(risk.category))} · severity "
        f"<b>{safe.text(model.RISK_SEVERITIES.get(risk.severity))}</b> · "
        f"{safe.text(model.RISK_STATUSES.get(risk.status))} · {when}</p>"
        f"<p>{safe.text(risk.description)}</p>"
        f"<p><i>Why this severity:</i> {safe.text(risk.severity_rationale)}</p>"
        f"{claim_block}<b>Sources</b>{sources_html(risk.sources)}</div>"
    )


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{safe.text(label)}</th><td>{value_html}</td></tr>"


def status_html(p: Mapping[str, Any], flag: str | None = None) -> str:
    """The status, since when a source gives it (linked), its earlier stages, and a flag
    such as 'status unconfirmed since 2019'."""
    text = safe.text(model.PROJECT_STATUSES[p["status"]])
    as_of, source = p.get("status_as_of"), p.get("status_source")
    if as_of:
        label = (source or {}).get("publisher") or "source"
        where = f" ({safe.link(source['url'], label)})" if source else ""
        text += f", as of {safe.text(as_of)}{where}"
    if flag:
        text += f"<br><b class='flag'>{safe.text(flag.capitalize())}</b>"
    stages = [s for s in (p.get("status_history") or []) if s["status"] != p["status"]]
    if stages:
        text += "<br><small>Earlier: " + "; ".join(
            f"{safe.text(model.PROJECT_STATUSES[s['status']].lower())} "
            f"{safe.link(s['url'], s['as_of'])}" for s in stages) + "</small>"
    return text


def _host(url: Any) -> str:
    """The site of a URL for a link's label ('www.jica.go.jp' -> 'jica.go.jp')."""
    try:
        host = urlparse(str(url)).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or "source"


def other_figures_html(figures: Iterable[Mapping[str, Any]] | None) -> str:
    """Other figures sources give for a project, each with what it measures, its year,
    its source (linked) and a note; empty when there are none."""
    items = []
    for f in figures or []:
        measure = model.AMOUNT_MEASURES.get(f.get("measure") or "", f.get("measure") or "")
        year = f", {safe.text(f['year'])}" if f.get("year") else ""
        note = f" — {safe.text(f['note'])}" if f.get("note") else ""
        items.append(f"<li>{safe.text(amount_text(f.get('value'), f.get('currency')))} "
                     f"<i>({safe.text(measure.lower())}{year})</i>, "
                     f"{safe.link(f.get('source'), _host(f.get('source')))}{note}</li>")
    if not items:
        return ""
    return '<ul style="margin:0;padding-left:1.1em">' + "".join(items) + "</ul>"


def project_html(p: Mapping[str, Any], corridor_names: Mapping[str, str] | None = None,
                 status_flag: str | None = None) -> str:
    """The full record of a project (a row of ``atlas.projects`` as a mapping)."""
    corridor_names = corridor_names or {}
    investors = "".join(
        f"<li>{safe.text(i['name'])} — {safe.text(model.country_name(i['country']))}, "
        f"{safe.text(model.INVESTOR_ROLES.get(i['role'], i['role']))}</li>"
        for i in p["investors"])
    if p["lat"] is not None and p["lat"] == p["lat"]:
        where = (f"{safe.text(p['place'] or '')} ({p['lat']:.2f}, {p['lon']:.2f}); precision: "
                 f"{safe.text(model.LOCATION_PRECISIONS[p['location_precision']])}")
    else:
        where = (f"{safe.text(p['place'] or 'no place given')}; location: "
                 f"{safe.text(model.LOCATION_PRECISIONS[p['location_precision']])}")
    measure = model.AMOUNT_MEASURES.get(p["amount_measure"] or "", "")
    if p["amount_value"] is not None and p["amount_value"] == p["amount_value"]:
        fx = ("" if p["amount_currency"] == "USD" else
              f" ≈ {safe.text(usd_text(p['amount_usd']))} at {safe.text(p['amount_year'])} "
              "average rates")
        amount = (f"{safe.text(amount_text(p['amount_value'], p['amount_currency']))}{fx} "
                  f"<i>({safe.text(measure.lower())})</i>")
    else:
        amount = "<i>unknown</i>"
    others = other_figures_html(p.get("other_figures"))
    dates = ", ".join(f"{k} {safe.text(p['date_' + k])}"
                      for k in ("announced", "signed", "start", "completion") if p["date_" + k])
    flags = ", ".join(safe.text(model.PROJECT_FLAGS[f]) for f in p["flags"]) or "—"
    corridors = ", ".join(safe.text(corridor_names.get(c, c)) for c in p["corridors"]) or "—"
    note = f"<p class='note'><b>Note:</b> {safe.text(p['note'])}</p>" if p["note"] else ""
    return (
        '<div class="atlas-record">'
        f"<h3>{safe.text(p['name'])}</h3>"
        f"<p>{safe.text(p['description'])}</p>"
        "<table>"
        + _row("Country", safe.text(model.country_name(p["country"])))
        + _row("Where", where)
        + _row("Sector", safe.text(model.SECTORS[p["sector"]]))
        + _row("Status", status_html(p, status_flag))
        + _row("Amount", amount)
        + (_row("Other figures", others) if others else "")
        + _row("Financing", safe.text(model.FINANCING_TYPES[p["financing_type"]]))
        + _row("Dates", dates or "<i>unknown</i>")
        + _row("Themes", flags)
        + _row("Corridors", corridors)
        + _row("Confidence", safe.text(model.CONFIDENCE[p["confidence"]]))
        + _row("Last verified", safe.text(p["last_verified"]))
        + "</table>"
        f"<b>Investors</b><ul>{investors}</ul>{note}"
        f"<b>Sources</b>{sources_html(p['sources'])}</div>"
    )


def citation(record: Mapping[str, Any], version: str, viewed: str) -> str:
    """A plain-text citation of a record: the atlas, its dataset version and the record."""
    return (f"Central Asia Investment Atlas, dataset version {version}, project "
            f"\"{record['name']}\" (id {record['id']}), viewed {viewed}; figures as reported "
            f"by the sources listed with the record.")
