"""The evidence pack: sections (figures -> tables, charts and statements), report blocks, charts,
narrative wording, export, the notebook runner and the batch."""
