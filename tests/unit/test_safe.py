"""Hostile strings through the one escaping helper, in HTML and JS contexts."""

import json

import pytest

from ca_atlas import safe

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "`; alert(1); `",
    "${alert(1)}",
    "\\`${alert(1)}",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "</div><svg onload=alert(1)>",
    "{{ 7*7 }}",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_leaves_no_markup_or_template_syntax(value):
    out = safe.text(value)
    for char in "<>\"'`$\\{}":
        assert char not in out, f"{char!r} survived in {out!r}"


@pytest.mark.parametrize("value", HOSTILE)
def test_text_is_safe_inside_a_js_template_literal(value):
    # What folium.Tooltip does: `<div>${text}</div>` inside backticks.
    out = safe.text(value)
    literal = f"`<div>{out}</div>`"
    assert literal.count("`") == 2
    assert "${" not in literal


def test_text_keeps_ordinary_text_readable():
    assert safe.text("Tashkent – Termez (¥18,067m)") == "Tashkent – Termez (¥18,067m)"
    assert safe.text("AT&T") == "AT&amp;T"
    assert safe.text(None) == ""
    assert safe.text(42) == "42"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox", "/relative/path", "//evil.example/x", "http://", "https://a b.com/",
    None, 7,
])
def test_url_refuses_anything_but_http(url):
    assert safe.url(url) is None


def test_url_escapes_quotes_in_http_urls():
    out = safe.url('https://example.org/a"onmouseover="x')
    assert out is not None and '"' not in out


def test_link_with_unsafe_url_is_plain_text():
    out = safe.link("javascript:alert(1)", "<b>click</b>")
    assert "<a" not in out and "&lt;b&gt;click&lt;/b&gt;" == out


def test_link_opens_in_new_tab_without_opener():
    out = safe.link("https://www.jica.go.jp/english/", "JICA")
    assert out == ('<a href="https://www.jica.go.jp/english/" target="_blank" '
                   'rel="noopener noreferrer">JICA</a>')


@pytest.mark.parametrize("value", [*HOSTILE, "line\u2028break", {"a": "</script>"}])
def test_js_value_round_trips_and_cannot_close_the_script(value):
    out = safe.js_value(value)
    assert "</" not in out and "<" not in out and "`" not in out and "$" not in out
    assert json.loads(out) == value


@pytest.mark.parametrize("value", [
    "![pwned](http://evil.example/x.png)", "[click](javascript:alert(1))", "<img src=x>",
    "$x^2$", "**bold** _it_ `code` # head", "a|b", "1. item",
])
def test_markdown_escapes_every_active_character(value):
    out = safe.markdown(value)
    # every special character is preceded by a backslash
    for i, ch in enumerate(out):
        if ch in "![]()<>$*_`#|" and (i == 0 or out[i - 1] != "\\"):
            raise AssertionError(f"{ch!r} unescaped at {i} in {out!r}")
    assert out.replace("\\", "") == value.replace("\\", "")
