"""Expected values for the browser tests, computed by the core from the same URL params."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ca_atlas import query
from ca_atlas import view as viewstate


@dataclass(frozen=True)
class Expected:
    state: viewstate.ViewState
    view: query.View

    @property
    def placed_ids(self) -> list[str]:
        """Ids of the projects the map should draw: in the view, with a location."""
        if "projects" not in self.state.layers:
            return []
        p = self.view.projects
        placed = p[p.geometry.notna() & ~p.geometry.is_empty]
        return sorted(placed["id"])

    @property
    def segments(self) -> int:
        return len(self.view.segments) if "corridors" in self.state.layers else 0

    @property
    def risks(self) -> int:
        return len(self.view.risks) if "risks" in self.state.layers else 0


def expected(atlas, params: Mapping[str, str | list[str]]) -> Expected:
    state, notes = viewstate.from_params(params)
    assert not notes, f"test bug: the core ignores parts of {params}: {notes}"
    return Expected(state=state, view=query.apply(atlas, state))
