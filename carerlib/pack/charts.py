"""Plotly charts in one house style: colour-blind-safe palette, a title that states the finding,
axis units, and a source line under every chart."""

from __future__ import annotations

import copy
import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.shapeannotation import annotation_params_for_line

#: Okabe-Ito palette (safe for the common colour-vision deficiencies).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Arial, Helvetica, sans-serif"


# Marker lines set width and opacity: simple_white draws shapes 0 px wide at 30% opacity.

#: The parts of plotly's simple_white template that carerlib's charts use (2-D axes, bars,
#: lines, histograms). The whole template also styles maps, 3-D scenes and twenty other trace
#: types; every chart carries its template, twice in a pack (interactive and HTML outputs), so
#: the trimmed one makes each chart about 8 KB smaller and quicker to build. It looks the same.
_SIMPLE_WHITE_PARTS = {
    "layout": ("autotypenumbers", "font", "hovermode", "hoverlabel", "paper_bgcolor",
               "plot_bgcolor", "xaxis", "yaxis", "shapedefaults", "annotationdefaults", "title"),
    "data": ("bar", "scatter", "histogram"),
}


def house_template() -> go.layout.Template:
    """simple_white, trimmed to what carerlib's charts draw (see _SIMPLE_WHITE_PARTS)."""
    full = pio.templates["simple_white"].to_plotly_json()
    return go.layout.Template({
        part: {key: full[part][key] for key in keys if key in full[part]}
        for part, keys in _SIMPLE_WHITE_PARTS.items()})


HOUSE_TEMPLATE = house_template()
#: The template as plain JSON, for figures built from specs (see `figure`).
HOUSE_TEMPLATE_JSON = HOUSE_TEMPLATE.to_plotly_json()


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A plotly figure from a spec carerlib built, without plotly's validation pass.

    Validation checks every property against plotly's schema as it is set, and took about
    25 ms of a chart's 26 (a tenth of a pack's time). carerlib's specs are checked once, in
    the tests: each chart rebuilt *with* validation serialises to the same JSON
    (tests/test_charts.py). An analyst's own figures are built and validated as usual.
    """
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def copy_figure(fig: go.Figure) -> go.Figure:
    """A copy of one of carerlib's figures sharing nothing with it, without plotly's validation.

    Built from a deep copy of the figure's own trace and layout dicts (`go.Figure(fig)` makes
    the same copy through its JSON form and validates it again, six times slower). The tests
    check that a copy serialises to the same JSON and that changing it leaves the original as
    it was.
    """
    return figure(copy.deepcopy(fig._data), copy.deepcopy(fig._layout))


def source_annotation(source: str) -> dict:
    """The source line under a chart (wrapped at 150 characters)."""
    return {"text": "<br>".join(textwrap.wrap(html.escape(f"Source: {source}"), 150)),
            "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yshift": -62,
            "showarrow": False, "xanchor": "left", "yanchor": "top",
            "font": {"size": 11, "color": "#555"}, "align": "left"}


def house_layout(title: str, source: str, *, x_title: str = "", y_title: str = "",
                 height: int = 420) -> dict:
    """The house layout: finding as title, units on axes, source line beneath."""
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": FONT, "size": 13, "color": "#222"},
        # go.Figure copies its spec, so the shared palette and template are never edited
        # through a figure (tests/test_charts.py checks it).
        "colorway": PALETTE,
        "template": HOUSE_TEMPLATE_JSON,
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 110, "b": 95},
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "annotations": [source_annotation(source)],
    }


def house_style(fig: go.Figure, title: str, source: str, *, x_title: str = "",
                y_title: str = "", height: int = 420) -> go.Figure:
    """Apply the house layout to a figure built elsewhere (e.g. the explorer's own)."""
    layout = house_layout(title, source, x_title=x_title, y_title=y_title, height=height)
    annotations = layout.pop("annotations")
    fig.update_layout(layout)
    for annotation in annotations:
        fig.add_annotation(annotation)
    return fig


def _values(column: pd.Series) -> np.ndarray:
    """A column as plotly stores it after validation (a NumPy array)."""
    return column.to_numpy()


def _groups(data: pd.DataFrame, color: str | None, single: str | None
            ) -> list[tuple[str | None, pd.DataFrame]]:
    return [(single, data)] if color is None else list(data.groupby(color, sort=False))


def vline(x: float, color: str, *, dash: str | None = None, width: float = 2,
          label: str | None = None, position: str = "top") -> tuple[dict, list[dict]]:
    """A vertical marker across the plot at `x` (as plotly's add_vline draws it) and its label
    placed as plotly places it (`plotly.shapeannotation`)."""
    line = {"color": color, "width": width} | ({"dash": dash} if dash else {})
    shape = {"type": "line", "xref": "x", "yref": "y domain", "x0": x, "x1": x, "y0": 0,
             "y1": 1, "line": line, "opacity": 1}
    if label is None:
        return shape, []
    place = annotation_params_for_line("vline", shape, position)
    return shape, [{"text": label, "showarrow": False, "xref": "x", "yref": "y domain"} | place]


def _marked(layout: dict, lines: list[tuple[dict, list[dict]]]) -> dict:
    """The layout with marker lines and their labels added."""
    layout["shapes"] = layout.get("shapes", []) + [shape for shape, _ in lines]
    layout["annotations"] = layout["annotations"] + [a for _, labels in lines for a in labels]
    return layout


def bar(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str = "",
        y_title: str = "", color: str | None = None, text_format: str = ",.0f",
        orientation: str = "v") -> go.Figure:
    """A bar chart (grouped by `color` when given) with values printed on the bars."""
    traces = []
    for i, (name, part) in enumerate(_groups(data, color, None)):
        xs, ys = (part[x], part[y]) if orientation == "v" else (part[y], part[x])
        traces.append({
            "type": "bar", "x": _values(xs), "y": _values(ys),
            "name": str(name) if name is not None else y, "orientation": orientation,
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "texttemplate": f"%{{{'y' if orientation == 'v' else 'x'}:{text_format}}}",
            "textposition": "outside", "cliponaxis": False,
        })
    layout = house_layout(title, source, x_title=x_title, y_title=y_title)
    return figure(traces, layout | {"barmode": "group", "showlegend": color is not None})


def _line_spec(data: pd.DataFrame, x: str, y: str, *, title: str, source: str,
               x_title: str, y_title: str, color: str | None, markers: bool
               ) -> tuple[list[dict], dict]:
    traces = [{
        "type": "scatter", "x": _values(part[x]), "y": _values(part[y]), "name": str(name),
        "mode": "lines+markers" if markers else "lines",
        "line": {"color": PALETTE[i % len(PALETTE)], "width": 2.5},
    } for i, (name, part) in enumerate(_groups(data, color, y))]
    layout = house_layout(title, source, x_title=x_title, y_title=y_title)
    return traces, layout | {"showlegend": color is not None}


def line(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str = "",
         y_title: str = "", color: str | None = None, markers: bool = True) -> go.Figure:
    """A line chart, one line per `color` group."""
    return figure(*_line_spec(data, x, y, title=title, source=source, x_title=x_title,
                              y_title=y_title, color=color, markers=markers))


def interval_dots(data: pd.DataFrame, label: str, value: str, lower: str, upper: str, *,
                  title: str, source: str, x_title: str = "", highlight: str | None = None
                  ) -> go.Figure:
    """Point estimates with confidence intervals (horizontal), one row per area."""
    colours = [PALETTE[5] if row == highlight else PALETTE[0] for row in data[label]]
    trace = {
        "type": "scatter", "x": _values(data[value]), "y": _values(data[label]),
        "mode": "markers", "marker": {"size": 11, "color": colours},
        "error_x": {"type": "data", "symmetric": False,
                    "array": _values(data[upper] - data[value]),
                    "arrayminus": _values(data[value] - data[lower]), "color": "#555"},
        "hovertemplate": "%{y}: %{x:.2%}<extra></extra>",
    }
    layout = house_layout(title, source, x_title=x_title, height=120 + 45 * len(data))
    layout["xaxis"]["tickformat"] = ".2%"
    layout["yaxis"]["autorange"] = "reversed"
    return figure([trace], layout)


def tornado(data: pd.DataFrame, *, title: str, source: str, x_title: str) -> go.Figure:
    """One-way sensitivity: a bar per input from its low to its high output, widest on top.

    `data` has columns input, output_at_low, output_at_high, output_base (sorted by swing).
    """
    rows = data.iloc[::-1]
    base = float(rows["output_base"].iloc[0])
    traces = [{"type": "bar", "y": _values(rows["input"]), "x": _values(rows[column] - base),
               "base": base, "orientation": "h", "name": name,
               "marker": {"color": PALETTE[i]}}
              for i, (column, name) in enumerate([
                  ("output_at_low", "input at its low value"),
                  ("output_at_high", "input at its high value")])]
    layout = house_layout(title, source, x_title=x_title, height=160 + 45 * len(rows))
    layout = _marked(layout | {"barmode": "overlay"},
                     [vline(base, "#555", dash="dash"), vline(0, "#D55E00")])
    return figure(traces, layout)


def histogram(values, *, title: str, source: str, x_title: str, markers: dict[str, float]
              ) -> go.Figure:
    """Distribution of simulated values in 60 equal bins, with vertical markers (e.g. interval
    ends, zero). The bins are counted here, so the chart carries 60 bars rather than every
    simulated value (10,000 values made it the largest thing in a pack's page)."""
    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=60)
    trace = {
        "type": "bar", "x": (edges[:-1] + edges[1:]) / 2, "y": counts, "width": np.diff(edges),
        "marker": {"color": PALETTE[0], "line": {"color": "white", "width": 0.6}},
        "opacity": 0.85, "name": "simulations",
        "customdata": np.column_stack([edges[:-1], edges[1:]]),
        "hovertemplate": "%{customdata[0]:,.0f} to %{customdata[1]:,.0f}: %{y} simulations"
                         "<extra></extra>"}
    lines = [vline(x, PALETTE[(i + 1) % len(PALETTE)], dash="dash", label=label)
             for i, (label, x) in enumerate(markers.items())]
    layout = house_layout(title, source, x_title=x_title, y_title="Simulations")
    return figure([trace], _marked(layout | {"showlegend": False}, lines))


def break_even(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str,
               y_title: str, color: str, assumed: float, break_even_at: float) -> go.Figure:
    """Lines of an output against one input, with the assumed value and break-even marked."""
    traces, layout = _line_spec(data, x, y, title=title, source=source, x_title=x_title,
                                y_title=y_title, color=color, markers=False)
    zero = {"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
            "line": {"color": "#555", "width": 1.5}, "opacity": 1}
    layout["xaxis"]["tickformat"] = ".0%"
    layout = _marked(layout | {"shapes": [zero]}, [
        vline(assumed, PALETTE[2], dash="dash", label=f"assumed {assumed:.0%}",
              position="top left"),
        vline(break_even_at, PALETTE[5], dash="dot", label=f"break-even {break_even_at:.1%}",
              position="bottom right")])
    return figure(traces, layout)


def figure_data(fig: go.Figure) -> pd.DataFrame:
    """The numbers behind a plotly figure, one row per point: trace name, x and y.

    Lets an analyst's own chart carry its numbers in a table (and in the pack's CSV/XLSX export)
    like carerlib's charts do. Traces without x or y (e.g. pie charts) give labels and values.
    """
    rows = []
    for i, trace in enumerate(fig.data):
        name = trace.name if trace.name is not None else f"trace {i + 1}"
        xs = getattr(trace, "x", None)
        ys = getattr(trace, "y", None)
        if xs is None and ys is None:
            xs, ys = getattr(trace, "labels", None), getattr(trace, "values", None)
        if ys is None:
            continue
        xs = list(xs) if xs is not None else list(range(len(ys)))
        rows += [{"series": name, "x": x, "y": y} for x, y in zip(xs, list(ys), strict=False)]
    return pd.DataFrame(rows, columns=["series", "x", "y"])
