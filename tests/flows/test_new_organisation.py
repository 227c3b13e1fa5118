"""What another organisation trips over when it writes its own flow and stages files.

Found by writing, from the documentation alone, the questionnaire of a made-up
network of fablabs and breaking a copy of it the ways an author does: each
problem must be reported in the first pass, not revealed by fixing another.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import load_flow, validate_file

HEAD = """\
id: fablabs
version: 1
language: fr
languages: [fr]
title: "Enquête des fablabs (exemple)"
sections:
"""


def report(tmp_path: Path, text: str, name: str = "flow.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in validate_file(path)]


def test_a_duplicate_id_is_reported_even_when_one_copy_has_a_problem_of_its_own(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        "  - id: you\n"  # 7
        "    title: Vous\n"
        "    steps:\n"
        "      - id: visits\n"  # 10
        "        type: number\n"
        '        text: "Combien de visites ?"\n'
        "        min: 400\n"
        "        max: 365\n"
        "      - id: visits\n"  # 15
        "        type: scale\n"
        '        text: "Satisfait ?"\n'
        "      - id: visits\n"  # 18
        "        type: text\n"
        '        text: "Encore ?"\n'
        "        max_lenght: 40\n"
        "  - id: you\n"  # 22
        "    title: Encore vous\n"
        "    steps: []\n"
    )
    assert report(tmp_path, text) == [
        "10: question 'visits': min (400) is greater than max (365)",
        "15: question 'visits': duplicate question id 'visits'",
        "18: question 'visits': duplicate question id 'visits'",
        "21: question 'visits': unknown key 'max_lenght'; did you mean 'max_length'?",
        "22: section 'you': duplicate section id 'you'",
        "24: section 'you': 'steps' needs at least 1 step, not 0",
    ]


def test_a_list_too_short_says_how_many_of_what_it_needs(tmp_path: Path) -> None:
    text = HEAD + (
        "  - id: you\n"  # 7
        "    title: Vous\n"
        "    steps:\n"
        "      - id: profile\n"  # 10
        "        type: single_choice\n"
        '        text: "Vous êtes…"\n'
        "        choices:\n"  # 13
        "          - {code: student, label: Étudiant}\n"
    )
    assert report(tmp_path, text) == [
        "13: question 'profile': 'choices' needs at least 2 choices, not 1"
    ]
    assert report(tmp_path, HEAD.replace("sections:", "sections: []")) == [
        "6: 'sections' needs at least 1 section, not 0"
    ]


def test_a_default_language_not_listed_is_said_with_the_rest_of_the_file(tmp_path: Path) -> None:
    """A Swiss-German network copies `languages: [fr, en]` and sets `language: de`."""
    text = (
        "id: fablabs\n"
        "version: 1\n"
        "language: de\n"
        "languages: [fr, en]\n"  # 4
        "title: {fr: Enquête, en: Survey}\n"
        "sections:\n"
        "  - id: you\n"
        "    title: {fr: Vous, en: You}\n"
        "    steps:\n"
        "      - id: welcome\n"
        "        type: info\n"
        "        personal: true\n"  # 12
        "        text: {fr: Bonjour, en: Hello}\n"
        "      - id: sat\n"
        "        type: scale\n"
        "        max: 11\n"  # 16
        '        text: {fr: "Note ?"}\n'
    )
    assert report(tmp_path, text) == [
        "4: the default language 'de' is not in languages ['fr', 'en']",
        "12: question 'welcome': an info step takes no answer: 'personal' has no meaning on it; "
        "remove it",
        "16: question 'sat': 'max': input should be less than or equal to 10 (got 11)",
        "17: question 'sat': missing translation (en)",  # said though 'sat' is set aside
    ]


def test_a_default_language_with_languages_left_out_is_that_language_alone(
    tmp_path: Path,
) -> None:
    # An English flow that leaves out `languages` is English, not quietly French (nor refused
    # for a list of languages its author never wrote).
    text = HEAD.replace("language: fr\n", "language: en\n").replace("languages: [fr]\n", "")
    text += "  - id: you\n    title: You\n    steps:\n      - {id: q, type: text, text: Name}\n"
    assert report(tmp_path, text) == []
    assert load_flow(tmp_path / "flow.yaml").languages == ["en"]


def test_a_malformed_default_language_does_not_stop_the_other_checks(tmp_path: Path) -> None:
    text = (
        "id: fablabs\n"
        "version: 1\n"
        "language: FR\n"
        "languages: [fr, en]\n"
        "title: {fr: Enquête, en: Survey}\n"
        "sections:\n"
        "  - id: you\n"
        "    title: {fr: Vous}\n"  # 8
        "    steps:\n"
        '      - {id: mail, type: email, text: {fr: "E-mail ?", en: "E-mail?"}}\n'
    )
    assert report(tmp_path, text) == [
        "3: language 'FR' must be a two-letter lowercase language code, like fr or en",
        "8: section 'you': missing translation (en)",
    ]


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (
            "title: Enquête : fablabs",
            "mapping values are not allowed here; quote a text that holds ': ' "
            '("Enquête : fablabs"), or check the indentation',
        ),
        (
            "title: Enquête\n  language: fr",
            "mapping values are not allowed here; quote a text that holds ': ' "
            '("Enquête : fablabs"), or check the indentation',
        ),
        (
            "title: {fr: Votre avis ?, en: Your opinion?}",
            "expected ',' or '}', but got '?'; inside { }, quote each text that holds ' ?', "
            """':' or ',' ("Note ?")""",
        ),
        (
            "languages: [fr, en ?]",
            "expected ',' or ']', but got '?'; inside [ ], quote each text that holds ' ?', "
            """':' or ',' ("Oui ?")""",
        ),
    ],
    ids=["colon", "indentation", "question-mark", "question-mark-in-a-list"],
)
def test_french_typography_in_plain_yaml_gets_a_hint(tmp_path: Path, line: str, hint: str) -> None:
    """French puts a space before ':' and '?': unquoted, YAML reads a key there."""
    problems = report(tmp_path, f"id: fablabs\nversion: 1\n{line}\nsections: []\n")
    assert len(problems) == 1
    assert problems[0].split(": ", 1)[1] == f"invalid YAML: {hint}"


# --- questions named like export columns ----------------------------------------

EVERY_KIND = HEAD + (
    "  - id: you\n"
    "    title: Vous\n"
    "    steps:\n"
    "      - {id: hello, type: info, text: Bonjour}\n"
    "      - {id: first_name, type: text, text: Prénom, personal: true}\n"
    "      - {id: idea, type: long_text, text: Idée}\n"
    "      - {id: visits, type: number, text: Visites}\n"
    "      - id: profile\n"
    "        type: single_choice\n"
    "        text: Profil\n"
    "        other: true\n"
    "        choices: [{code: student, label: Étudiant}, {code: retired, label: Retraité}]\n"
    "      - id: machines\n"
    "        type: multiple_choice\n"
    "        text: Machines\n"
    "        other: true\n"
    "        choices:\n"
    "          - {code: laser, label: Laser}\n"
    "          - {code: none, label: Aucune, exclusive: true}\n"
    "      - {id: satisfaction, type: scale, text: Note, dont_know: true}\n"
    "      - {id: newsletter, type: yes_no, text: Lettre, dont_know: true}\n"
    "      - {id: email, type: email, text: E-mail, personal: true}\n"
    "      - id: priorities\n"
    "        type: ranking\n"
    "        text: Priorités\n"
    "        top: 1\n"
    "        choices: [{code: hours, label: Horaires}, {code: price, label: Prix}]\n"
    "      - {id: dept, type: code, text: Département, codes: {'74': Haute-Savoie}}\n"
)


def test_the_names_validate_checks_are_the_export_columns(tmp_path: Path) -> None:
    """`flows.export_names` repeats the export's naming rule; this keeps the two alike."""
    from exports.columns import plan_columns
    from exports.options import ExportOptions
    from flows.export_names import META_COLUMNS, column_names

    path = tmp_path / "flow.yaml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    flow = load_flow(path)
    options = ExportOptions(joined=True, include_personal=True)
    exported = [column.name for column in plan_columns(flow, [], options)]
    predicted = [*META_COLUMNS, *(name for s in flow.steps() for name, _ in column_names(s))]
    assert exported == predicted
    assert "machines__other" in predicted and "profile_other" in predicted


def test_a_question_named_like_an_export_column_is_warned_of_before_anyone_answers(
    tmp_path: Path,
) -> None:
    """`status` ("Votre statut ?") validated, ran, and then refused to export. A warning,
    not an error: a flow that already runs with such a question must still start."""
    text = HEAD + (
        "  - id: you\n"
        "    title: Vous\n"
        "    steps:\n"
        "      - id: status\n"  # 10
        "        type: single_choice\n"
        "        text: Votre statut ?\n"
        "        other: true\n"
        "        choices: [{code: assoc, label: Association}, {code: firm, label: Entreprise}]\n"
        "      - {id: status_other, type: text, text: Précisez}\n"  # 15
        "      - id: machines\n"
        "        type: multiple_choice\n"
        "        text: Machines\n"
        "        choices: [{code: laser, label: Laser}, {code: cnc, label: CNC}]\n"
        "      - {id: machines__laser, type: number, text: Heures de laser}\n"  # 20
        "      - {id: status, type: text, text: Encore}\n"  # 21
    )
    every = (
        "response_key, stage_code, stage_city, stage_region, stage_territory, stage_date, "
        "channel, flow_id, flow_version, language, status, started_at, completed_at, "
        "duration_seconds"
    )
    refused = "give this question another id before anyone answers: the wide export refuses it"
    assert report(tmp_path, text) == [
        f"10: warning: question 'status': 'status' is already one of the columns every export "
        f"starts with ({every}); {refused}",
        "15: warning: question 'status_other': its export column 'status_other' is already "
        f"that of the 'Other' text of question 'status'; {refused}",
        "20: warning: question 'machines__laser': its export column 'machines__laser' is "
        f"already that of choice 'laser' of question 'machines'; {refused}",
        "21: question 'status': duplicate question id 'status'",
    ]
    # Without the duplicate, it loads and runs: the chat, the bot, the web chat start.
    runs = text.replace("      - {id: status, type: text, text: Encore}\n", "")
    (tmp_path / "runs.yaml").write_text(runs, encoding="utf-8")
    assert load_flow(tmp_path / "runs.yaml").steps()[0].id == "status"


def test_the_example_questionnaire_of_another_organisation_is_sound(tmp_path: Path) -> None:
    assert report(tmp_path, EVERY_KIND) == []


# --- a language surveybot has no words in ----------------------------------------


def test_a_language_without_the_bots_words_is_a_warning(tmp_path: Path) -> None:
    text = EVERY_KIND.replace("language: fr\nlanguages: [fr]", "language: de\nlanguages: [de]")
    assert report(tmp_path, text) == [
        "4: warning: surveybot's own words (buttons, hints, error messages, dates) exist in "
        "fr and en only: respondents answering in de will read them in French"
    ]


def test_a_day_in_a_language_without_month_names_is_written_in_french_as_the_words_around_it() -> (
    None
):
    from flows import format_day
    from flows.messages import message

    assert message("yes", "de") == "Oui"
    assert format_day(dt.date(2025, 5, 24), "de") == "24\u00a0mai\u00a02025"
    assert format_day(dt.date(2025, 6, 1), "de") == "1er\u00a0juin\u00a02025"


# --- the stages file --------------------------------------------------------------


def test_a_stage_with_its_city_left_empty_says_what_goes_there(tmp_path: Path) -> None:
    text = (
        "stages:\n"
        "  - code: cluses\n"
        "    city:\n"  # 3
        "  - {code: sallanches, city: '  '}\n"  # 4
        "  - {code: bonneville}\n"  # 5
    )
    empty = "'city' is empty: write the town of the workshop, as respondents read it"
    assert report(tmp_path, text, "stages.yaml") == [
        f"3: stage 'cluses': {empty}",
        f"4: stage 'sallanches': {empty}",
        "5: stage 'bonneville': missing required key 'city'",
    ]


# --- the documentation's example ---------------------------------------------------


def test_the_flow_format_example_validates_and_its_outro_reads_well_either_way(
    tmp_path: Path,
) -> None:
    """The example an author starts from: its English outro read "Thank youExemple SARL!"."""
    from flows.piping import fill

    doc = (Path(__file__).parents[2] / "docs" / "flow-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "my_survey.yaml"
    path.write_text(example, encoding="utf-8")
    flow = load_flow(path)
    assert flow.outro is not None and not isinstance(flow.outro, str)
    answers: dict[str, str] = {"company": "Exemple SARL"}
    assert fill(flow.outro["en"], answers.get) == "Thank you Exemple SARL!"
    assert fill(flow.outro["en"], lambda name: None) == "Thank you very much!"
    assert fill(flow.outro["fr"], lambda name: None, french=True) == "Merci à vous !"


# --- what an editor shows beside each key --------------------------------------------


@pytest.mark.parametrize("model", ["Flow", "StagesFile"])
def test_the_schema_describes_every_key_for_an_editor(model: str) -> None:
    """`surveybot schema` gave an editor the keys and types, and nothing on what a key does."""
    from flows import Flow
    from flows.stages import StagesFile

    schema = (Flow if model == "Flow" else StagesFile).model_json_schema(by_alias=True)
    described = {model: schema, **schema.get("$defs", {})}
    missing = [
        f"{name}.{key}"
        for name, part in described.items()
        for key, value in part.get("properties", {}).items()
        if not value.get("description")
    ]
    assert missing == []
    steps = schema["$defs"]
    if model == "Flow":
        assert (
            "buttons per row"
            in steps["SingleChoiceStep"]["properties"]["columns"]["description"].lower()
        )
        assert "0 or 1" in steps["ScaleStep"]["properties"]["min"]["description"]
        assert "smallest number" in steps["NumberStep"]["properties"]["min"]["description"]


def test_a_condition_written_as_an_author_thinks_it_is_pointed_to_the_right_words(
    tmp_path: Path,
) -> None:
    """ "'any' needs at least 1 any" and "did you mean 'codes'?" for `includes` helped no one."""
    text = HEAD + (
        "  - id: you\n"  # 7
        "    title: Vous\n"
        "    steps:\n"
        "      - id: machines\n"  # 10
        "        type: multiple_choice\n"
        '        text: "Vos machines ?"\n'
        "        choices:\n"
        "          - {code: laser, label: Laser}\n"
        "          - {code: printer, label: Imprimante 3D}\n"
        "      - id: power\n"  # 16
        "        type: text\n"
        '        text: "Puissance du laser ?"\n'
        "        show_if: {question: machines, includes: laser}\n"
        "      - id: other\n"  # 20
        "        type: text\n"
        '        text: "Autre chose ?"\n'
        "        show_if: {any: []}\n"
    )
    assert report(tmp_path, text) == [
        "19: question 'power': unknown key 'includes'; did you mean 'equals'?",
        "23: question 'other': 'any' needs at least 1 condition, not 0",
    ]
