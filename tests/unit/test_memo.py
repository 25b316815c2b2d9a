"""Values kept per shared object: built once, never handed to another object."""

from ca_atlas import memo


def test_a_value_is_built_once_per_object_and_name():
    calls = []
    a, b = [1], [1]  # equal, but two objects
    build = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert memo.per_object(a, "n", build) == 1
    assert memo.per_object(a, "n", build) == 1
    assert memo.per_object(b, "n", build) == 2
    assert memo.per_object(a, "other", build) == 3
    assert memo.per_object(a, "n", build, "extra") == 4
    assert len(calls) == 4


def test_the_oldest_entries_go_past_the_limit():
    recent = memo.Recent(keep=2)
    objects = [object() for _ in range(3)]
    for n, obj in enumerate(objects):
        recent.get(obj, "n", lambda n=n: n)
    assert recent.get(objects[0], "n", lambda: "rebuilt") == "rebuilt"
    assert recent.get(objects[2], "n", lambda: "rebuilt") == 2


def test_views_are_kept_apart_from_datasets(monkeypatch):
    """Many views' values never push a dataset's out, and keep few frames alive."""
    monkeypatch.setattr(memo, "_DATASETS", memo.Recent(keep=2))
    monkeypatch.setattr(memo, "_VIEWS", memo.Recent(keep=2))
    dataset = object()
    memo.per_object(dataset, "n", lambda: "kept")
    for _ in range(5):
        memo.per_view(object(), "n", lambda: "view")
    assert memo.per_object(dataset, "n", lambda: "rebuilt") == "kept"
    assert len(memo._VIEWS._cache) == 2
