"""How numbers and text reach the HTML: formatted for people, blanks blank, everything escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carerlib.pack.report import Statement, Text, block_html, format_frame, table_html


def test_format_frame_units_and_blanks():
    frame = pd.DataFrame({"organisation": ["ECC", "Total"], "cluster": ["North", np.nan],
                          "breaks": [540_000.0, np.nan], "carers": [15_019, 4_568],
                          "share": [0.3041, 0.5]})
    shown = format_frame(frame, {"breaks": "£{:,.0f}", "share": "{:.1%}"})
    assert shown.to_dict("list") == {
        "organisation": ["ECC", "Total"], "cluster": ["North", ""], "breaks": ["£540,000", ""],
        "carers": ["15,019", "4,568"], "share": ["30.4%", "50.0%"]}


def test_everything_is_escaped():
    html = table_html(pd.DataFrame({"<b>name</b>": ["<script>x</script> & co"]}))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;name&lt;/b&gt;" in html
    assert "<script>" not in block_html(Text("<script>"))
    statement = block_html(Statement("<i>fig</i>", "<i>mean</i>", "<i>src</i>"))
    assert "<i>" not in statement and statement.count("&lt;i&gt;") == 3
