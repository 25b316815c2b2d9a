"""Central Asia Investment Atlas: the core (never imports streamlit).

Data flows one way: files -> :mod:`catalog` -> :mod:`query` -> :mod:`summaries` ->
:mod:`maps` / :mod:`charts` -> pages.
"""

from .catalog import Atlas, load
from .model import DatasetError, Problem
from .query import View, ViewState

__all__ = ["Atlas", "DatasetError", "Problem", "View", "ViewState", "load"]
__version__ = "0.1.0"
