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


def test_the_oldest_entries_go_past_the_limit(monkeypatch):
    monkeypatch.setattr(memo, "_CACHE", type(memo._CACHE)())
    monkeypatch.setattr(memo, "_KEEP", 2)
    objects = [object() for _ in range(3)]
    for n, obj in enumerate(objects):
        memo.per_object(obj, "n", lambda n=n: n)
    assert memo.per_object(objects[0], "n", lambda: "rebuilt") == "rebuilt"
    assert memo.per_object(objects[2], "n", lambda: "rebuilt") == 2
