"""Untrusted text -> text that is safe in HTML and inside a JavaScript string.

Every string that comes from the dataset or an upload reaches HTML or JavaScript through
this module. folium puts tooltip text into a JavaScript template literal and GeoJSON
tooltips/popups into ``innerHTML``, so HTML escaping alone is not enough: a backtick or
``${...}`` would run as code. :func:`text` escapes for both at once.
"""

from __future__ import annotations

import html as _html
import json
from typing import Any
from urllib.parse import urlparse

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def text(value: Any) -> str:
    """Escape ``value`` for HTML content, attributes and JS template literals alike.

    ``None`` becomes an empty string. The result contains no ``<``, ``>``, ``&`` (other
    than in entities), quotes, backticks, dollar signs, braces or backslashes.
    """
    if value is None:
        return ""
    return _html.escape(str(value), quote=True).translate(_EXTRA)


def url(value: Any) -> str | None:
    """``value`` escaped for an ``href`` when it is an http(s) URL; None otherwise.

    ``javascript:``, ``data:`` and relative URLs are refused, so a link built from data can
    never run script.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    parsed = urlparse(candidate)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    if any(c.isspace() or ord(c) < 32 for c in candidate):
        return None
    return text(candidate)


def link(href: Any, label: Any = None) -> str:
    """An anchor that opens a new tab, or the escaped label alone when the URL is unsafe."""
    safe_href = url(href)
    shown = text(label if label else href)
    if safe_href is None:
        return shown
    return f'<a href="{safe_href}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def js_value(value: Any) -> str:
    """``value`` as a JavaScript literal safe to place inside a ``<script>`` element."""
    encoded = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("`", "\\u0060"), ("$", "\\u0024"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        encoded = encoded.replace(char, escape)
    return encoded


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$&:")


def markdown(value: Any) -> str:
    """``value`` as literal text inside Streamlit Markdown (st.markdown, st.caption, st.toast,
    st.warning, radio labels): every character Markdown or its HTML, link, image or LaTeX
    syntax could act on is backslash-escaped, so ``![x](http://...)`` stays text and fetches
    nothing."""
    if value is None:
        return ""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(value))
