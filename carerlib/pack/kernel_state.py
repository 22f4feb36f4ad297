"""Runs inside a warm kernel: remember the state after warm-up, and put it back between areas.

A warm kernel builds many areas' packs one after another, so nothing one area's notebook does may
reach the next. `reset()` clears the user namespace and execution count, restores what is known to
be mutable process state, and reports anything it cannot restore so the runner restarts the
kernel instead (the restart-or-reset policy):

- restored: the namespace, pandas options, plotly's default template and renderer and any edited
  or added template, matplotlib rcParams, the global random states, os.environ, the working
  folder, sys.path, warning filters, and every functools cache in carerlib but those keyed by
  their files' identity or derived from carerlib's code alone (`KEPT_CACHES`);
- kept on purpose: the parsed store's Arrow tables and pandas frames (`carerlib.data.parsed`),
  never handed out (every read makes its own frame), and the caches in `KEPT_CACHES` (the
  breaks worked example's parts and the deflator among them, each handed out as a copy), so
  no area can change what the next one reads;
- restart: a module global of carerlib, pandas, numpy or plotly rebound (monkeypatching), or a
  new top-level package imported, or plotly's renderers loaded (their state is unknown; they are
  imported at warm-up after the restart, so the next areas keep the warm kernel).

Nothing here is imported by a pack built on its own.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import pkgutil
import random
import sys
import warnings
from typing import Any

WATCHED_PACKAGES = ("carerlib", "pandas", "numpy", "plotly")

_baseline: dict[str, Any] | None = None
_areas_reset = 0


def _top_level() -> set[str]:
    return {name.partition(".")[0] for name in list(sys.modules) if not name.startswith("_")}


def _watched_globals() -> dict[str, dict[str, object]]:
    """module name -> its globals, for carerlib and the libraries a pack changes most."""
    out = {}
    for name, module in list(sys.modules.items()):
        if (module is not None and name.partition(".")[0] in WATCHED_PACKAGES
                and name != __name__):
            out[name] = dict(vars(module))
    return out


def _pandas_options() -> dict[str, object]:
    if "pandas" not in sys.modules:
        return {}
    import pandas as pd
    from pandas._config import config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {key: copy.deepcopy(pd.get_option(key)) for key in config._registered_options}


#: plotly's renderers: loaded only when a figure is shown the plotly way (fig.show(), a figure
#: as a cell's result) or their default is read. Loading them imports nbformat, jsonschema and its
#: format checkers (~1.3 s); a pack never needs them, so the baseline does not load them.
RENDERERS = "plotly.io._renderers"


def _plotly_defaults() -> dict[str, object]:
    if "plotly.io" not in sys.modules:
        return {}
    import plotly.io as pio

    saved = {"template": pio.templates.default, "templates": dict(pio.templates._templates)}
    if RENDERERS in sys.modules:
        saved["renderer"] = pio.renderers.default
    return saved


def _rcparams() -> dict[str, object] | None:
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib

    return copy.deepcopy(dict(matplotlib.rcParams))


def _numpy_random() -> object:
    if "numpy" not in sys.modules:
        return None
    import numpy as np

    return np.random.get_state()


def take_baseline() -> None:
    """Remember the warm kernel's state (call once, after the warm-up imports)."""
    global _baseline
    _baseline = {
        "pandas": _pandas_options(), "plotly": _plotly_defaults(), "rc": _rcparams(),
        "random": random.getstate(), "numpy_random": _numpy_random(),
        "environ": dict(os.environ), "cwd": os.getcwd(), "path": list(sys.path),
        "warnings": list(warnings.filters),
    }
    # Last: reading the state above must not import what the baseline then misses.
    _baseline["globals"] = _watched_globals()
    _baseline["top_level"] = _top_level()
    # Everything alive now (the warmed libraries) stays alive: leave it out of every later
    # collection, so the collection after each area scans only what that area made.
    gc.collect()
    gc.freeze()


def warm_up(shell, modules: list[str]) -> bool:
    """Import `modules` (those that exist), clear the namespace and take the baseline."""
    import importlib

    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    shell.reset(new_session=True)
    take_baseline()
    return True


_IMMUTABLE = (str, bytes, int, float, bool, type(None))


def _same(now: object, before: object, library: bool) -> bool:
    """The same object, an equal immutable value (libraries re-derive some constants), or in a
    library (not carerlib) a constant filled in lazily (pandas sets its package folder on first
    warning)."""
    if now is before:
        return True
    if type(now) is type(before) and isinstance(now, _IMMUTABLE) and now == before:
        return True
    return library and before is None and isinstance(now, _IMMUTABLE)


def _unchanged(now: dict[str, object], before: dict[str, object]) -> bool:
    """The module's globals are the baseline's own objects, key for key: a dict comparison in
    C, which takes identical values as equal without comparing them (most modules, most
    areas). Anything else is checked name by name."""
    try:
        return len(now) == len(before) and bool(now == before)
    except Exception:  # noqa: BLE001 - e.g. an array compared with ==: check name by name
        return False


def _rebound_globals(baseline: dict[str, dict[str, object]]) -> list[str]:
    rebound = []
    for name, before in baseline.items():
        module = sys.modules.get(name)
        if module is None:
            rebound.append(f"module {name} removed")
            continue
        now = vars(module)
        if _unchanged(now, before):
            continue
        for key, value in before.items():
            library = not name.startswith("carerlib")
            if key not in now or not _same(now[key], value, library):
                rebound.append(f"{name}.{key} rebound")
    return rebound


def _restore_pandas(options: dict[str, object]) -> None:
    if not options:
        return
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in options.items():
            if pd.get_option(key) != value:
                pd.set_option(key, copy.deepcopy(value))


_PRISTINE: dict[str, str | None] = {}  # template name -> plotly's own JSON, read once


def _pristine_template(name: str) -> str | None:
    if name not in _PRISTINE:
        data = pkgutil.get_data("plotly", f"package_data/templates/{name}.json")
        if data is None:
            _PRISTINE[name] = None
        else:
            import plotly.graph_objects as go

            template = go.layout.Template(json.loads(data))
            _PRISTINE[name] = json.dumps(template.to_plotly_json(), sort_keys=True)
    return _PRISTINE[name]


def _restore_plotly(saved: dict[str, object]) -> None:
    if not saved:
        return
    import plotly.graph_objects as go
    import plotly.io as pio

    if pio.templates.default != saved["template"]:  # setting it validates the template anew
        pio.templates.default = saved["template"]
    if "renderer" in saved and pio.renderers.default != saved["renderer"]:
        pio.renderers.default = saved["renderer"]
    current = pio.templates._templates
    for name in list(current):
        if name not in saved["templates"]:
            del current[name]  # added by a notebook
            continue
        if current[name] is not saved["templates"][name]:
            current[name] = saved["templates"][name]  # replaced: back to the baseline's
        if not isinstance(current[name], go.layout.Template):
            continue  # not loaded yet: plotly reads it from its file when used
        if json.dumps(current[name].to_plotly_json(), sort_keys=True) != _pristine_template(
                name):
            # Edited in place, perhaps the baseline's own object: plotly's templates are
            # rebuilt from its file (and become the baseline), anything else is dropped.
            pristine = _pristine_template(name)
            if pristine is None:
                del current[name]
                del saved["templates"][name]
            else:
                current[name] = saved["templates"][name] = go.layout.Template(
                    json.loads(pristine))


_CACHES: tuple[frozenset[str], list] = (frozenset(), [])  # carerlib modules -> their caches
#: Caches kept across areas: each is keyed by its files' identity (path, size and modification
#: time) or derived from carerlib's own code alone, so an area cannot leave anything in them that
#: differs from what the next area would compute. Clearing them made every pack hash every data
#: file again.
KEPT_CACHES = frozenset({
    "carerlib.data.checksums._cached", "carerlib.pack.preflight._ltla_codes",
    "carerlib.data.parsed.reader_digest", "carerlib.pack.labels._band_ranks",
    "carerlib.data.deflator._read", "carerlib.pack.sections.breaks._worked_example",  # copied
})


def _carerlib_caches() -> list:
    """Every functools cache in carerlib's modules, found again only when a carerlib module has
    been imported since (a cache rebound in a module restarts the kernel instead)."""
    global _CACHES
    modules = frozenset(name for name in sys.modules if name.partition(".")[0] == "carerlib")
    if modules != _CACHES[0]:
        caches = [value for name in sorted(modules) if sys.modules[name] is not None
                  for value in list(vars(sys.modules[name]).values())
                  if callable(getattr(value, "cache_clear", None))
                  and f"{value.__module__}.{value.__qualname__}" not in KEPT_CACHES]
        _CACHES = (modules, caches)
    return _CACHES[1]


def _clear_carerlib_caches() -> None:
    for cached in _carerlib_caches():
        cached.cache_clear()


def reset(shell) -> dict[str, list[str]]:
    """Clear the namespace and restore the baseline. Returns why a restart is needed (`restart`,
    empty when the kernel can be reused) and what the next warm-up should import as well
    (`new_packages`: the top-level packages imported since warm-up, and plotly's renderers if
    they were loaded)."""
    if _baseline is None:
        return {"restart": ["no baseline taken"], "new_packages": []}
    base = _baseline
    shell.reset(new_session=True)  # namespace, history and the execution count
    reasons = _rebound_globals(base["globals"])
    new = sorted(_top_level() - base["top_level"])
    if new:
        reasons.append("new packages imported: " + ", ".join(new))
    if base["plotly"] and "renderer" not in base["plotly"] and RENDERERS in sys.modules:
        # Their default renderer is chosen at import and may have been changed since: only a
        # restart (with the renderers loaded at warm-up from then on) gives a known one.
        reasons.append("plotly's renderers loaded")
        new.append(RENDERERS)
    _restore_pandas(base["pandas"])
    _restore_plotly(base["plotly"])
    if base["rc"] is not None:
        import matplotlib

        matplotlib.rcParams.update(copy.deepcopy(base["rc"]))
    random.setstate(base["random"])
    if base["numpy_random"] is not None:
        import numpy as np

        np.random.set_state(base["numpy_random"])
    os.environ.clear()
    os.environ.update(base["environ"])
    os.chdir(base["cwd"])
    sys.path[:] = base["path"]
    warnings.filters[:] = base["warnings"]
    _clear_carerlib_caches()
    _collect()
    return {"restart": reasons, "new_packages": new}


def _collect() -> None:
    """Free what the area left in reference cycles. After the first area, what survives is
    what the libraries build once and keep (plotly's validators, the parsed store's Arrow
    tables, the national tables): it joins the warm-up's objects outside later collections,
    which then scan only what each area made (a full scan took ~7 ms, twice a reset)."""
    global _areas_reset
    gc.collect()
    _areas_reset += 1
    if _areas_reset == 1:
        gc.freeze()
