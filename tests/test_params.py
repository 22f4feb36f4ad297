"""Parameter files: defaults validate, areas override, and every problem is one line naming the
file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from carerlib.errors import ParamsError
from carerlib.params import load_params


def test_defaults_and_southend_validate():
    params = load_params("E06000033")
    assert params.area.name == "Southend-on-Sea"
    assert [k.count for k in params.area.known_carers] == [1009, 1650]
    assert params.value_of_care.cost_per_hour.value == 18.0
    assert params.value_of_care.hours_per_band.as_dict() == {
        "up_to_19": 5, "20_to_49": 25, "50_plus": 50}
    assert params.breaks.break_rate.hourly_rate.value * params.breaks.break_rate.hours_per_break.value == 54  # noqa: E501


@pytest.mark.parametrize(
    ("yaml_text", "key", "problem"),
    [
        ("confidence_level: 1.5\n", "confidence_level", "less than 1"),
        ("value_of_care:\n  cost_per_hour:\n    value: -18\n", "value_of_care.cost_per_hour.value",
         "greater than 0"),
        ("dependency:\n  working_ages: [64, 15]\n", "dependency.working_ages",
         "youngest <= oldest"),
        ("surprise: 1\n", "surprise", "Extra inputs are not permitted"),
        ("breaks:\n  health_breakdown:\n    share_at_risk:\n      value: 1.4\n",
         "breaks.health_breakdown.share_at_risk.value", "1.4"),
        ("breaks:\n  break_rate:\n    hours_per_break:\n      value: 0\n",
         "breaks.break_rate.hours_per_break.value", "must be greater than 0"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, yaml_text, key, problem):
    path = tmp_path / "extra.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ParamsError) as caught:
        load_params("E06000033", path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: ")
    assert problem in message


def test_invalid_yaml_and_wrong_area(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("pack: [unclosed\n")
    with pytest.raises(ParamsError, match=r"broken.yaml: line \d+: not valid YAML"):
        load_params("E06000033", path)
    other = tmp_path / "other.yaml"
    other.write_text("area:\n  code: E06000034\n  name: Thurrock\n")
    with pytest.raises(ParamsError, match="area.code: is E06000034 but the pack is for E06000033"):
        load_params("E06000033", other)


@pytest.mark.parametrize("key", ["javascript:alert(1)", "E06000033", "1ST", "a b"])
def test_group_keys_are_safe_names(tmp_path, key):
    path = tmp_path / "groups.yaml"
    path.write_text(f'groups:\n  "{key}":\n    name: G\n    members: [E07000067]\n')
    with pytest.raises(ParamsError, match="groups: .*must be letters, digits and _"):
        load_params(params_file=path)


def test_group_can_have_its_own_area_file(tmp_path):
    areas = tmp_path / "areas"
    areas.mkdir()
    (tmp_path / "defaults.yaml").write_text(
        (Path(__file__).resolve().parents[1] / "params" / "defaults.yaml").read_text())
    (areas / "MID_ESSEX.yaml").write_text(
        "area:\n  code: MID_ESSEX\n  name: Mid Essex\n  known_carers:\n"
        "    - {measure: Carers assessed, count: 900, period: 2024/25, source: local}\n")
    params = load_params("MID_ESSEX", params_dir=tmp_path)
    assert params.area.known_carers[0].count == 900


def test_group_with_unknown_district_is_a_params_error(mirror, tmp_path):
    from carerlib.pack.evidence import build_evidence

    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  BAD_GROUP:\n    name: Bad\n    members: [E07000067, E07099999]\n")
    with pytest.raises(ParamsError, match="groups.BAD_GROUP.members: unknown area code "
                                          "E07099999"):
        build_evidence("BAD_GROUP", load_params(params_file=path))
