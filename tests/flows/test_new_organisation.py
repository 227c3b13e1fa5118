"""What another organisation trips over when it writes its own flow and stages files.

Found by writing, from the documentation alone, the questionnaire of a made-up
network of fablabs and breaking a copy of it the ways an author does: each
problem must be reported in the first pass, not revealed by fixing another.
"""

from __future__ import annotations

from pathlib import Path

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
