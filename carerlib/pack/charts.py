"""Plotly charts in one house style: colour-blind-safe palette, a title that states the finding,
axis units, and a source line under every chart."""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

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


def house_style(fig: go.Figure, title: str, source: str, *, x_title: str = "",
                y_title: str = "", height: int = 420) -> go.Figure:
    """Apply the house layout: finding as title, units on axes, source line beneath."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#222"},
        colorway=PALETTE,
        template=HOUSE_TEMPLATE,
        height=height,
        margin={"l": 70, "r": 30, "t": 110, "b": 95},
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom", "title": None},
        xaxis_title=x_title,
        yaxis_title=y_title,
    )
    fig.add_annotation(
        text="<br>".join(textwrap.wrap(html.escape(f"Source: {source}"), 150)),
        xref="paper", yref="paper", x=0, y=0,
        yshift=-62, showarrow=False, xanchor="left", yanchor="top",
        font={"size": 11, "color": "#555"}, align="left",
    )
    return fig


def bar(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str = "",
        y_title: str = "", color: str | None = None, text_format: str = ",.0f",
        orientation: str = "v") -> go.Figure:
    """A bar chart (grouped by `color` when given) with values printed on the bars."""
    fig = go.Figure()
    groups = [(None, data)] if color is None else list(data.groupby(color, sort=False))
    for i, (name, part) in enumerate(groups):
        xs, ys = (part[x], part[y]) if orientation == "v" else (part[y], part[x])
        fig.add_trace(go.Bar(
            x=xs, y=ys, name=str(name) if name is not None else y, orientation=orientation,
            marker_color=PALETTE[i % len(PALETTE)],
            texttemplate=f"%{{{'y' if orientation == 'v' else 'x'}:{text_format}}}",
            textposition="outside", cliponaxis=False,
        ))
    fig.update_layout(barmode="group", showlegend=color is not None)
    return house_style(fig, title, source, x_title=x_title, y_title=y_title)


def line(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str = "",
         y_title: str = "", color: str | None = None, markers: bool = True) -> go.Figure:
    """A line chart, one line per `color` group."""
    fig = go.Figure()
    groups = [(y, data)] if color is None else list(data.groupby(color, sort=False))
    for i, (name, part) in enumerate(groups):
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], name=str(name), mode="lines+markers" if markers else "lines",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
        ))
    fig.update_layout(showlegend=color is not None)
    return house_style(fig, title, source, x_title=x_title, y_title=y_title)


def interval_dots(data: pd.DataFrame, label: str, value: str, lower: str, upper: str, *,
                  title: str, source: str, x_title: str = "", highlight: str | None = None
                  ) -> go.Figure:
    """Point estimates with confidence intervals (horizontal), one row per area."""
    colours = [PALETTE[5] if row == highlight else PALETTE[0] for row in data[label]]
    fig = go.Figure(go.Scatter(
        x=data[value], y=data[label], mode="markers", marker={"size": 11, "color": colours},
        error_x={"type": "data", "symmetric": False, "array": data[upper] - data[value],
                 "arrayminus": data[value] - data[lower], "color": "#555"},
        hovertemplate="%{y}: %{x:.2%}<extra></extra>",
    ))
    fig.update_xaxes(tickformat=".2%")
    fig.update_yaxes(autorange="reversed")
    return house_style(fig, title, source, x_title=x_title, height=120 + 45 * len(data))


def tornado(data: pd.DataFrame, *, title: str, source: str, x_title: str) -> go.Figure:
    """One-way sensitivity: a bar per input from its low to its high output, widest on top.

    `data` has columns input, output_at_low, output_at_high, output_base (sorted by swing).
    """
    rows = data.iloc[::-1]
    base = float(rows["output_base"].iloc[0])
    fig = go.Figure([
        go.Bar(y=rows["input"], x=rows["output_at_low"] - base, base=base, orientation="h",
               name="input at its low value", marker_color=PALETTE[0]),
        go.Bar(y=rows["input"], x=rows["output_at_high"] - base, base=base, orientation="h",
               name="input at its high value", marker_color=PALETTE[1]),
    ])
    fig.add_vline(line_width=2, opacity=1, x=base, line_dash="dash", line_color="#555")
    fig.add_vline(line_width=2, opacity=1, x=0, line_color="#D55E00")
    fig.update_layout(barmode="overlay")
    return house_style(fig, title, source, x_title=x_title, height=160 + 45 * len(rows))


def histogram(values, *, title: str, source: str, x_title: str, markers: dict[str, float]
              ) -> go.Figure:
    """Distribution of simulated values in 60 equal bins, with vertical markers (e.g. interval
    ends, zero). The bins are counted here, so the chart carries 60 bars rather than every
    simulated value (10,000 values made it the largest thing in a pack's page)."""
    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=60)
    fig = go.Figure(go.Bar(
        x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color=PALETTE[0],
        opacity=0.85, name="simulations", marker_line={"color": "white", "width": 0.6},
        customdata=np.column_stack([edges[:-1], edges[1:]]),
        hovertemplate="%{customdata[0]:,.0f} to %{customdata[1]:,.0f}: %{y} simulations"
                      "<extra></extra>"))
    for i, (label, x) in enumerate(markers.items()):
        fig.add_vline(line_width=2, opacity=1, x=x, line_dash="dash",
                      line_color=PALETTE[(i + 1) % len(PALETTE)],
                      annotation_text=label, annotation_position="top")
    fig.update_layout(showlegend=False)
    return house_style(fig, title, source, x_title=x_title, y_title="Simulations")


def break_even(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_title: str,
               y_title: str, color: str, assumed: float, break_even_at: float) -> go.Figure:
    """Lines of an output against one input, with the assumed value and break-even marked."""
    fig = line(data, x, y, color=color, title=title, source=source, x_title=x_title,
               y_title=y_title, markers=False)
    fig.add_hline(line_width=1.5, opacity=1, y=0, line_color="#555")
    fig.add_vline(line_width=2, opacity=1, x=assumed, line_dash="dash", line_color=PALETTE[2],
                  annotation_text=f"assumed {assumed:.0%}", annotation_position="top left")
    fig.add_vline(line_width=2, opacity=1, x=break_even_at, line_dash="dot", line_color=PALETTE[5],
                  annotation_text=f"break-even {break_even_at:.1%}",
                  annotation_position="bottom right")
    fig.update_xaxes(tickformat=".0%")
    return fig


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
