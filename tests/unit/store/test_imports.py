"""Batch imports: a good file is written at once; a bad one changes nothing and names the
file, row and column of every problem."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from atlas_fixtures import write_dataset

from ca_atlas.cli import main
from ca_atlas.store import Store, imports
from ca_atlas.store.imports import COLUMNS, EXAMPLE, ImportRefused


def _row(**changes):
    row = {c: EXAMPLE.get(c, "") for c in COLUMNS}
    row.update(changes)
    return row


def _csv(path, rows, columns=None):
    columns = columns or COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _rows(n, **changes):
    return [_row(id=f"uz-imported-{i}", **changes) for i in range(n)]


def _refused(store, path, update=False):
    version, count = store.version, len(store.records("project"))
    with pytest.raises(ImportRefused) as caught:
        imports.run(store.engine, path, "ann", "batch", update=update)
    assert (store.version, len(store.records("project"))) == (version, count)  # nothing written
    return [(p.file, p.row, p.column) for p in caught.value.problems], caught.value.problems


@pytest.fixture
def sqlite_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'state' / 'atlas.sqlite3'}")
    store.load(write_dataset(tmp_path / "release"), "loader", "first")
    yield store
    store.close()


def test_a_good_csv_is_imported_in_one_commit(loaded, tmp_path):
    path = _csv(tmp_path / "batch.csv", _rows(3))
    version = loaded.version
    preview = imports.run(loaded.engine, path, "ann", "the March batch", dry_run=True)
    assert preview.added == ["uz-imported-0", "uz-imported-1", "uz-imported-2"]
    assert loaded.version == version
    imports.run(loaded.engine, path, "ann", "the March batch")
    assert loaded.version == version + 1
    added = loaded.get("project", "uz-imported-1").document
    assert added["investors"][1] == {"name": "Asian Development Bank", "country": "MUL",
                                     "role": "lender"}
    assert added["amount"] == {"value": 120000000, "currency": "USD", "measure": "total_cost",
                               "year": 2025}
    log = [c for c in loaded.history(who="ann")]
    assert [(c.action, c.why, c.store_version) for c in log] == [("add", "the March batch",
                                                                   version + 1)] * 3


def test_one_bad_row_keeps_the_whole_batch_out(loaded, tmp_path):
    rows = _rows(4)
    rows[2]["sector"] = "spaceflight"
    where, _ = _refused(loaded, _csv(tmp_path / "batch.csv", rows))
    assert where == [("batch.csv", 4, "sector")]


def test_update_changes_existing_projects_and_previews_the_fields(sqlite_store, tmp_path):
    imports.run(sqlite_store.engine, _csv(tmp_path / "a.csv", _rows(1)), "ann", "first")
    changed = _csv(tmp_path / "b.csv", _rows(1, status="under_construction"))
    _refused(sqlite_store, changed)  # without --update an existing id is refused
    preview = imports.run(sqlite_store.engine, changed, "ann", "update", update=True)
    assert preview.changed == [("uz-imported-0", ["status"])]
    assert sqlite_store.get("project", "uz-imported-0").version == 2


def test_xlsx_and_geojson(sqlite_store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append([_row(id="uz-from-xlsx", lat=39.65, lon=66.96, amount_value=5e7)[c] for c in COLUMNS])
    book.save(tmp_path / "batch.xlsx")
    imports.run(sqlite_store.engine, tmp_path / "batch.xlsx", "ann", "xlsx")
    assert sqlite_store.get("project", "uz-from-xlsx").document["amount"]["value"] == 50000000
    props = {k: v for k, v in _row(id="uz-from-geojson").items() if k not in ("lat", "lon") and v}
    feature = {"type": "Feature", "properties": props,
               "geometry": {"type": "Point", "coordinates": [66.96, 39.65]}}
    (tmp_path / "batch.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    imports.run(sqlite_store.engine, tmp_path / "batch.geojson", "ann", "geojson")
    doc = sqlite_store.get("project", "uz-from-geojson").document
    assert (doc["lat"], doc["lon"]) == (39.65, 66.96)


def test_an_xlsx_formula_cell_is_refused(sqlite_store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append([_row()[c] for c in COLUMNS])
    sheet.cell(row=2, column=COLUMNS.index("amount_value") + 1, value="=1+1")
    book.save(tmp_path / "f.xlsx")
    where, _ = _refused(sqlite_store, tmp_path / "f.xlsx")
    assert where == [("f.xlsx", 2, "amount_value")]


CSV_CASES = {
    "duplicate ids": ([_row(), _row()], ("b.csv", 3, "id")),
    "coordinates out of range": ([_row(lat="95")], ("b.csv", 2, "lat")),
    "outside the stated country": ([_row(lat="43.24", lon="76.89")], ("b.csv", 2, "lat")),
    "unknown country": ([_row(country="XYZ")], ("b.csv", 2, "country")),
    "unknown sector": ([_row(sector="spaceflight")], ("b.csv", 2, "sector")),
    "unknown currency": ([_row(amount_currency="ABC")], ("b.csv", 2, "amount_currency")),
    "currency without rates": ([_row(amount_currency="EUR")], ("b.csv", 2, "amount_currency")),
    "negative amount": ([_row(amount_value="-5")], ("b.csv", 2, "amount_value")),
    "textual amount": ([_row(amount_value="about 5m")], ("b.csv", 2, "amount_value")),
    "impossible date": ([_row(date_signed="2025-02-30")], ("b.csv", 2, "date_signed")),
    "bad url": ([_row(sources="not a url | X | 2025")], ("b.csv", 2, "sources")),
    "javascript url": ([_row(sources="javascript:alert(1) | X | 2025")], ("b.csv", 2, "sources")),
    "formula cell": ([_row(name='=HYPERLINK("http://evil.example","x")')], ("b.csv", 2, "name")),
    "unknown corridor": ([_row(corridors="no-such-corridor")], ("b.csv", 2, "corridors")),
}


@pytest.mark.parametrize("case", CSV_CASES)
def test_bad_rows_are_named_by_file_row_and_column(sqlite_store, tmp_path, case):
    rows, expected = CSV_CASES[case]
    where, _ = _refused(sqlite_store, _csv(tmp_path / "b.csv", rows))
    assert expected in where


def test_an_id_colliding_with_a_stored_record_is_refused(sqlite_store, tmp_path):
    stored = sqlite_store.records("project")[0].id
    where, _ = _refused(sqlite_store, _csv(tmp_path / "b.csv", [_row(id=stored)]))
    assert where == [("b.csv", 2, "id")]


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


FILE_CASES = {
    "empty": ("e.csv", b"", "is empty"),
    "only white space": ("e.csv", b"  \n\n", "is empty"),
    "not utf-8": ("l.csv", ",".join(COLUMNS).encode() + b"\n\xff\xfe\n", "is not UTF-8"),
    "truncated csv": ("t.csv", (",".join(COLUMNS) + '\nuz-x,"unterminated').encode(), "truncated"),
    "short line": ("s.csv", (",".join(COLUMNS) + "\nuz-x,X\n").encode(), "has 2 cells"),
    "truncated quote": ("q.csv", (",".join(COLUMNS) + '\n"uz-x' + "," * 29).encode(), "truncated"),
    "truncated xlsx": ("t.xlsx", b"PK\x03\x04\x14\x00\x00\x00", "not a valid XLSX"),
    "truncated geojson": ("t.geojson", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    "unknown column": ("c.csv", (",".join([*COLUMNS, "colour"]) + "\n" + "x," * 30 + "x\n").encode(),
                       "column 'colour': is not a column"),
    "missing column": ("m.csv", b"id,name\nuz-x,X\n", "column 'sector': is missing"),
    "header only": ("h.csv", (",".join(COLUMNS) + "\n").encode(), "no rows"),
    "wrong suffix": ("x.txt", b"id\n", "is not a CSV, XLSX or GeoJSON"),
}


@pytest.mark.parametrize("case", FILE_CASES)
def test_bad_files_change_nothing_and_say_why(sqlite_store, tmp_path, case):
    name, data, message = FILE_CASES[case]
    _, problems = _refused(sqlite_store, _write(tmp_path / name, data))
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    assert all(p.file == name for p in problems)


def test_100000_rows_are_refused(sqlite_store, tmp_path):
    line = "x" + "," * (len(COLUMNS) - 1)  # row count is checked before the cells
    body = ",".join(COLUMNS) + "\n" + (line + "\n") * 100_000
    _, problems = _refused(sqlite_store, _write(tmp_path / "big.csv", body.encode()))
    assert "more than 5,000 rows" in str(problems[0])


def test_a_50_mb_file_is_refused_unread(sqlite_store, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(50 * 2**20)
    _, problems = _refused(sqlite_store, path)
    assert "more than the 10 MB" in str(problems[0])


def test_the_cli_writes_the_template_then_imports_it(store_url, tmp_path, capsys):
    store = Store.open(store_url)
    store.load(write_dataset(tmp_path / "release"), "loader", "first")
    store.close()
    template = tmp_path / "template.csv"
    assert main(["import", "--template", str(template)]) == 0
    assert main(["import", "--template", str(template)]) == 1  # never overwritten
    url = ["--database-url", store_url]
    assert main(["import", str(template), "--dry-run", *url]) == 0
    assert "would add 1 project(s)" in capsys.readouterr().out
    assert main(["import", str(template), *url, "--who", "ann"]) == 0
    assert main(["import", str(template), *url]) == 1
    err = capsys.readouterr().err
    assert "template.csv, row 2, column 'id'" in err and "nothing was imported" in err


def test_an_import_needs_who_and_why(sqlite_store, tmp_path):
    from ca_atlas.store import StoreError

    with pytest.raises(StoreError, match="why"):
        imports.run(sqlite_store.engine, _csv(tmp_path / "a.csv", _rows(1)), "ann", " ")
