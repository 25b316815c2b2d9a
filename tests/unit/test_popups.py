"""Record HTML: every field shown, unknowns said, hostile text and URLs defused."""

from ca_atlas import popups


def record(mini_atlas, pid):
    return mini_atlas.projects.set_index("id", drop=False).loc[pid].to_dict()


def test_project_record_shows_amount_as_reported_and_in_usd(mini_atlas):
    html = popups.project_html(record(mini_atlas, "uz-tashkent-cogeneration"))
    assert "JPY 12bn ≈ &#36;100.0m at 2015 average rates" in html  # $ is escaped
    assert "<i>(loan amount)</i>" in html
    assert 'href="https://www.jica.go.jp/english/news/press/2015/151026_02.html"' in html
    assert "City or town" in html


def test_unknown_amount_is_said(mini_atlas):
    p = record(mini_atlas, "kg-naryn-bridge")
    p["amount_value"] = None
    assert "<td><i>unknown</i></td>" in popups.project_html(p)


def test_hostile_text_and_urls_in_a_record(mini_atlas):
    p = record(mini_atlas, "kg-naryn-bridge")
    p["name"] = "<script>alert(1)</script>"
    p["sources"] = [{"url": "javascript:alert(1)", "publisher": "<b>x</b>", "date": None}]
    html = popups.project_html(p)
    assert "<script>" not in html and "javascript:" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;" in html


def test_usd_text():
    assert popups.usd_text(None) == "unknown"
    assert popups.usd_text(float("nan")) == "unknown"
    assert popups.usd_text(2.5e9) == "$2.50bn"
    assert popups.usd_text(24.34e6) == "$24.3m"


def test_citation_names_version_record_and_date(mini_atlas):
    text = popups.citation(record(mini_atlas, "kg-naryn-bridge"), "abc123", "2026-11-29")
    assert text.startswith("Central Asia Investment Atlas, dataset version abc123, project ")
    assert "(id kg-naryn-bridge), viewed 2026-11-29" in text
