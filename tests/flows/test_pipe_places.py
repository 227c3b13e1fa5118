"""A piped name that shows no answer: where it is (the outro, the intro, a question), and
the question perhaps meant."""

from __future__ import annotations

from pathlib import Path

from flows import validate_file
from tests.conftest import MINI

OUTRO = 'outro: {fr: "Merci {company|à vous} !", en: "Thanks {company|to you}!"}'


def problems(tmp_path: Path, *edits: tuple[str, str]) -> list[str]:
    """The problems of the mini flow with each (old, new) edit made, as `validate` prints them."""
    text = MINI.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in validate_file(path)]


def test_a_typo_in_the_outro_says_the_outro_and_the_question_meant(tmp_path: Path) -> None:
    assert problems(tmp_path, (OUTRO, OUTRO.replace("company", "compny"))) == [
        "7: piped name '{compny}' in the outro is not an earlier question; did you mean 'company'?"
    ]


def test_the_question_meant_is_named_when_it_did_not_parse(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        (OUTRO, OUTRO.replace("company", "compny")),
        ("max_length: 20", "max_length: lots"),
    )
    assert found[0] == (
        "7: piped name '{compny}' in the outro is not an earlier question; did you mean 'company'?"
    )
    assert len(found) == 2 and "'max_length'" in found[1]


def test_a_question_piped_in_the_intro_is_not_offered_as_its_own_correction(
    tmp_path: Path,
) -> None:
    intro = "intro: {fr: Bonjour, en: Hello}"
    assert problems(tmp_path, (intro, intro.replace("en: Hello", 'en: "Hello {company|}"'))) == [
        "6: piped name '{company}' in the intro: no question is answered before the intro; "
        "an answer can be piped into a later question or the outro"
    ]


def test_a_question_piped_before_it_is_asked_is_not_offered_as_its_own_correction(
    tmp_path: Path,
) -> None:
    question = 'text: {fr: "Nom ?", en: "Name?"}'
    assert problems(tmp_path, (question, question.replace("Name?", "Name ({staff})?"))) == [
        "17: question 'company': piped name '{staff}' is not an earlier question: "
        "it is asked at this point or later"
    ]
