"""Exports carry exactly the rows shown, with sources, and defuse spreadsheet formulas."""

import csv
import io
import json

import openpyxl

from ca_atlas import exports, query
from ca_atlas import view as viewstate
from ca_atlas.query import ViewState


def test_csv_has_the_filtered_rows_and_their_sources(mini_atlas):
    view = query.apply(mini_atlas, ViewState(countries=("UZB",)))
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(view.projects).decode("utf-8-sig"))))
    assert sorted(r["id"] for r in rows) == sorted(view.projects["id"])
    first = next(r for r in rows if r["id"] == "uz-tashkent-cogeneration")
    assert "https://www.jica.go.jp/english/news/press/2015/151026_02.html" in first["sources"]
    assert first["investors"] == "JICA (JPN, Lender)"
    assert float(first["amount_usd"]) == 100_000_000


def test_formula_cells_are_neutralised(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects.loc[projects.index[0], "name"] = '=HYPERLINK("http://evil.example","x")'
    text = exports.to_csv(projects).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert exports.neutralise("+1") == "'+1" and exports.neutralise("Tashkent") == "Tashkent"
    assert exports.neutralise(-5) == -5  # numbers are numbers


def test_geojson_is_valid_and_keeps_lists(mini_atlas):
    doc = json.loads(exports.to_geojson(mini_atlas.projects, mini_atlas.version))
    assert doc["type"] == "FeatureCollection" and doc["dataset_version"] == mini_atlas.version
    by_id = {f["properties"]["id"]: f for f in doc["features"]}
    gtg = by_id["tm-gas-to-gasoline"]
    assert gtg["geometry"] == {"type": "Point", "coordinates": [58.35, 38.15]}
    assert gtg["properties"]["investor_countries"] == ["JPN", "TUR"]
    assert gtg["properties"]["sources"][0]["publisher"] == "World Energy News"


def test_xlsx_has_projects_and_about_sheets(mini_atlas):
    data = exports.to_xlsx(mini_atlas.projects, "abc123", "country=UZB")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["projects", "about"]
    sheet = book["projects"]
    assert sheet.max_row == 1 + len(mini_atlas.projects)
    about = {r[0].value: r[1].value for r in book["about"].iter_rows(min_row=2)}
    assert about["dataset version"] == "abc123" and about["filters"] == "country=UZB"


def test_the_about_sheet_is_neutralised_like_the_data_cells(mini_atlas):
    """The filters come from a visitor's link: a formula there must stay text."""
    data = exports.to_xlsx(mini_atlas.projects, "abc123", '=HYPERLINK("http://evil.example")')
    about = {r[0].value: r[1].value for r in
             openpyxl.load_workbook(io.BytesIO(data))["about"].iter_rows(min_row=2)}
    assert about["filters"] == '\'=HYPERLINK("http://evil.example")'


def test_control_characters_do_not_break_the_xlsx(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects.loc[projects.index[0], "name"] = "Tash\x00kent\x1b"
    data = exports.to_xlsx(projects, "abc123", "q=Tash%00kent\x00")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["projects"]["B2"].value == "Tashkent"


def test_the_filters_are_a_query_string():
    state = ViewState(countries=("UZB", "KAZ"), search="=1+1")
    assert viewstate.query_string(state) == "country=UZB&country=KAZ&q=%3D1%2B1"
