"""Files answered from memory by content hash: names, sizes, what is kept."""

import hashlib
import json

import pytest

from ca_atlas import served_files


@pytest.fixture(autouse=True)
def empty(monkeypatch):
    monkeypatch.setattr(served_files, "_FILES", type(served_files._FILES)())
    monkeypatch.setattr(served_files, "_DIGESTS", type(served_files._DIGESTS)())
    monkeypatch.setattr(served_files, "_SIZE", {"bytes": 0})


def test_a_file_is_named_by_its_content_and_read_back():
    data = {"type": "FeatureCollection", "features": [{"b": 1, "a": "Ташкент"}]}
    sha, size = served_files.publish(data)
    body = served_files.payload(f"{sha}.json")
    assert body is not None and len(body) == size
    assert hashlib.sha256(body).hexdigest() == sha
    assert json.loads(body) == data
    # the same content under another object has the same name; other content another
    assert served_files.publish(json.loads(json.dumps(data)))[0] == sha
    assert served_files.publish({"features": []})[0] != sha


@pytest.mark.parametrize("name", [
    "", ".json", "../../etc/passwd", "0" * 64, "0" * 63 + ".json", "0" * 65 + ".json",
    ("A" * 64) + ".json", ("0" * 64) + ".json/..", ("0" * 64) + ".JSON", "%2e%2e/x.json",
    ("0" * 64) + ".json\x00", ("g" * 64) + ".json"])
def test_only_a_known_hash_is_answered(name):
    served_files.publish({"x": 1})
    assert served_files.payload(name) is None


def test_the_oldest_files_go_first_past_the_limit(monkeypatch):
    monkeypatch.setattr(served_files, "MAX_BYTES", 3000)
    names = [served_files.publish({"n": i, "pad": "x" * 1000})[0] for i in range(5)]
    kept = [n for n in names if served_files.payload(f"{n}.json") is not None]
    assert kept == names[-2:]
    assert served_files._SIZE["bytes"] <= 3000
    # a file read again is kept over older ones
    served_files.publish({"n": 3, "pad": "x" * 1000})
    served_files.publish({"n": 5, "pad": "x" * 1000})
    assert served_files.payload(f"{names[3]}.json") is not None
    assert served_files.payload(f"{names[4]}.json") is None


def test_the_same_parts_in_a_new_collection_are_not_serialised_again(monkeypatch):
    features = [{"type": "Feature", "properties": {"n": i}} for i in range(3)]
    calls = []
    dumps = served_files.json.dumps
    monkeypatch.setattr(served_files.json, "dumps", lambda *a, **k: calls.append(1) or dumps(*a, **k))
    first = served_files.publish({"type": "FeatureCollection", "features": list(features)},
                                 tuple(features))
    again = served_files.publish({"type": "FeatureCollection", "features": list(features)},
                                 tuple(features))
    assert first == again and len(calls) == 1
    # other parts (equal in value, other objects) are serialised, and name the same file
    copies = [dict(f) for f in features]
    assert served_files.publish({"type": "FeatureCollection", "features": copies},
                                tuple(copies)) == first
    assert len(calls) == 2
