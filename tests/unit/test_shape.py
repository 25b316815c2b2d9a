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


CORE = ROOT / "src" / "ca_atlas"


def _core_files() -> list[Path]:
    """Every module of the core: the package and its subpackages, but not ui/."""
    return sorted(p for p in CORE.rglob("*.py") if "ui" not in p.relative_to(CORE).parts)


def test_core_modules_do_not_import_streamlit():
    core = _core_files()
    assert core
    offenders = [p.name for p in core if {"streamlit", "streamlit_folium"} & imports(p)]
    assert offenders == []


def test_pages_do_not_open_files():
    for page in (ROOT / "app_pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "read_bytes(", "yaml.", "pd.read_"):
            assert call not in text, f"{page.name} reads a file ({call})"


def _modules_loaded_by(module: str) -> set[str]:
    import subprocess
    import sys

    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return set(out.split())


def test_no_core_module_loads_streamlit():
    """Checked in a fresh interpreter: an import anywhere below would show here."""
    # Alembic runs the migration scripts itself (env.py needs its context, and revision
    # files are named 0001_...): they are checked by ast above, not imported here.
    core = [".".join(("ca_atlas", *p.relative_to(CORE).with_suffix("").parts))
            for p in _core_files() if "migrations" not in p.relative_to(CORE).parts]
    core = [m.removesuffix(".__init__") for m in core]
    loaded = _modules_loaded_by(", ".join(core))
    assert "streamlit" not in loaded and "streamlit_folium" not in loaded


def test_leaf_modules_stay_light():
    """The package __init__ carries the version only: the escaping helpers, the view
    state, the vocabularies and geometry do not pull in geopandas or pandas."""
    loaded = _modules_loaded_by("ca_atlas.safe, ca_atlas.view, ca_atlas.model, ca_atlas.geo")
    assert not {"geopandas", "pandas", "shapely", "folium"} & loaded


#: The core's layers, lowest first: a module imports only from its own layer or below
#: (DESIGN.md: files -> data -> view -> analysis -> render -> briefing -> ui/pages/cli).
LAYERS = {
    "leaf": {"model", "safe", "geo", "view", "theme", "server", "assets", "formats", "files",
             "access", "snapshot", "source_kinds", "served_files", "memo", "heap",
             "atlas"},
    "data": {"validation", "records", "tables", "boundaries", "summit", "briefing",
             "dataset", "integrity", "money", "frames", "catalog", "changes", "editing",
             "store"},
    "analysis": {"query", "summaries", "exposure", "network", "scenarios", "quality"},
    "render": {"popups", "charts", "chart_kinds", "exports", "offline_html", "maps"},
    "briefing_steps": {"briefing_steps"},
    "app": {"cli", "readiness"},
}
RANK = {m: i for i, (_, mods) in enumerate(LAYERS.items()) for m in mods}


def _core_imports() -> dict[str, set[str]]:
    """Each core module's imports of other core modules at import time (what a function
    imports when it runs, and what only type checkers read, are left out)."""
    graph = {}
    for path in _core_files():
        rel = path.relative_to(CORE).with_suffix("").parts
        name = rel[0] if rel[0] != "__init__" else ""
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.level:
                depth = node.level - (1 if len(rel) > 1 else 0)  # 1: the subpackage itself
                if depth == 0:  # within a subpackage
                    continue
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found |= {a.name for a in node.names}
        graph.setdefault(name, set()).update(found - {name})
    graph.pop("", None)
    return graph


def test_every_core_module_has_a_layer():
    assert set(_core_imports()) == set(RANK)


def test_no_import_points_up_and_there_is_no_cycle():
    graph = _core_imports()
    upward = [f"{m} ({_layer(m)}) imports {t} ({_layer(t)})"
              for m, targets in graph.items() for t in targets if RANK[t] > RANK[m]]
    assert upward == []

    seen, done = set(), set()

    def visit(module, path):
        assert module not in seen or module in done, " -> ".join([*path, module])
        if module in done:
            return
        seen.add(module)
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def _layer(module: str) -> str:
    return next(k for k, mods in LAYERS.items() if module in mods)
