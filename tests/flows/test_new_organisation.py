"""What another organisation trips over when it writes its own flow and stages files.

Found by writing, from the documentation alone, the questionnaire of a made-up
network of fablabs and breaking a copy of it the ways an author does: each
problem must be reported in the first pass, not revealed by fixing another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import validate_file

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
        "24: section 'you': 'steps': list should have at least 1 item after validation, not 0",
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
    ]


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
    ],
    ids=["colon", "indentation", "question-mark"],
)
def test_french_typography_in_plain_yaml_gets_a_hint(tmp_path: Path, line: str, hint: str) -> None:
    """French puts a space before ':' and '?': unquoted, YAML reads a key there."""
    problems = report(tmp_path, f"id: fablabs\nversion: 1\n{line}\nsections: []\n")
    assert len(problems) == 1
    assert problems[0].split(": ", 1)[1] == f"invalid YAML: {hint}"
