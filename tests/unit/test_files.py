"""The one reader of dataset files: every way a file can be unusable is one FileError with
a message naming the file (and line and column where there is one); nothing blocks,
expands or raises anything else."""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from atlas_fixtures import run_as_nobody

from ca_atlas import boundaries, files, formats
from ca_atlas.files import FileError

ROOT = Path(__file__).resolve().parents[2]

#: A "billion laughs": nine levels of nine aliases, about 400 bytes that a walker would
#: expand into 9**9 (387 million) strings.
ALIAS_BOMB = "\n".join(
    ['- id: bomb', '  name: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"  n{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
) + "\n"


def message(excinfo) -> str:
    return str(excinfo.value.problem)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read_yaml_error(tmp_path, text, top=list, name="projects.yaml") -> str:
    write(tmp_path, name, text)
    with pytest.raises(FileError) as info:
        files.read_yaml(tmp_path, name, top)
    return message(info)


# -- paths -------------------------------------------------------------------------------

@pytest.mark.timeout(10)
def test_a_fifo_is_reported_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "projects.yaml")
    started = time.monotonic()
    with pytest.raises(FileError) as info:
        files.read_bytes(tmp_path, "projects.yaml")
    assert message(info) == ("projects.yaml is a FIFO (named pipe), not a regular file; "
                             "it is not read")
    # the version fingerprint reads every file: it must not block on the FIFO either
    before = files.digest(tmp_path, ["projects.yaml"])
    assert time.monotonic() - started < 5
    (tmp_path / "projects.yaml").unlink()
    write(tmp_path, "projects.yaml", "[]\n")
    assert files.digest(tmp_path, ["projects.yaml"]) != before


def test_a_directory_is_not_a_file(tmp_path):
    (tmp_path / "projects.yaml").mkdir()
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "projects.yaml")
    assert message(info) == "projects.yaml is a directory, not a regular file; it is not read"


def test_a_missing_file_says_so_and_is_marked_missing(tmp_path):
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "claims.yaml")
    assert message(info) == "claims.yaml is missing" and info.value.missing
    (tmp_path / "boundaries").write_text("not a folder")
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "boundaries/places.geojson")
    assert "a folder on its path is a file" in message(info) and not info.value.missing


def test_symbolic_links_must_stay_inside_the_data_directory(tmp_path):
    data = tmp_path / "data"
    outside = write(tmp_path, "secret.yaml", "- id: x\n")
    write(data, "real.yaml", "- id: y\n")
    (data / "projects.yaml").symlink_to(outside)
    (data / "inside.yaml").symlink_to(data / "real.yaml")
    (data / "dangling.yaml").symlink_to(data / "nothing-here.yaml")
    (tmp_path / "elsewhere").mkdir()
    (data / "boundaries").symlink_to(tmp_path / "elsewhere")
    write(tmp_path, "elsewhere/countries.geojson", "{}")
    with pytest.raises(FileError) as info:
        files.read_text(data, "projects.yaml")
    assert message(info) == ("projects.yaml is a symbolic link that leads outside the data "
                             "directory; the dataset only reads files inside it")
    assert str(tmp_path) not in message(info)  # visitors see this: no server paths
    assert files.read_text(data, "inside.yaml") == "- id: y\n"
    with pytest.raises(FileError) as info:
        files.read_text(data, "dangling.yaml")
    assert message(info) == "dangling.yaml is a symbolic link to a file that does not exist"
    with pytest.raises(FileError) as info:
        files.read_text(data, "boundaries/countries.geojson")
    assert message(info).startswith("boundaries/countries.geojson lies in a linked folder that "
                                    "leads outside the data directory")


def test_a_file_larger_than_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1024)
    write(tmp_path, "projects.yaml", "#" * 2048)
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "projects.yaml")
    assert message(info) == "projects.yaml is 0 MB, more than the 0 MB a dataset file may be"


@pytest.fixture
def open_dir():
    """A directory anyone may enter (pytest's tmp_path is private to its owner)."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="atlas-unreadable-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        p.chmod(0o755) if p.is_dir() else p.chmod(0o644)
    shutil.rmtree(path)


def test_an_unreadable_file_and_folder_are_reported(open_dir):
    write(open_dir, "projects.yaml", "- id: x\n").chmod(0o000)
    (open_dir / "briefings").mkdir()
    (open_dir / "briefings").chmod(0o000)

    def report() -> int:
        d = str(open_dir)
        for call in (lambda: files.read_text(d, "projects.yaml"),
                     lambda: files.list_folder(d, "briefings")):
            try:
                call()
            except files.FileError as exc:
                print(exc.problem)
        print(files.digest(d, ["projects.yaml"]))
        return 0

    code, printed = run_as_nobody(report)
    assert code == 0, printed
    lines = printed.splitlines()
    assert lines[:2] == ["projects.yaml cannot be read: permission denied",
                         "briefings/ cannot be read: permission denied"]
    assert len(lines[2]) == 12  # the fingerprint still comes back


# -- text --------------------------------------------------------------------------------

def test_a_byte_that_is_not_utf8_is_placed_by_line_and_column(tmp_path):
    write(tmp_path, "fx_rates.csv", "currency,year\nJPY,2012\nKZT,20\xe9\n".encode("latin-1"))
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "fx_rates.csv")
    assert message(info) == ("fx_rates.csv is not UTF-8 text: byte 0xe9 at line 3, column 7 "
                             "(invalid continuation byte); save the file as UTF-8")


def test_the_column_counts_characters_not_bytes(tmp_path):
    write(tmp_path, "a.yaml", "name: Türkiye ".encode() + b"\xff\n")  # ü is two bytes
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "a.yaml")
    assert "byte 0xff at line 1, column 15" in message(info)


def test_a_nul_character_is_refused(tmp_path):
    write(tmp_path, "claims.yaml", "- id: a\n  claim: x\0y\n")
    with pytest.raises(FileError) as info:
        files.read_text(tmp_path, "claims.yaml")
    assert message(info) == ("claims.yaml contains a NUL character at line 2, column 11: it "
                             "is not a text file")


def test_a_byte_order_mark_is_dropped(tmp_path):
    write(tmp_path, "fx_rates.csv", "\ufeffcurrency,year\n")
    assert files.read_csv(tmp_path, "fx_rates.csv") == [(1, ["currency", "year"])]


# -- YAML --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "# only a comment\n\n# and another\n",
                                  "---\n# nothing\n...\n"])
def test_an_empty_file_is_named_as_empty(tmp_path, text):
    assert read_yaml_error(tmp_path, text) == "projects.yaml is empty"


def test_null_or_the_wrong_top_level_type(tmp_path):
    assert read_yaml_error(tmp_path, "~\n") == (
        "projects.yaml must be a YAML list of records (each starting '- '), got null")
    assert read_yaml_error(tmp_path, "id: x\nname: y\n") == (
        "projects.yaml must be a YAML list of records (each starting '- '), got a mapping "
        "of 2 fields")
    assert read_yaml_error(tmp_path, "- a\n", top=dict, name="transit.yaml") == (
        "transit.yaml must be a YAML mapping of fields (key: value), got ['a']")
    assert read_yaml_error(tmp_path, "just words\n") == (
        "projects.yaml must be a YAML list of records (each starting '- '), got 'just words'")


def test_a_syntax_error_gives_line_and_column(tmp_path):
    msg = read_yaml_error(tmp_path, "- id: a\n  name: b\n   bad: indentation\n")
    assert msg.startswith("projects.yaml is not valid YAML at line 3, column 7: ")


@pytest.mark.timeout(10)
def test_an_alias_bomb_is_refused_at_once_without_expanding(tmp_path):
    write(tmp_path, "projects.yaml", ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FileError) as info:
            files.read_yaml(tmp_path, "projects.yaml")
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message(info) == ("projects.yaml uses a YAML anchor at line 2, column 9: the "
                             "dataset files do not allow anchors and aliases")
    assert elapsed < 1.0 and peak < 5 * 2**20


def test_an_alias_is_refused_where_it_is(tmp_path):
    msg = read_yaml_error(tmp_path, "- id: a\n  sources: []\n- id: b\n  sources: *s\n")
    assert msg == ("projects.yaml uses a YAML alias at line 4, column 12: the dataset files "
                   "do not allow anchors and aliases")


@pytest.mark.parametrize("text, tag", [
    ("- !!python/object/apply:os.system ['echo hi']\n", "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("- id: a\n  amount: !money {value: 1}\n", "'!money'"),
    ("- id: a\n  name: !!binary aGVsbG8=\n", "'tag:yaml.org,2002:binary'"),
])
def test_tags_are_refused(tmp_path, text, tag):
    msg = read_yaml_error(tmp_path, text)
    assert msg.startswith(f"projects.yaml uses the YAML tag {tag} at line ")
    assert msg.endswith(": the dataset files use plain YAML without tags")


def test_a_key_given_twice_is_refused(tmp_path):
    msg = read_yaml_error(tmp_path, "- id: a\n  amount: {value: 1}\n  name: n\n  amount: null\n")
    assert msg == ("projects.yaml has the key 'amount' twice in one mapping (again at line 4, "
                   "column 3): the second would silently replace the first")
    # the same key in two different records is fine
    write(tmp_path, "ok.yaml", "- {id: a, x: 1}\n- {id: b, x: 1}\n")
    assert files.read_yaml(tmp_path, "ok.yaml") == [{"id": "a", "x": 1}, {"id": "b", "x": 1}]


def test_a_scalar_that_resolves_to_nothing_is_placed(tmp_path):
    msg = read_yaml_error(tmp_path, "- id: a\n  dates: {signed: 2025-13-45}\n")
    assert msg == ("projects.yaml is not valid YAML at line 2, column 19: '2025-13-45' cannot "
                   "be read as timestamp (month must be in 1..12)")
    msg = read_yaml_error(tmp_path, "- id: a\n  lat: " + "9" * 5000 + "\n")
    assert msg.startswith("projects.yaml is not valid YAML at line 2, column 8: '9999")
    assert "cannot be read as int" in msg and len(msg) < 400


def test_nesting_is_bounded(tmp_path):
    msg = read_yaml_error(tmp_path, "- " * 40 + "x\n")
    assert msg.startswith(f"projects.yaml nests deeper than {formats.MAX_DEPTH} levels at line 1")


def test_a_huge_value_is_quoted_by_a_short_prefix(tmp_path):
    msg = read_yaml_error(tmp_path, "x" * 1_000_000 + "\n")
    assert len(msg) < 200 and "(1,000,000 characters)" in msg


def test_the_shipped_files_read(tmp_path):
    data = ROOT / "data"
    assert len(files.read_yaml(data, "projects.yaml")) > 100
    assert set(files.read_yaml(data, "transit.yaml", dict)) == {"modes", "join_km"}


# -- CSV ---------------------------------------------------------------------------------

def test_csv_rows_keep_their_line_numbers(tmp_path):
    write(tmp_path, "fx_rates.csv", "currency,year\n\nJPY,2012\n\"multi\nline\",1\n")
    assert files.read_csv(tmp_path, "fx_rates.csv") == [
        (1, ["currency", "year"]), (3, ["JPY", "2012"]), (5, ["multi\nline", "1"])]


def test_an_empty_or_broken_csv(tmp_path):
    write(tmp_path, "fx_rates.csv", "\n  \n")
    with pytest.raises(FileError) as info:
        files.read_csv(tmp_path, "fx_rates.csv")
    assert message(info) == "fx_rates.csv is empty"
    write(tmp_path, "fx_rates.csv", 'currency,year\nJPY,"2012\n')
    with pytest.raises(FileError) as info:
        files.read_csv(tmp_path, "fx_rates.csv")
    assert message(info).startswith("fx_rates.csv is not valid CSV at line 2: ")


# -- GeoJSON -----------------------------------------------------------------------------

def geojson_error(tmp_path, text) -> str:
    write(tmp_path, "boundaries/places.geojson", text)
    with pytest.raises(FileError) as info:
        files.read_geojson(tmp_path, "boundaries/places.geojson")
    return message(info)


def test_geojson_errors(tmp_path):
    assert geojson_error(tmp_path, '{"type": "FeatureCollection",\n "features": [}') == (
        "boundaries/places.geojson is not valid JSON at line 2, column 15: Expecting value")
    assert geojson_error(tmp_path, '{"type": "FeatureCollection", "features": [NaN]}') == (
        "boundaries/places.geojson is not valid GeoJSON: NaN is not a number JSON allows")
    assert geojson_error(tmp_path, '{"type": "Feature"}') == (
        "boundaries/places.geojson must be a GeoJSON FeatureCollection, got 'Feature'")
    assert geojson_error(tmp_path, '{"type": "FeatureCollection"}') == (
        "boundaries/places.geojson must have a list of 'features', got null")
    assert geojson_error(tmp_path, " \n") == "boundaries/places.geojson is empty"
    assert geojson_error(tmp_path, "[" * 100_000) == (
        "boundaries/places.geojson nests too deeply to be GeoJSON")


@pytest.mark.parametrize("geometry, problem", [
    (None, "is null: every feature needs a geometry"),
    ({"type": "Point", "coordinates": [69.2, 41.3]}, None),
    ({"type": "Point", "coordinates": [69.2]}, "Point: expected a position [lon, lat], got [69.2]"),
    ({"type": "Point", "coordinates": [200, 41.3]}, "Point: position [200, 41.3] is outside [-180..180, -90..90]"),
    ({"type": "Point", "coordinates": [1e400, 1]}, "Point: position [inf, 1] is not finite"),
    ({"type": "Point", "coordinates": [True, 1]}, "Point: expected a position [lon, lat], got [true, 1]"),
    ({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "is a 'LineString'; this file holds Point or Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, None),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "Polygon: a polygon ring must end where it starts"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "Polygon: expected a list of at least 4 positions, got a list of 3 items"),
    ({"type": "MultiPolygon", "coordinates": []}, "MultiPolygon: expected a list, got []"),
    ("Point", "expected a GeoJSON geometry object, got 'Point'"),
])
def test_geometry_problems(geometry, problem):
    assert boundaries.geometry_problem(geometry, ("Point", "Polygon", "MultiPolygon")) == problem


def test_the_shipped_geojson_is_well_formed():
    for name, allowed in (("boundaries/countries.geojson", ("Polygon", "MultiPolygon")),
                          ("boundaries/places.geojson", ("Point", "Polygon"))):
        features = files.read_geojson(ROOT / "data", name)
        assert features and all(boundaries.geometry_problem(f["geometry"], allowed) is None
                                for f in features)
    assert json.loads((ROOT / "data/boundaries/places.geojson").read_text())["features"]


def test_yaml_reads_as_pyyaml_s_safe_loader_does():
    import yaml

    data = ROOT / "data"
    names = ["projects.yaml", "corridors.yaml", "risk_notes.yaml", "claims.yaml",
             "transit.yaml", "summit_2025.yaml", "briefings/japan-after-tokyo-summit.yaml"]
    for name in names:
        text = (data / name).read_text(encoding="utf-8")
        top = list if name in names[:4] else dict
        assert formats.parse_yaml(name, text, top) == yaml.safe_load(text), name
    sample = ("- {a: 1, b: 1.5, c: -.inf, d: .nan, e: null, f: ~, g: true, h: no, i: 0x1F, "
              "j: 2025-12-20, k: '2025', l: \"x\", m: 1_000, n: 2025-12-20T10:00:00Z}\n")
    mine, theirs = formats.parse_yaml("x.yaml", sample), yaml.safe_load(sample)
    assert math.isnan(mine[0].pop("d")) and math.isnan(theirs[0].pop("d"))  # NaN != NaN
    assert mine == theirs


def test_merge_keys_and_second_documents_are_refused(tmp_path):
    assert read_yaml_error(tmp_path, "- {<<: {a: 1}, b: 2}\n") == (
        "projects.yaml uses '<<' at line 1, column 4, which plain YAML data does not use; "
        "quote it if it is text")
    assert read_yaml_error(tmp_path, "- a\n---\n- b\n") == (
        "projects.yaml holds a second YAML document at line 2, column 1; a dataset file is "
        "one document")
    assert read_yaml_error(tmp_path, "- {[1, 2]: x}\n").startswith(
        "projects.yaml has a list or mapping as a mapping key at line 1, column 4")


def test_stored_files_read_like_a_directory():
    """The store hands its files over as bytes by name: the same readers, the same errors."""
    stored = {"a.yaml": b"- id: x\n", "briefings/b.yaml": b"id: b\n",
              "briefings/.hidden.yaml": b"", "briefings/deeper/c.yaml": b"", "bad.csv": b"\xff"}
    assert files.read_yaml(stored, "a.yaml") == [{"id": "x"}]
    assert files.list_folder(stored, "briefings") == ["briefings/b.yaml"]
    assert files.list_folder(stored, "nothing") == []
    with pytest.raises(FileError) as missing:
        files.read_text(stored, "gone.yaml")
    assert missing.value.missing
    with pytest.raises(FileError, match="not UTF-8"):
        files.read_csv(stored, "bad.csv")
