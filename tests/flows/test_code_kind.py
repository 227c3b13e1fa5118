"""The `code` kind: a code typed from a closed list (French départements), read back by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversation.versions import canonical_content
from flows import Flow, FlowFileError, load_flow, validate_file
from flows.model import CodeStep
from flows.readback import display_value, piped_value
from flows.values import Invalid, check_value

HEAD = """\
id: place
version: 1
title: {fr: "Lieu", en: "Place"}
languages: [fr, en]
sections:
  - id: where
    title: {fr: "Lieu", en: "Place"}
    steps:
"""


def flow_file(folder: Path, steps: str) -> Path:
    path = folder / "flow.yaml"
    path.write_text(HEAD + steps, encoding="utf-8")
    return path


def question(codes: str, qid: str = "departement") -> str:
    return (
        f"      - id: {qid}\n        type: code\n        codes: {codes}\n"
        f'        text: {{fr: "Département ?", en: "Département?"}}\n'
    )


@pytest.fixture(scope="module")
def departements(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flow, CodeStep]:
    flow = load_flow(flow_file(tmp_path_factory.mktemp("f"), question("departements")))
    step = flow.step("departement")
    assert isinstance(step, CodeStep)
    return flow, step


def test_the_bundled_list_has_the_101_departements(departements: tuple[Flow, CodeStep]) -> None:
    _, step = departements
    codes = list(step.codes)
    assert len(codes) == 101
    assert codes[:2] == ["01", "02"] and "2A" in codes and "2B" in codes and "20" not in codes
    assert codes[-5:] == ["971", "972", "973", "974", "976"]  # 975 is a COM, not a département
    assert step.codes["22"] == "Côtes-d’Armor" and step.codes["974"] == "La Réunion"
    # Read back to respondents: the apostrophe is the French one, as in every other text.
    assert [label for label in step.codes.values() if "'" in label] == []


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("45", "45"),
        (" 45 ", "45"),
        ("1", "01"),
        ("01", "01"),
        ("2a", "2A"),
        ("2B", "2B"),
        ("976", "976"),
        ("loiret", "45"),
        ("LOIRET", "45"),
        ("Côtes-d'Armor", "22"),
        ("cotes d armor", "22"),
        ("Cotes d’Armor", "22"),
        ("reunion", "974"),
        ("territoire de belfort", "90"),
        ("Seine St Denis", "93"),  # as written on signs
        ("45 – Loiret", "45"),  # the answer as read back, typed again
    ],
)
def test_a_code_or_a_name_is_read_as_its_code(
    departements: tuple[Flow, CodeStep], typed: str, code: str
) -> None:
    flow, step = departements
    assert check_value(flow, step, typed, "fr") == code


@pytest.mark.parametrize(
    "typed",
    # Past 4,300 digits Python refuses to read a number: a pasted wall of digits is refused too.
    ["975", "20", "99", "", "Loire-et-Cher-et-Loiret", "45 Nord", "0", "9" * 5000, "0" * 5000],
)
def test_anything_else_is_refused_with_examples(
    departements: tuple[Flow, CodeStep], typed: str
) -> None:
    flow, step = departements
    fr = check_value(flow, step, typed, "fr")
    en = check_value(flow, step, typed, "en")
    assert fr == Invalid(
        "Je ne reconnais pas cette réponse. Tapez un code ou un nom, par exemple 45, 2A ou Loiret."
    )
    assert en == Invalid(
        "I do not recognise that answer. Type a code or a name, for example 45, 2A or Loiret."
    )


def test_the_answer_reads_back_with_its_name(departements: tuple[Flow, CodeStep]) -> None:
    flow, step = departements
    assert display_value(flow, step, "45", None, "fr") == "45 – Loiret"
    assert display_value(flow, step, "2A", None, "en") == "2A – Corse-du-Sud"
    assert piped_value(flow, step, "45", None, "fr") == "Loiret"


def test_an_inline_mapping_takes_codes_as_written(tmp_path: Path) -> None:
    codes = '{01: Nord, 2a: {fr: "Sud", en: "South"}, 10: Est}'
    flow = load_flow(flow_file(tmp_path, question(codes, "zone")))
    step = flow.step("zone")
    assert isinstance(step, CodeStep)
    assert list(step.codes) == ["01", "2a", "10"]  # YAML would read 01 as 1
    assert check_value(flow, step, "south", "fr") == "2a"
    assert display_value(flow, step, "2a", None, "en") == "2a – South"


def test_a_list_next_to_the_flow_comes_before_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "departements.yaml").write_text('codes:\n  "45": Loiret (local)\n')
    flow = load_flow(flow_file(tmp_path, question("departements")))
    assert flow.step("departement").codes == {"45": "Loiret (local)"}  # type: ignore[union-attr]


def test_a_lists_source_reaches_the_question_and_is_no_new_version(tmp_path: Path) -> None:
    # The codebook says where a list comes from (docs/flow-format.md); editing that line
    # changes no question, so it asks for no new version of the flow.
    listed = tmp_path / "counties.yaml"
    listed.write_text('source: "Made-up list, 2026"\ncodes:\n  "KEN": Kent\n')
    flow = load_flow(flow_file(tmp_path, question("counties", "county")))
    assert flow.step("county").source == "Made-up list, 2026"  # type: ignore[union-attr]

    listed.write_text('source: "Made-up list, 2027"\ncodes:\n  "KEN": Kent\n')
    again = load_flow(flow_file(tmp_path, question("counties", "county")))
    listed.write_text('codes:\n  "KEN": Kent\n')
    without = load_flow(flow_file(tmp_path, question("counties", "county")))
    assert canonical_content(again) == canonical_content(flow) == canonical_content(without)
    own = question("counties", "county") + '        source: "The cluster\'s own list"\n'
    assert load_flow(flow_file(tmp_path, own)).step("county").source == (  # type: ignore[union-attr]
        "The cluster's own list"
    )


def test_every_problem_is_located_at_once(tmp_path: Path) -> None:
    (tmp_path / "zones.yaml").write_text(
        "source: test\ncodes:\n  01: Un\n  1: Encore\n  x y: Mauvais\n  ab: ''\n  cd: Cé\n",
        encoding="utf-8",
    )
    steps = (
        question("departements")
        + question("{01: Nord, 1: Sud, 2a: Est, 2A: Ouest, a-b: X}", "inline")
        + question("nosuchlist", "unknown")
        + question("{}", "empty")
        + question("zones", "listed")
    )
    path = flow_file(tmp_path, steps)
    flow_name, list_name = str(path), str(tmp_path / "zones.yaml")

    found = [str(problem) for problem in validate_file(path)]

    assert found == [
        f"{list_name}:4: question 'listed', list 'zones': code '1' is typed like '01' (line 3)",
        f"{list_name}:5: question 'listed', list 'zones': "
        "code 'x y' must be 1 to 8 ASCII letters and digits, like 45 or 2A",
        f"{list_name}:6: question 'listed', list 'zones': "
        "the name of code 'ab' must be a text, or fr: …, en: …",
        f"{flow_name}:15: question 'inline': code '1' is typed like '01'",
        f"{flow_name}:15: question 'inline': code '2A' is typed like '2a'",
        f"{flow_name}:15: question 'inline': "
        "code 'a-b' must be 1 to 8 ASCII letters and digits, like 45 or 2A",
        f"{flow_name}:19: question 'unknown': unknown code list 'nosuchlist': no nosuchlist.yaml "
        "next to the flow file nor among the bundled lists (departements)",
        f"{flow_name}:23: question 'empty': no codes: write them as code: name lines",
    ]
    with pytest.raises(FlowFileError):
        load_flow(path)


def test_a_list_name_cannot_reach_outside_the_folders(tmp_path: Path) -> None:
    (tmp_path.parent / "secret.yaml").write_text('codes:\n  "1": x\n')
    found = validate_file(flow_file(tmp_path, question("../secret")))
    assert [p.message.split(":")[0] for p in found] == ["unknown code list '../secret'"]


def test_a_condition_on_a_code_question_names_a_code(tmp_path: Path) -> None:
    steps = question("departements") + (
        "      - id: loiret\n        type: yes_no\n"
        '        text: {fr: "Pithiviers ?", en: "Pithiviers?"}\n'
        '        show_if: {question: departement, equals: "45"}\n'
        "      - id: corse\n        type: yes_no\n"
        '        text: {fr: "Ajaccio ?", en: "Ajaccio?"}\n'
        '        show_if: {question: departement, equals: "20"}\n'
    )
    found = [p.message for p in validate_file(flow_file(tmp_path, steps))]
    assert len(found) == 1 and found[0].startswith("unknown choice '20' in condition")


def test_the_json_schema_accepts_a_list_name_or_a_mapping() -> None:
    schema = Flow.model_json_schema(by_alias=True)
    code = schema["$defs"]["CodeStep"]["properties"]["codes"]
    assert [option["type"] for option in code["anyOf"]] == ["string", "object"]
