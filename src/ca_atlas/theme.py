"""How a map or chart is styled for where it is shown, as data: the desk (normal), a shared
screen (presenter) or a shared screen in high contrast.

Renderers take a :class:`Theme` and read its sizes, instead of a ``presenter`` boolean that
each of them branched on (as geopandas' ``explore`` passes ``style_kwds``). A leaf module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Theme:
    name: str
    #: Shown to a room: the page hides Streamlit's chrome and type grows.
    presenting: bool
    chart_font_px: int
    legend_font_px: int
    #: The map legend starts folded past this many sectors.
    legend_folds_past: int
    capital_radius: int
    corridor_weight: float
    risk_icon_px: int
    marker_scale: float
    ring_weight: int


NORMAL = Theme("normal", presenting=False, chart_font_px=14, legend_font_px=12,
               legend_folds_past=8, capital_radius=4, corridor_weight=3.5, risk_icon_px=20,
               marker_scale=1.0, ring_weight=11)
PRESENTER = Theme("presenter", presenting=True, chart_font_px=18, legend_font_px=16,
                  legend_folds_past=5, capital_radius=5, corridor_weight=5.0, risk_icon_px=26,
                  marker_scale=1.25, ring_weight=14)
#: The maps and charts keep their own light backgrounds: the same sizes as presenting.
HIGH_CONTRAST = replace(PRESENTER, name="high_contrast")


def for_view(present: bool, high_contrast: bool = False) -> Theme:
    """The theme of a page opened with ``?present=1`` (and ``&contrast=high``)."""
    if not present:
        return NORMAL
    return HIGH_CONTRAST if high_contrast else PRESENTER
