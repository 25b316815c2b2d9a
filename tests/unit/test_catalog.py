"""Loading and validation: good data loads; each kind of bad data is named by file, record
and field, and nothing partial is returned."""

import pytest
from atlas_fixtures import write_dataset

from ca_atlas import catalog
from ca_atlas.model import DatasetError


def errors_of(tmp_path, **records):
    with pytest.raises(DatasetError) as info:
        catalog.load(write_dataset(tmp_path / "bad", **records))
    return [str(p) for p in info.value.problems if p.level == "error"]


def test_mini_dataset_loads_with_usd_and_years(mini_atlas):
    p = mini_atlas.projects.set_index("id")
    assert p.loc["uz-karshi-termez-electrification", "amount_usd"] == pytest.approx(18_067e6 / 80)
    # No amount.year: the year signed (2015) picks the rate.
    assert p.loc["uz-tashkent-cogeneration", "amount_usd"] == pytest.approx(12_000e6 / 120)
    assert p.loc["kg-naryn-bridge", "year"] == 2025  # announced, as nothing was signed
    assert p.loc["tm-gas-to-gasoline", "investor_countries"] == ["JPN", "TUR"]
    assert len(mini_atlas.investors) == 5
    assert mini_atlas.warnings == []


def test_corridor_segments_have_geodesic_lengths(mini_atlas):
    seg = mini_atlas.segments.iloc[0]
    # Termez (37.22, 67.28) to Tashkent (41.30, 69.24): about 486 km on the ellipsoid.
    assert 480 < seg.length_km < 492
    assert mini_atlas.corridors.iloc[0].length_km == pytest.approx(seg.length_km)


def test_version_changes_with_content(mini_dir):
    before = catalog.fingerprint(mini_dir)
    (mini_dir / "claims.yaml").write_text("[]\n")
    assert catalog.fingerprint(mini_dir) != before


def test_unknown_sector_names_file_record_and_field(tmp_path, mini_records):
    mini_records["projects"][1]["sector"] = "railways"
    (msg,) = errors_of(tmp_path, projects=mini_records["projects"])
    assert msg.startswith("projects.yaml, record 2 (id uz-tashkent-cogeneration), field 'sector'")
    assert "'railways' is not one of" in msg


def test_duplicate_ids_are_reported(tmp_path, mini_records):
    mini_records["projects"][2]["id"] = mini_records["projects"][0]["id"]
    msgs = errors_of(tmp_path, projects=mini_records["projects"])
    assert any("record 3" in m and "duplicates the id of record 1" in m for m in msgs)


def test_negative_amount_and_bad_currency(tmp_path, mini_records):
    mini_records["projects"][0]["amount"]["value"] = -5
    mini_records["projects"][3]["amount"]["currency"] = "dollars"
    msgs = errors_of(tmp_path, projects=mini_records["projects"])
    assert any("field 'amount.value'" in m and "below the smallest" in m for m in msgs)
    assert any("record 4" in m and "field 'amount.currency'" in m for m in msgs)


def test_bad_urls_are_refused(tmp_path, mini_records):
    mini_records["projects"][0]["sources"][0]["url"] = "javascript:alert(1)"
    mini_records["corridors"][0]["sources"][0]["url"] = "www.example.org/page"
    msgs = errors_of(tmp_path, projects=mini_records["projects"],
                     corridors=mini_records["corridors"])
    assert any("field 'sources[0].url'" in m and "http" in m for m in msgs)
    assert any(m.startswith("corridors.yaml, record 1") for m in msgs)


def test_dates_out_of_order_and_impossible_dates(tmp_path, mini_records):
    mini_records["projects"][3]["dates"]["completion"] = "2010"
    mini_records["projects"][0]["dates"]["signed"] = "2012-02-30"
    msgs = errors_of(tmp_path, projects=mini_records["projects"])
    assert any("field 'dates.completion'" in m and "before dates.signed" in m for m in msgs)
    assert any("field 'dates.signed'" in m and "not a real calendar date" in m for m in msgs)


def test_point_far_outside_its_country(tmp_path, mini_records):
    mini_records["projects"][2]["lat"], mini_records["projects"][2]["lon"] = 41.30, 69.24
    (msg,) = errors_of(tmp_path, projects=mini_records["projects"])
    assert "id kg-naryn-bridge" in msg and "outside Kyrgyzstan" in msg


def test_references_must_resolve(tmp_path, mini_records):
    mini_records["projects"][0]["corridors"] = ["no-such-corridor"]
    mini_records["risks"][0]["projects"] = ["no-such-project"]
    msgs = errors_of(tmp_path, projects=mini_records["projects"], risks=mini_records["risks"])
    assert any("field 'corridors[0]'" in m and "no-such-corridor" in m for m in msgs)
    assert any(m.startswith("risk_notes.yaml") and "no-such-project" in m for m in msgs)


def test_missing_required_fields_and_unknown_fields(tmp_path, mini_records):
    del mini_records["projects"][0]["sources"]
    mini_records["projects"][1]["colour"] = "red"
    msgs = errors_of(tmp_path, projects=mini_records["projects"])
    assert any("record 1" in m and "field 'sources'" in m for m in msgs)
    assert any("record 2" in m and "field 'colour'" in m for m in msgs)


def test_lat_without_lon_and_precision_that_contradicts(tmp_path, mini_records):
    del mini_records["projects"][0]["lon"]
    mini_records["projects"][1]["location_precision"] = "country"
    msgs = errors_of(tmp_path, projects=mini_records["projects"])
    assert any("record 1" in m and "lat and lon go together" in m for m in msgs)
    assert any("record 2" in m and "field 'location_precision'" in m for m in msgs)


def test_broken_yaml_names_the_line(tmp_path):
    directory = write_dataset(tmp_path / "bad")
    (directory / "projects.yaml").write_text("- id: a\n  name: [unclosed\n")
    with pytest.raises(DatasetError) as info:
        catalog.load(directory)
    # libyaml notices the unclosed list where the file ends: line 3, column 1
    assert ("projects.yaml is not valid YAML at line 3, column 1: did not find expected"
            in str(info.value))


def test_fx_rows_are_checked(tmp_path):
    directory = write_dataset(tmp_path / "bad", fx_rows=[("JPY", 2012, -1.0, "https://x.org/")])
    with pytest.raises(DatasetError) as info:
        catalog.load(directory)
    assert "fx_rates.csv, record 2, field 'usd_per_unit'" in str(info.value)


def test_missing_rate_is_a_warning_and_usd_stays_unknown(tmp_path):
    fed = "https://www.federalreserve.gov/releases/g5a/current/default.htm"
    directory = write_dataset(tmp_path / "warn", fx_rows=[("JPY", 1999, 0.0088, fed)])
    atlas = catalog.load(directory)
    p = atlas.projects.set_index("id")
    assert p["amount_usd"].isna()["uz-tashkent-cogeneration"]
    assert p.loc["kg-naryn-bridge", "amount_usd"] == 20e6  # USD needs no rate
    assert any("no JPY rate for 2015" in str(w) for w in atlas.warnings)


def test_a_currency_with_no_rates_at_all_is_an_error(tmp_path):
    (karshi, cogeneration) = errors_of(tmp_path, fx_rows=[])
    assert karshi == ("projects.yaml, record 1 (id uz-karshi-termez-electrification), field "
                      "'amount.currency': JPY has no rates in fx_rates.csv (it has none): add "
                      "JPY rates there, or give the amount in USD or a currency it has rates for")
    assert cogeneration.startswith("projects.yaml, record 2 (id uz-tashkent-cogeneration)")


def test_missing_file_is_an_error(tmp_path):
    directory = write_dataset(tmp_path / "bad")
    (directory / "corridors.yaml").unlink()
    with pytest.raises(DatasetError) as info:
        catalog.load(directory)
    messages = [str(p) for p in info.value.problems]
    assert "corridors.yaml is missing" in messages


def test_nested_fields_are_named_in_full(tmp_path, mini_records):
    mini_records["projects"][3]["investors"][1]["name"] = ""
    mini_records["corridors"][0]["nodes"][1]["name"] = None
    msgs = errors_of(tmp_path, projects=mini_records["projects"],
                     corridors=mini_records["corridors"])
    assert any("record 4" in m and "field 'investors[1].name'" in m for m in msgs)
    assert any("corridors.yaml, record 1" in m and "field 'nodes[1].name'" in m for m in msgs)


def test_stored_files_load_to_the_same_atlas_as_the_directory(mini_dir, mini_atlas):
    """The team's store hands over record lists and the other files' bytes."""
    import yaml

    from ca_atlas import dataset

    stored = {p.relative_to(mini_dir).as_posix(): p.read_bytes()
              for p in mini_dir.rglob("*") if p.is_file()}
    records = {name: yaml.safe_load(stored.pop(name))
               for name in ("projects.yaml", "corridors.yaml", "risk_notes.yaml")}
    atlas = catalog.load_stored(stored, records, version="7", label="store")
    assert atlas.version == "7" and atlas.source_dir == "store"
    for frame in ("projects", "corridors", "segments", "risks", "claims", "fx"):
        got, want = getattr(atlas, frame), getattr(mini_atlas, frame)
        assert got.drop(columns="geometry", errors="ignore").equals(
            want.drop(columns="geometry", errors="ignore")), frame
    assert [b.id for b in atlas.briefings] == [b.id for b in mini_atlas.briefings]
    assert dataset.FILES["claims"] in stored  # claims came from bytes, not a record list


def test_a_broken_stored_file_names_itself(mini_dir):
    stored = {p.relative_to(mini_dir).as_posix(): p.read_bytes()
              for p in mini_dir.rglob("*") if p.is_file()}
    stored["fx_rates.csv"] = b"\xff\xfe"
    with pytest.raises(DatasetError) as err:
        catalog.load_stored(stored, {}, version="1", label="store")
    assert any(p.file == "fx_rates.csv" and "not UTF-8" in p.message
               for p in err.value.problems)


def test_an_investor_name_split_by_an_unquoted_comma_is_an_error(tmp_path, mini_records):
    """YAML reads {name: A (B, C), ...} as name 'A (B' plus a key 'C)': never silently."""
    mini_records["projects"][0]["investors"][0]["C)"] = None
    (msg,) = errors_of(tmp_path, projects=mini_records["projects"])
    assert "field 'investors[0]'" in msg and "unknown keys" in msg and "quote a name" in msg
