"""Hostile input, one small generated case each (issue 12). Every refused case asserts: exit code,
one line on stderr naming the file (or the argument) and the problem, no traceback, and the
earlier pack in --out byte-identical (no staging folder left). Secondary-data gaps build, and the
pack's sentence names the missing area and figure. Bad data and params are refused before any
kernel starts, so no case here runs papermill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hostile import DATA, edit_rows, fake_pack, has_code, link_mirror, tree_digest, write

from carerlib.cli import main

SOUTHEND, ESSEX, BASILDON = "E06000033", "E10000012", "E07000066"


@dataclass(frozen=True)
class Case:
    name: str
    bullet: str  # the bullet this case stands for
    argv: tuple[str, ...] = ("pack", SOUTHEND)
    mirror: Callable[[Path], object] | None = None
    params: str | bytes | None = None  # written to bad.yaml and passed as --params
    env: dict[str, str] = field(default_factory=dict)  # values: "<empty>", "<missing>", "<unset>"
    code: int = 2
    says: tuple[str, ...] = ()
    names: str | None = None  # the file the message must name: a DATA key, "params" or text


def _drop(key: str, code: str, quoted: bool = False):
    return lambda m: edit_rows(m, key, has_code(code, quoted))


def _dup(key: str, code: str, quoted: bool = False):
    return lambda m: edit_rows(m, key, has_code(code, quoted), lambda line: [line, line])


def _sub(key: str, code: str, old: str, new: str, quoted: bool = False):
    return lambda m: edit_rows(m, key, has_code(code, quoted), lambda line: line.replace(old, new))


def _folder(key: str):
    def make(m: Path) -> None:
        (m / DATA[key]).unlink()
        (m / DATA[key]).mkdir()
    return make


def _delete(key: str):
    return lambda m: (m / DATA[key]).unlink()


TS039_SOUTHEND = "170444,155425,7405,5320,2085,3046,1390,1656,4568"

CASES = [
    # §1 A missing row is not a smaller total (headline data refuse the pack).
    Case("ts039_district_missing_refuses_county", "1 coverage", ("pack", ESSEX),
         mirror=_drop("ts039", BASILDON), says=("no row for", BASILDON), names="ts039"),
    Case("ts039_area_missing_refuses_its_pack", "1 coverage",
         mirror=_drop("ts039", SOUTHEND), says=("no row for", SOUTHEND), names="ts039"),
    Case("ts039_district_missing_refuses_unrelated_pack_too", "1 coverage",
         mirror=_drop("ts039", BASILDON), says=("no row for", BASILDON), names="ts039"),
    Case("ts039_row_twice", "1 coverage", mirror=_dup("ts039", SOUTHEND),
         says=("appears twice",), names="ts039"),
    Case("ts039_code_not_in_lookup_blames_census_not_lookup", "3 messages",
         mirror=_sub("ts039", BASILDON, BASILDON, "E07999999"),
         says=("E07999999",), names="ts039"),
    Case("ts007_district_missing", "1 coverage", mirror=_drop("ts007", BASILDON, quoted=True),
         says=("no row for", BASILDON), names="ts007"),
    Case("ts007_row_twice", "1 coverage", mirror=_dup("ts007", SOUTHEND, quoted=True),
         says=("appears twice",), names="ts007"),
    Case("lookup_blank_region", "1 coverage",
         mirror=_sub("la_codes", BASILDON, "E12000006,East of England", ",East of England"),
         says=("blank region", BASILDON), names="la_codes"),
    Case("lookup_blank_county", "1 coverage",
         mirror=_sub("lookup", BASILDON, f"Basildon,{ESSEX}", "Basildon,"),
         says=("blank area code",), names="lookup"),
    Case("lookup_district_missing_from_la_codes", "1 coverage",
         mirror=_drop("la_codes", BASILDON), says=("no row for", BASILDON), names="la_codes"),
    Case("lookup_district_missing_blames_census_row", "3 messages",
         mirror=_drop("lookup", BASILDON), says=(BASILDON,), names="ts039"),
    Case("qs301_code_outside_its_lookup", "1 coverage",
         mirror=_sub("qs301", SOUTHEND, f'"{SOUTHEND}"', '"E06000999"', quoted=True),
         says=("E06000999",), names="qs301", code=2),
    # §1 Never fall back to the sample when official data was expected.
    Case("census_file_missing", "1 sample fallback", mirror=_delete("ts039"),
         says=("not found", "sample is not used"), names="ts039"),
    Case("census_file_replaced_by_folder", "1 sample fallback", mirror=_folder("ts039"),
         says=("is a folder",), names="ts039"),
    Case("lookup_file_missing", "1 sample fallback", mirror=_delete("lookup"),
         says=("not found",), names="lookup"),
    Case("mirror_empty", "1 sample fallback", env={"CARERLIB_DATA_MIRROR": "<empty>"},
         says=("not found", "sample is not used"), names="ts039"),
    Case("mirror_folder_missing", "1 sample fallback", env={"CARERLIB_DATA_MIRROR": "<missing>"},
         says=("folder not found",), names="CARERLIB_DATA_MIRROR"),
    Case("official_pack_not_replaced_by_sample", "1 sample fallback",
         env={"CARERLIB_DATA_MIRROR": "<unset>"}, says=("built from official data",
                                                        "refusing to replace"),
         names=SOUTHEND),
    Case("no_sample_for_area_without_official_data", "1 sample fallback",
         argv=("pack", "E06000034"), env={"CARERLIB_DATA_MIRROR": "<unset>"},
         says=("no official data configured", "no embedded sample"), names="E06000034"),
    # §1 Implausible params are errors (one line naming the params file and the key).
    Case("price_infinite", "1 params", params="value_of_care: {cost_per_hour: {value: .inf}}\n",
         says=("value_of_care.cost_per_hour.value", "finite"), names="params"),
    Case("price_nan", "1 params", params="value_of_care: {cost_per_hour: {value: .nan}}\n",
         says=("value_of_care.cost_per_hour.value", "finite"), names="params"),
    Case("price_1e308", "1 params", params="value_of_care: {cost_per_hour: {value: 1.0e308}}\n",
         says=("value_of_care.cost_per_hour.value", "less than or equal to 500"), names="params"),
    Case("price_true", "1 params", params="value_of_care: {cost_per_hour: {value: true}}\n",
         says=("value_of_care.cost_per_hour.value", "must be a number, not true"),
         names="params"),
    Case("price_text", "1 params", params="value_of_care: {cost_per_hour: {value: lots}}\n",
         says=("value_of_care.cost_per_hour.value", "valid number"), names="params"),
    Case("hours_over_a_week", "1 params",
         params="value_of_care: {hours_per_band: {50_plus: 169}}\n",
         says=("hours_per_band.50_plus", "168"), names="params"),
    Case("hours_outside_band", "1 params",
         params="value_of_care: {hours_per_band: {up_to_19: 25}}\n",
         says=("hours_per_band.up_to_19", "19"), names="params"),
    Case("break_rate_1e308", "1 params",
         params="breaks: {break_rate: {hourly_rate: {value: 1.0e308}}}\n",
         says=("breaks.break_rate.hourly_rate.value", "implausibly large"), names="params"),
    Case("break_hours_infinite", "1 params",
         params="breaks: {break_rate: {hours_per_break: {value: .inf}}}\n",
         says=("breaks.break_rate.hours_per_break.value", "finite"), names="params"),
    Case("confidence_true", "1 params", params="confidence_level: true\n",
         says=("confidence_level", "not true"), names="params"),
    Case("timeout_a_year", "1 params", params="pack: {title: T, cell_timeout_seconds: 31536000}\n",
         says=("pack.cell_timeout_seconds", "86400"), names="params"),
    Case("known_carers_above_census", "1 params",
         params=("area:\n  code: E06000033\n  name: Southend-on-Sea\n  known_carers:\n"
                 "    - {measure: Carers known, count: 986000, period: 2024/25, source: local}\n"),
         says=("area.known_carers.0.count", "986,000 is more than the", "carers the census"),
         names="params"),
    Case("known_carers_above_england", "1 params",
         params=("area:\n  code: E06000033\n  name: S\n  known_carers:\n"
                 "    - {measure: m, count: 98600000, period: 2024/25, source: s}\n"),
         says=("area.known_carers.0.count", "6000000"), names="params"),
    Case("known_carers_negative", "1 params",
         params=("area:\n  code: E06000033\n  name: S\n  known_carers:\n"
                 "    - {measure: m, count: -5, period: 2024/25, source: s}\n"),
         says=("area.known_carers.0.count", "greater than or equal to 0"), names="params"),
    Case("duplicate_key_top_level", "1 params",
         params="confidence_level: 0.95\nconfidence_level: 0.5\n",
         says=("line 2", "duplicate key 'confidence_level'"), names="params"),
    Case("duplicate_key_nested", "1 params",
         params="value_of_care:\n  cost_per_hour:\n    value: 18\n    value: 1800\n",
         says=("line 4", "duplicate key 'value'"), names="params"),
    Case("binary_params_file", "3 one line", params=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         says=("binary file",), names="params"),
    Case("not_utf8_params_file", "3 one line", params="title: caf\xe9\n".encode("latin-1"),
         says=("not UTF-8",), names="params"),
    Case("deeply_nested_params", "3 one line", params="a: " + "[" * 200 + "]" * 200 + "\n",
         says=("nested deeper than",), names="params"),
    Case("very_deeply_nested_params", "3 one line", params="a: " + "[" * 50000 + "]" * 50000,
         says=("nested deeper than",), names="params"),
    Case("yaml_bomb_aliases", "already handled",
         params="a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
         says=("aliases",), names="params"),
    Case("yaml_python_tag", "already handled",
         params="pack: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
         says=("not valid YAML", "python/object"), names="params"),
    Case("yaml_malformed", "already handled", params="pack: [unclosed\n",
         says=("not valid YAML",), names="params"),
    Case("yaml_not_a_mapping", "already handled", params="- a\n- b\n",
         says=("must hold a mapping",), names="params"),
    Case("params_unknown_key", "already handled", params="surprise: 1\n",
         says=("surprise", "Extra inputs"), names="params"),
    Case("params_file_missing", "3 one line", argv=("pack", SOUTHEND, "--params", "nope.yaml"),
         says=("not found",), names="nope.yaml"),
    Case("params_file_is_a_folder", "3 one line", argv=("pack", SOUTHEND, "--params", "."),
         says=("is a folder",), names="(file)"),
    Case("group_member_twice", "1 params",
         params="groups:\n  MID:\n    name: Mid\n    members: [E07000067, E07000067]\n",
         says=("groups.MID.members", "listed twice"), names="params"),
    Case("group_member_unknown_names_params_file", "3 messages", argv=("pack", "MID"),
         params="groups:\n  MID:\n    name: Mid\n    members: [E07000067, E07099999]\n",
         says=("groups.MID.members", "E07099999"), names="params"),
    # §2 Path traversal and hostile area codes: refused before any path is built.
    Case("area_code_dotdot", "2 traversal", argv=("pack", "../../../tmp/evil"),
         says=("is not an area code",), names="command line"),
    Case("area_code_dotdot_ipynb", "2 traversal", argv=("pack", "../notebooks/evidence_pack"),
         says=("is not an area code",), names="command line"),
    Case("area_code_absolute_path", "2 traversal", argv=("pack", "/etc/passwd"),
         says=("is not an area code",), names="command line"),
    Case("area_code_over_long", "3 one line", argv=("pack", "E" * 5000),
         says=("is not an area code",), names="command line"),
    Case("area_code_quote", "3 one line", argv=("pack", "E06'000033"),
         says=("is not an area code",), names="command line"),
    Case("area_code_newline", "3 one line", argv=("pack", "E06000033\nerror: forged"),
         says=("is not an area code",), names="command line"),
    Case("area_code_nul_like", "3 one line", argv=("pack", "E06000033\t"),
         says=("is not an area code",), names="command line"),
    Case("packs_areas_dotdot", "2 traversal", argv=("packs", "--areas", SOUTHEND, "../x"),
         says=("is not an area code",), names="command line"),
    Case("batches_dotdot", "2 traversal", argv=("packs", "--group", "evil"),
         params="batches:\n  evil: [E06000033, ../../x]\n",
         says=("batches", "is not an area code"), names="params"),
    Case("batch_name_hostile", "2 traversal", argv=("packs", "--group", "evil"),
         params='batches:\n  "../evil": [E06000033]\n', says=("batch name",), names="params"),
    Case("group_key_dotdot", "2 traversal",
         params='groups:\n  "../x":\n    name: G\n    members: [E07000067]\n',
         says=("group key",), names="params"),
    Case("group_key_over_long", "2 traversal",
         params="groups:\n  " + "G" * 300 + ":\n    name: G\n    members: [E07000067]\n",
         says=("group key", "at most 40"), names="params"),
    Case("group_member_dotdot", "2 traversal",
         params="groups:\n  MID:\n    name: G\n    members: [../x]\n",
         says=("groups.MID.members", "not an LTLA code"), names="params"),
    Case("default_areas_dotdot", "2 traversal", argv=("packs",),
         params="pack: {title: T, default_areas: [../../x]}\n",
         says=("pack.default_areas", "not an area code"), names="params"),
    Case("notebook_dotdot", "2 traversal",
         params="pack: {title: T, notebook: ../../outside.ipynb}\n",
         says=("pack.notebook",), names="params"),
    Case("area_file_code_mismatch", "already handled",
         params="area:\n  code: E06000034\n  name: Thurrock\n",
         says=("area.code", "E06000034"), names="params"),
    # §3 One line, never a traceback.
    Case("out_is_a_file", "3 one line", argv=("pack", SOUTHEND, "--out", "{file}"),
         says=("is a file, not a folder",), names="--out"),
    Case("out_under_a_file", "3 one line", argv=("pack", SOUTHEND, "--out", "{file}/packs"),
         says=("is a file, not a folder",), names="--out"),
    Case("verify_missing_folder", "3 one line", argv=("data", "verify", "--dest", "{tmp}/none"),
         says=("folder not found",), names="none"),
    Case("verify_folder_without_manifest", "3 one line",
         argv=("data", "verify", "--dest", "{tmp}"), says=("MANIFEST.json", "not found"),
         names="MANIFEST.json"),
    Case("fetch_unknown_dataset", "already handled", argv=("data", "fetch", "nope"),
         says=("unknown dataset 'nope'",), names="nope"),
    # Malformed official files (already handled; kept handled).
    Case("ts039_short_row", "already handled",
         mirror=_sub("ts039", SOUTHEND, ",4568", ""), says=("row 32", "not a whole"),
         names="ts039"),
    Case("ts039_text_count", "already handled",
         mirror=_sub("ts039", SOUTHEND, ",4568", ",many"), says=("whole non-negative",),
         names="ts039"),
    Case("ts039_negative_count", "already handled",
         mirror=_sub("ts039", SOUTHEND, ",4568", ",-4568"), says=("negative",), names="ts039"),
    Case("ts039_parts_do_not_add_up", "already handled",
         mirror=_sub("ts039", SOUTHEND, ",4568", ",4569"), says=("do not add up",),
         names="ts039"),
    Case("ts039_empty_file", "already handled", mirror=lambda m: write(m, "ts039", ""),
         says=("empty",), names="ts039"),
    Case("ts039_header_only", "already handled",
         mirror=lambda m: write(m, "ts039", "date,geography,geography code\n"),
         says=("no data rows",), names="ts039"),
    Case("ts039_missing_column", "already handled",
         mirror=lambda m: edit_rows(m, "ts039", lambda line: False) and None,
         says=(), names="ts039"),
    Case("ts039_not_utf8", "already handled",
         mirror=lambda m: write(m, "ts039", b"date,geography\n2021,Caf\xe9\n"),
         says=("cannot be parsed",), names="ts039"),
    Case("lookup_code_malformed", "already handled",
         mirror=_sub("lookup", BASILDON, BASILDON, "E0700006X"),
         says=("unknown area code",), names="lookup"),
]
# "ts039_missing_column" above only re-writes the file unchanged: replace it by a real edit.
CASES[-3] = Case("ts039_missing_column", "already handled",
                 mirror=lambda m: write(m, "ts039", "date,geography,geography code\n"
                                        "2021,Southend-on-Sea,E06000033\n"),
                 says=("missing column",), names="ts039")


def _expected_file(case: Case, mirror: Path, params: Path) -> str:
    if case.names in DATA:
        return DATA[case.names].split("/")[-1]
    if case.names == "params":
        return str(params)
    return str(case.names)


@pytest.fixture()
def hostile_mirror(mirror, tmp_path) -> Path:
    return link_mirror(mirror, tmp_path / "mirror")


def _argv(case: Case, tmp: Path, out: Path, params: Path | None) -> list[str]:
    argv = [a.replace("{tmp}", str(tmp)).replace("{file}", str(tmp / "a_file"))
            for a in case.argv]
    if argv[0] in ("pack", "packs") and "--out" not in argv:
        argv += ["--out", str(out)]
    if params is not None:
        argv += ["--params", str(params)]
    if argv[0] == "packs":
        argv += ["--workers", "1"]
    return argv


def _no_kernel(*args, **kwargs):
    raise AssertionError("a kernel was started: bad input must be refused before papermill")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_in_one_line_and_earlier_pack_untouched(case, hostile_mirror, tmp_path,
                                                       monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("carerlib.pack.runner.pm.execute_notebook", _no_kernel)
    (tmp_path / "a_file").write_text("not a folder\n")
    if case.mirror:
        case.mirror(hostile_mirror)
    setting = case.env.get("CARERLIB_DATA_MIRROR")
    if setting == "<unset>":
        monkeypatch.delenv("CARERLIB_DATA_MIRROR")
    elif setting == "<empty>":
        (tmp_path / "empty").mkdir()
        monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(tmp_path / "empty"))
    elif setting == "<missing>":
        monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(tmp_path / "no-such-mirror"))
    else:
        monkeypatch.setenv("CARERLIB_DATA_MIRROR", str(hostile_mirror))
    params = None
    if case.params is not None:
        params = tmp_path / "bad.yaml"
        (params.write_bytes if isinstance(case.params, bytes) else params.write_text)(case.params)
    out = tmp_path / "out"
    code = case.argv[1] if case.argv[0] == "pack" and "/" not in case.argv[1] \
        and "\n" not in case.argv[1] and len(case.argv[1]) < 50 else SOUTHEND
    fake_pack(out, code)
    before = tree_digest(out)

    result = main(_argv(case, tmp_path, out, params))

    err = capsys.readouterr().err
    assert result == case.code, err
    line = err.strip()
    assert line.startswith("error: ") and "\n" not in line, err
    assert "Traceback" not in err
    assert _expected_file(case, hostile_mirror, params) in line, line
    for text in case.says:
        assert text in line, line
    assert tree_digest(out) == before  # earlier pack byte-identical, no staging folder left


def test_at_least_sixty_cases():
    assert len({c.name for c in CASES}) == len(CASES) >= 60


MORE = [
    Case("older_age_200", "1 params", params="dependency: {older_age: 200}\n",
         says=("dependency.older_age", "120"), names="params"),
    Case("working_ages_to_500", "1 params", params="dependency: {working_ages: [16, 500]}\n",
         says=("dependency.working_ages", "<= 120"), names="params"),
    Case("horizon_year_99999", "1 params", params="projections: {horizon_years: [99999]}\n",
         says=("projections.horizon_years.0", "2100"), names="params"),
    Case("no_such_batch_names_params_file", "3 messages", argv=("packs", "--group", "nope"),
         params="batches:\n  mine: [E06000033]\n", says=("batches.nope", "no such batch"),
         names="params"),
]


@pytest.mark.parametrize("case", MORE, ids=[c.name for c in MORE])
def test_more_params_refused(case, hostile_mirror, tmp_path, monkeypatch, capsys):
    test_refused_in_one_line_and_earlier_pack_untouched(case, hostile_mirror, tmp_path,
                                                       monkeypatch, capsys)
