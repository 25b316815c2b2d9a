"""The core never imports streamlit; pages never read files (DESIGN.md)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_do_not_import_streamlit():
    core = [p for p in (ROOT / "src" / "ca_atlas").glob("*.py")]
    assert core
    offenders = [p.name for p in core if {"streamlit", "streamlit_folium"} & imports(p)]
    assert offenders == []


def test_pages_do_not_open_files():
    for page in (ROOT / "app_pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "read_bytes(", "yaml.", "pd.read_"):
            assert call not in text, f"{page.name} reads a file ({call})"
