"""Steps made from views read back as valid briefing steps."""

import yaml

from ca_atlas import briefing
from ca_atlas import view as viewstate


def test_a_step_from_a_view_reproduces_the_view(atlas, tmp_path):
    state, _ = viewstate.from_params({"country": "UZB", "japan": "1", "project":
                                  "uz-tashkent-new-airport", "layers": "projects,risks"})
    step = briefing.step_from_view(state, "Tashkent's new airport", "Why it matters.", 1)
    text = briefing.draft_yaml("My briefing", [step])
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "my-briefing.yaml").write_text(text, encoding="utf-8")
    (loaded,), broken = briefing.load(tmp_path, briefing.references(atlas))
    assert broken == []
    (read,) = loaded.steps
    assert read.state() == state.with_(project=None)
    assert read.highlight == {"projects": ("uz-tashkent-new-airport",)}
    assert yaml.safe_load(text)["id"] == "my-briefing"
