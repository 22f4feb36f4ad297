"""Tiny notebooks for runner tests, written by the tests themselves (papermill's own test suite
keeps a library of such case notebooks)."""

from __future__ import annotations

from pathlib import Path

import nbformat

PARAMETERS = 'area_code = None\nparams_file = None\noutput_dir = None'


def write_notebook(path: Path, *cells: str) -> Path:
    """A notebook with a papermill parameters cell followed by `cells` (code)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(source) for source in cells)]
    nbformat.write(nb, path)
    return path


#: Records what an area's kernel can see, then changes all of it for whoever comes next.
PROBE_RECORD = '''
import json, os, pathlib, random, sys, warnings
import numpy as np
import pandas as pd
import plotly.io as pio
import carerlib.data.datastore as datastore
import carerlib.params as params_module
state = {
    "leaked_variable": globals().get("secret"),
    "max_rows": pd.get_option("display.max_rows"),
    "template": pio.templates.default,
    "simple_white_font": pio.templates["simple_white"].layout.font.size,
    "extra_template": "mine" in pio.templates,
    "registry_cached": datastore.registry.cache_info().currsize,
    "numpy_random": float(np.random.random()),
    "random": random.random(),
    "env": os.environ.get("CARERLIB_PROBE"),
    "cwd": os.getcwd(),
    "path_added": "/nowhere" in sys.path,
    "load_params_original": params_module.load_params.__module__ == "carerlib.params",
    "warning_filters": len(warnings.filters),
}
pathlib.Path(output_dir, "state.json").write_text(json.dumps(state))
'''

PROBE_CHANGE = '''
secret = area_code
pd.set_option("display.max_rows", 3)
pio.templates.default = "plotly_dark"
pio.templates["simple_white"].layout.font.size = 99
pio.templates["mine"] = pio.templates["plotly"]
datastore.registry()
np.random.seed(7); random.seed(7)
os.environ["CARERLIB_PROBE"] = area_code
os.chdir("/")
sys.path.append("/nowhere")
warnings.simplefilter("ignore")
if area_code == "PATCH":
    params_module.load_params = lambda *args, **kwargs: None
'''
