"""Edit forms: every field declared once, records round-trip, the loader's messages."""

import pytest
from atlas_fixtures import DATA

from ca_atlas import editing, files
from ca_atlas.records import PROJECT_FIELDS, RISK_FIELDS


@pytest.mark.parametrize("kind", list(editing.KINDS))
def test_every_shipped_record_comes_back_unchanged_through_its_form(kind):
    records = files.read_yaml(DATA, editing.KINDS[kind])
    for record in records:
        again = editing.document(kind, editing.form_values(kind, record), base=record)
        assert again == record and list(again) == list(record), record["id"]


def test_every_schema_field_has_a_form_field_except_the_route():
    for kind, schema in (("project", PROJECT_FIELDS), ("risk_note", RISK_FIELDS)):
        heads = {f.name.split(".")[0] for f in editing.FORMS[kind]}
        assert set(schema) - heads == ({"route"} if kind == "project" else set())


def test_a_project_form_makes_a_record_the_loader_accepts(atlas):
    values = editing.form_values("project", None)
    values.update({
        "id": "uz-test-plant", "name": "Test plant", "country": "UZB", "place": " Navoi ",
        "lat": 40.1, "lon": 65.4, "location_precision": "city", "sector": "power",
        "description": "A plant.", "financing_type": "oda_loan", "status": "agreed",
        "investors": [{"name": "JICA", "country": "JPN", "role": "lender"},
                      {"name": None, "country": None, "role": None}],
        "amount.value": 120000000.0, "amount.currency": "USD", "amount.measure": "loan",
        "sources": [{"url": "https://www.jica.go.jp/english/", "publisher": "JICA",
                     "date": None}],
        "confidence": "medium", "last_verified": "2026-12-04", "corridors": [],
    })
    doc = editing.document("project", values)
    assert list(doc) == [f for f in PROJECT_FIELDS if f in doc]
    assert doc["place"] == "Navoi" and doc["amount"]["value"] == 120000000
    assert isinstance(doc["amount"]["value"], int)
    assert len(doc["investors"]) == 1  # the empty row is dropped
    assert "status_source" not in doc and "note" not in doc
    assert [p for p in editing.check("project", doc, atlas) if p.level == "error"] == []


def test_problems_come_back_beside_the_field_they_name(atlas):
    record = files.read_yaml(DATA, "projects.yaml")[0]
    values = editing.form_values("project", record)
    values.update({"sector": "railways", "amount.currency": "XXX", "lat": 10.0,
                   "corridors": ["no-such-corridor"],
                   "sources": [{"url": "javascript:alert(1)", "publisher": "x"}]})
    problems = editing.check("project", editing.document("project", values, record), atlas)
    by_field = editing.problems_by_field(problems)
    assert "sector" in by_field and "'railways'" in by_field["sector"][0]
    assert "amount.currency" in by_field
    assert "sources" in by_field
    assert by_field.keys() <= {f.name for f in editing.FORMS["project"]} | {""}


def test_references_and_places_are_checked_against_the_atlas(atlas):
    record = dict(files.read_yaml(DATA, "projects.yaml")[0])
    record.update(corridors=["no-such-corridor"])
    messages = [p.message for p in editing.check("project", record, atlas)]
    assert any("no corridor has the id 'no-such-corridor'" in m for m in messages)
    record.update(corridors=[], lat=35.7, lon=51.4)  # Tehran: far outside Uzbekistan
    messages = [p.message for p in editing.check("project", record, atlas)]
    assert any("outside Uzbekistan" in m for m in messages)


def test_a_risk_note_form_round_trips_its_claim():
    record = files.read_yaml(DATA, "risk_notes.yaml")[0]
    values = editing.form_values("risk_note", record)
    assert values["claim.status"] == record["claim"]["status"]
    values["claim.status"] = "disputed"
    assert editing.document("risk_note", values, record)["claim"]["status"] == "disputed"
