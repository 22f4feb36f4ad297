"""Committed notebooks are thin and carry no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_thin(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook with no code cells"
    for cell in code:
        assert cell.get("outputs", []) == [], "outputs must be stripped before committing"
        assert cell.get("execution_count") is None
        source = "".join(cell["source"])
        # Calculation belongs in carerlib: notebooks import nothing that would do it.
        for module in ("import pandas", "import numpy", "from pandas", "from numpy"):
            assert module not in source, f"{path.name} imports {module.split()[-1]}"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def test_evidence_pack_has_papermill_parameters():
    notebook = json.loads((NOTEBOOKS[0].parent / "evidence_pack.ipynb").read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    assert "area_code =" in "".join(tagged[0]["source"])


def test_evidence_pack_reads_as_the_pack():
    """A heading cell and one call per section, in pack order, with the builders' titles."""
    import importlib

    from carerlib.pack.sections import BUILDERS

    cells = json.loads((NOTEBOOKS[0].parent / "evidence_pack.ipynb").read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells]
    calls = [i for i, s in enumerate(sources) if s.startswith("show(sections.")]
    names = [sources[i].removeprefix("show(sections.").removesuffix("(ev))") for i in calls]
    assert names == [b.__name__ for b in BUILDERS]
    for i, name in zip(calls, names, strict=True):
        title = importlib.import_module(f"carerlib.pack.sections.{name}").TITLE
        assert cells[i - 1]["cell_type"] == "markdown"
        assert sources[i - 1].splitlines()[0] == f"## {title}"
    assert sources[-1].startswith("finish(ev)")
