"""The flow loader: bundled files load, broken ones are reported line by line.

The golden files in `golden/` are broken flows, each next to the exact report
it must produce; `tests/bot/test_cli_validate.py` runs the same files through
`surveybot validate`. A file named `stages_*.yaml` is a stages file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from flows import FlowFileError, Problem, bundled_path, load_flow, load_stages, validate_file

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
MINI = HERE / "fixtures" / "mini.yaml"
CASES = sorted(path.stem for path in GOLDEN.glob("*.yaml"))


def expected(name: str) -> list[str]:
    return (GOLDEN / f"{name}.expected").read_text(encoding="utf-8").splitlines()


# --- golden files -------------------------------------------------------------


def test_every_golden_file_has_its_report() -> None:
    reports = {path.stem for path in GOLDEN.glob("*.expected")}
    assert reports == set(CASES)
    assert len(CASES) >= 14


@pytest.mark.parametrize("name", CASES)
def test_golden_report_is_located(name: str) -> None:
    lines = expected(name)
    assert lines, f"{name}.expected is empty"
    for line in lines:
        assert re.match(rf"{re.escape(name)}\.yaml:\d+: \S", line), line


@pytest.mark.parametrize("name", CASES)
def test_loader_raises_the_golden_problems(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    load = load_stages if name.startswith("stages_") else load_flow
    with pytest.raises(FlowFileError) as caught:
        load(f"{name}.yaml")
    assert [str(problem) for problem in caught.value.problems] == expected(name)
    assert str(caught.value) == "\n".join(expected(name))


@pytest.mark.parametrize("name", CASES)
def test_validate_file_returns_the_golden_problems(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN)
    assert [str(problem) for problem in validate_file(f"{name}.yaml")] == expected(name)


# --- the bundled files --------------------------------------------------------


def test_bundled_flow_loads() -> None:
    flow = load_flow(bundled_path("questionnaire.yaml"))
    assert flow.id == "tour_innovation_2019"
    assert flow.languages == ["fr", "en"]
    ids = [step.id for step in flow.steps()]
    assert len(ids) == len(set(ids)) > 10


def test_bundled_stages_load() -> None:
    stages = load_stages(bundled_path("stages.yaml"))
    codes = [stage.code for stage in stages]
    assert codes[0] == "pithiviers"
    assert len({code.lower() for code in codes}) == len(codes)
    assert all(stage.example for stage in stages[1:])


@pytest.mark.parametrize(
    "path",
    [bundled_path("questionnaire.yaml"), bundled_path("stages.yaml"), MINI],
    ids=["questionnaire", "stages", "mini"],
)
def test_good_files_have_no_problems(path: Path) -> None:
    assert validate_file(path) == []


# --- files that are not flows at all -------------------------------------------


def test_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert validate_file(path) == [Problem(str(path), None, "file not found")]
    with pytest.raises(FlowFileError, match=r"nope\.yaml: file not found$"):
        load_flow(path)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a sentence\n"], ids=repr)
def test_non_mapping_top_level_is_reported(tmp_path: Path, text: str) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    assert [str(p) for p in validate_file(path)] == [
        f"{path}:1: the file must hold a YAML mapping of keys"
    ]


def test_control_character_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("id: a\nversion: 1\ntitle: \x07\n", encoding="utf-8")
    assert [str(p) for p in validate_file(path)] == [
        f"{path}:3: invalid YAML: character #x0007 is not allowed; remove it"
    ]


def test_schema_problems_and_yaml_traps_come_together(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(
        "stages:\n  - {code: a, city: A}\n  - {code: A, city: B}\n  - {code: on, city: C}\n",
        encoding="utf-8",
    )
    messages = [(p.line, p.message) for p in validate_file(path)]
    assert messages == [
        (
            3,
            "code differs only by case from 'a' (line 2): links read codes whatever "
            "their case, so give each stage its own",
        ),
        (
            4,
            "'on' is read as a boolean (YAML reads unquoted yes/no/on/off/true/false "
            "that way); quote it: 'on'",
        ),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_flow_is_reported_never_raised(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    lines = MINI.read_text(encoding="utf-8").splitlines(keepends=True)
    start = data.draw(st.integers(0, len(lines) - 1), label="start")
    stop = data.draw(st.integers(start, min(start + 3, len(lines))), label="stop")
    filler = data.draw(st.text(st.characters(codec="utf-8"), max_size=20), label="filler")
    path = tmp_path_factory.mktemp("damaged") / "flow.yaml"
    path.write_text("".join([*lines[:start], filler, *lines[stop:]]), encoding="utf-8")
    for problem in validate_file(path):
        assert problem.file == str(path)
        assert problem.message


# --- JSON Schema ----------------------------------------------------------------


def _schema(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["schema", *args])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert isinstance(schema, dict)
    return schema


def _as_json(path: Path) -> object:
    # What an editor sees: YAML dates are plain strings in JSON.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def test_flow_schema_validates_the_bundled_questionnaire() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema()
    validator_class = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    validator.validate(_as_json(bundled_path("questionnaire.yaml")))
    validator.validate(_as_json(MINI))
    # Not vacuous: a misspelt key is caught by the schema too.
    assert not validator.is_valid(_as_json(GOLDEN / "unknown_key.yaml"))


def test_stages_schema_validates_the_bundled_stages() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema("--stages")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(_as_json(bundled_path("stages.yaml")))
    assert not validator.is_valid({"stages": [{"code": "saint malo", "city": "Saint-Malo"}]})


def test_flow_schema_offers_except_chosen_in_on_single_and_multiple_choices() -> None:
    steps = _schema()["$defs"]
    assert isinstance(steps, dict)
    for kind, has in [
        ("SingleChoiceStep", True),
        ("MultipleChoiceStep", True),
        ("RankingStep", False),
    ]:
        assert ("except_chosen_in" in steps[kind]["properties"]) == has, kind


# --- except_chosen_in ----------------------------------------------------------------
# Every problem of the key, each located, is in golden/except_chosen_in.yaml.

LEAVING_OUT = """\
id: leaving
version: 1
title: Leaving
sections:
  - id: s
    title: S
    steps:
      - id: main
        type: {main_type}
        text: "Main?"
        choices:
          - {{code: cost, label: Cost}}
          - {{code: time, label: Time}}
      - id: more
        type: multiple_choice
        text: "More?"
        except_chosen_in: main
        choices:
          - {{code: cost, label: Cost}}
          - {{code: time, label: Time}}
          - {{code: none, label: None, exclusive: true}}
"""


def test_a_named_question_that_did_not_parse_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(LEAVING_OUT.format(main_type="slider"), encoding="utf-8")
    problems = validate_file(path)
    assert [(p.line, p.where) for p in problems] == [(9, "question 'main'")]
    assert problems[0].message.startswith("unknown step type 'slider'")


def test_the_named_question_may_be_a_multiple_choice_when_something_is_always_left(
    tmp_path: Path,
) -> None:
    # All of cost and time may be chosen in "main", but "none" (exclusive) always stays.
    path = tmp_path / "flow.yaml"
    path.write_text(LEAVING_OUT.format(main_type="multiple_choice"), encoding="utf-8")
    assert validate_file(path) == []
    without_way_out = path.read_text(encoding="utf-8").replace(
        "          - {code: none, label: None, exclusive: true}\n", ""
    )
    path.write_text(without_way_out, encoding="utf-8")
    assert [(p.line, p.where, p.message) for p in validate_file(path)] == [
        (
            17,
            "question 'more'",
            "'except_chosen_in': every choice here may be chosen in 'main' already, leaving "
            "none to pick; add 'other: true' or an exclusive choice ('None of these')",
        )
    ]
