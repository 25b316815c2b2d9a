"""Central Asia Investment Atlas: the core (never imports streamlit).

The package carries its version only, so that importing one small module (the escaping
helpers, the view state) does not load geopandas. Data flows one way: files ->
:mod:`catalog` -> :mod:`query` (a :class:`~ca_atlas.view.ViewState` applied) ->
summaries, exposure, network -> maps and charts -> pages.
"""

__version__ = "0.1.0"
