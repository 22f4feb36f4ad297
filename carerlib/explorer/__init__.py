"""The analyst's explorer: ipywidgets over the measures and the pack's building blocks."""
