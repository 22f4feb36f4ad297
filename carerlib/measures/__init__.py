"""The measures: pure functions on tidy frames and validated params. They never import layout,
widgets, papermill or the command line."""
