"""The notebook's pack in-process: what `show` displayed is what `finish` exports, including an
analyst's own table and chart, and nothing else."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from carerlib.errors import CarerlibError
from carerlib.pack import sections
from carerlib.pack.book import Table, chart, finish, show, start
from carerlib.pack.charts import figure_data


def test_figure_data_lists_every_point_of_every_trace():
    fig = go.Figure([go.Bar(x=["a", "b"], y=[1, 2], name="first"),
                     go.Scatter(x=[2020, 2021], y=[0.5, 0.25])])
    assert figure_data(fig).to_dict("records") == [
        {"series": "first", "x": "a", "y": 1}, {"series": "first", "x": "b", "y": 2},
        {"series": "trace 2", "x": 2020, "y": 0.5}, {"series": "trace 2", "x": 2021, "y": 0.25}]


def test_finish_exports_what_was_shown(mirror, tmp_path, capsys):
    ev = start("E06000033", None, tmp_path)
    show(sections.summary(ev))
    show(sections.reach(ev))
    show(Table("Carers' centre members by locality", pd.DataFrame(
        {"locality": ["Leigh", "Shoebury"], "members": [120, 95]}), "centre records",
        name="centre_members"))
    show(chart(go.Figure(go.Bar(x=["Leigh"], y=[3], name="groups")), "centre_groups", "ours"))
    finish(ev)
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "centre_groups.csv", "centre_members.csv", "reach.csv"]
    assert (tmp_path / "tables" / "centre_members.csv").read_text().splitlines() == [
        "locality,members", "Leigh,120", "Shoebury,95"]
    headlines = json.loads((tmp_path / "headlines.json").read_text())
    # The summary's own two statements, then Reach's, each once: carers known to the council
    # (also in the summary), then Carer's Allowance as its own measure (issue 11).
    council = ("The council knew 1,009 carers (carers assessed or reviewed by the council, "
               "2012/13): 5.7% of the 17,682 carers counted by the Census 2011.")
    allowance = ("1,650 adults in Southend-on-Sea received Carer's Allowance (November 2012), "
                 "9.3% of the 17,682 carers counted by the Census 2011.")
    assert headlines["statements"][2:] == [council, allowance]
    assert headlines["statements"][0].startswith("15,019 usual residents aged 5 and over")
    assert set(headlines["figures"]) == {"carers_2021", "prevalence_2021", "prevalence_flag",
                                         "share_50_plus_hours"}
    structure = json.loads((tmp_path / "structure.json").read_text())
    assert [(s["section"], s["tables"], s["charts"]) for s in structure] == [
        ("summary", [], []), ("reach", ["reach"], []),
        ("custom_centre_members", ["centre_members"], []),
        ("custom_centre_groups", [], ["centre_groups"])]


def test_a_rerun_cell_replaces_its_section_and_clashing_names_are_refused(mirror, tmp_path,
                                                                           capsys):
    ev = start("E06000033", None, tmp_path)
    show(sections.reach(ev))
    show(sections.reach(ev))  # the same cell run twice
    assert [r.key for r in ev.shown] == ["reach"]
    show(Table("Mine", pd.DataFrame({"a": [1]}), "ours", name="reach"))
    with pytest.raises(CarerlibError, match="two tables are named 'reach'"):
        finish(ev)
    capsys.readouterr()
