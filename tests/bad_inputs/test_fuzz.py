"""Hypothesis fuzzing: every example is either read/validated, or refused with a one-line error
naming the file (never another exception, never a second line)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from conftest import TS039_HEADER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carerlib.data import census
from carerlib.data.yamlfile import read_yaml
from carerlib.errors import DataError, ParamsError
from carerlib.params import load_params

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = TS039_HEADER
ROW = ["2021", "Southend-on-Sea", "E06000033", "170444", "155425", "7405", "5320", "2085",
       "3046", "1390", "1656", "4568"]
CELL = st.one_of(st.text(max_size=12), st.integers(-10**12, 10**12).map(str),
                 st.floats(allow_nan=True).map(str), st.sampled_from(["", "-", "1,000", "E99"]))


def _one_line_naming(exc: Exception, path: Path) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(str(path))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(ROW) - 1), CELL), max_size=4),
       st.integers(1, 3), st.booleans())
def test_ts039_reader_reads_or_refuses_in_one_line(edits, copies, drop_header):
    row = list(ROW)
    for index, value in edits:
        row[index] = value
    lines = ([] if drop_header else [HEADER]) + [",".join(row)] * copies
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ts039.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            frame = census.read_ts039(path)
        except DataError as exc:
            _one_line_naming(exc, path)
        else:  # accepted only when the row is whole, consistent and once
            assert copies == 1
            assert frame.loc[frame["category"] == "all_residents", "count"].iloc[0] >= 0


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_as_a_census_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ts039.csv"
        path.write_bytes(data)
        try:
            census.read_ts039(path)
        except DataError as exc:
            _one_line_naming(exc, path)


SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=10))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
KEYS = st.sampled_from([
    ("confidence_level",), ("value_of_care", "cost_per_hour", "value"),
    ("value_of_care", "hours_per_band", "50_plus"), ("pack", "cell_timeout_seconds"),
    ("breaks", "break_rate", "hourly_rate", "value"), ("groups",), ("batches",),
    ("area",), ("area", "known_carers"), ("pack", "notebook"), ("dependency", "working_ages"),
    ("health",), ("statements", "reach", "threshold"), ("surprise",)])


def _nest(keys: tuple[str, ...], value):
    for key in reversed(keys):
        value = {key: value}
    return value


@FUZZ
@given(KEYS, VALUE)
def test_params_validate_or_refuse_in_one_line(keys, value):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(_nest(keys, value)), encoding="utf-8")
        try:
            params = load_params(params_file=path)
        except ParamsError as exc:
            _one_line_naming(exc, path)
        else:
            cost = params.value_of_care.cost_per_hour.value
            assert 0 < cost <= 500 and params.pack.cell_timeout_seconds <= 86_400


@FUZZ
@given(st.one_of(st.binary(max_size=120), st.text(max_size=120)))
def test_any_file_as_params(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
        try:
            read_yaml(path)
        except ParamsError as exc:
            _one_line_naming(exc, path)


READERS = ["ts039_ltla", "ts007_ltla", "qs301_lad2011", "qs103_lad2011", "ltla_utla_lookup",
           "lad2011_lad2021_lookup", "la_codes", "snpp2022", "ascof", "care_rates_by_age_sex"]


@FUZZ
@given(st.sampled_from(READERS), st.data())
def test_every_reader_reads_or_refuses_in_one_line(mirror, key, data):
    """The head of each real file (in a temporary folder) with a few cells changed."""
    import csv
    import io

    from carerlib.data.datastore import registry
    from carerlib.data.fetch import VALIDATORS

    source = mirror / registry().datasets[key].path
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = [row for _, row in zip(range(6), csv.reader(handle), strict=False)]
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        r = data.draw(st.integers(0, len(rows) - 1), label="row")
        c = data.draw(st.integers(0, len(rows[r]) - 1), label="column")
        rows[r][c] = data.draw(CELL, label="value")
    if data.draw(st.booleans(), label="drop a cell"):
        rows[-1] = rows[-1][:-1]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_text(text.getvalue(), encoding="utf-8")
        try:
            VALIDATORS[key](path)
        except DataError as exc:
            _one_line_naming(exc, path)
