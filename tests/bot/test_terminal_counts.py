"""A count typed for answers that are ranges of one: "12" for "10 to 49", in the terminal.

The headcount question of the bundled flow lists five bands numbered 1 to 5; each has a
`range`, so a whole number can answer too, as it does on Telegram and the web. In the
terminal a number from 1 to 5 stays the number of an answer listed; any other is a count.
A real `surveybot chat` process fed through a pipe, as in tests/bot/test_terminal.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.terminal.reading import read_answer
from conversation import Pressed, Typed
from flows import Prompt, bundled_path, load_flow, prompt
from tests.bot.test_terminal import stored, typed
from tests.support.scripts import script_for

FLOW = load_flow(bundled_path("questionnaire.yaml"))
QUESTION = {"fr": "Combien de salariés compte", "en": "How many employees does"}
WORD = {"fr": "salariés", "en": "employees"}
REFUSAL = {
    "fr": "⚠ Tapez le numéro d’une réponse, de 1 à 5, ou le nombre exact s’il dépasse 5.",
    "en": "⚠ Type an answer's number, from 1 to 5, or the exact count if over 5.",
}
HINT = {
    "fr": "tapez un numéro, ou le nombre exact s’il dépasse 5",
    "en": "type a number, or the exact count if over 5",
}
CURRENT = {"fr": "réponse actuelle\u00a0: ", "en": "current answer: "}


def to_headcount(lang: str, step: str = "headcount") -> tuple[list[str], Prompt]:
    """The lines that answer every question before `step`, and `step` as then shown."""
    turns = 0
    while True:
        lines, state = script_for(FLOW, lang, limit=turns)
        shown = prompt(FLOW, state, lang)
        assert shown is not None
        if shown.step_id == step:
            return lines, shown
        turns += 1


def headcount_hints(stdout: str, lang: str) -> list[str]:
    """The hint under each showing of the headcount question, in order."""
    hints = []
    for block in stdout.split("── "):
        if QUESTION[lang] in block:
            rows = block.splitlines()
            last = max(i for i, row in enumerate(rows) if row.startswith("   5. "))
            hints.append(rows[last + 1].strip())
    return hints


def current(hint: str, lang: str) -> str | None:
    """The earlier answer a hint names ("current answer: 10 to 49 (Enter keeps it)")."""
    if CURRENT[lang] not in hint:
        return None
    return hint.split(CURRENT[lang])[1].split(" (")[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_count_answers_and_a_listed_number_stays_an_answers_number(
    tmp_path: Path, lang: str
) -> None:
    db = tmp_path / "s.sqlite3"
    back = "retour" if lang == "fr" else "back"
    probes = ["abc", "12", back, "0", back, f"3 {WORD[lang]}", back, "3", back, "-3", "250"]
    lines = [*to_headcount(lang)[0], *probes, "quit"]
    result = typed(db, lines, "--stage", "pithiviers", "--lang", lang)

    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("⚠")]
    # "abc" and "-3" name no answer and no count: told both ways to answer, in the
    # terminal's terms (no "whole number" that "3" would not be read as).
    assert warnings == [REFUSAL[lang], REFUSAL[lang]]
    hints = headcount_hints(result.stdout, lang)
    assert all(hint.startswith(HINT[lang]) for hint in hints), hints
    bands = {
        "fr": ["10 à 49", "Aucun salarié", "1 à 9", "10 à 49"],
        "en": ["10 to 49", "No employees", "1 to 9", "10 to 49"],
    }[lang]
    # Shown first, after "abc", then after each "back": "12", "0", "3 employees", "3" (the
    # third answer listed), then after "-3".
    assert [current(hint, lang) for hint in hints] == [None, None, *bands, bands[-1]]
    assert stored(db)[1]["headcount"] == "h250_plus"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_reader_hands_a_count_to_the_engine_and_keeps_listed_numbers(lang: str) -> None:
    _, shown = to_headcount(lang)
    assert shown.ranged

    for line in ("12", "0", "6", "1 200", "-3", "1.5"):
        assert read_answer(line, shown, lang) == Typed(line), line
    chosen = read_answer("3", shown, lang)
    assert isinstance(chosen, Pressed) and chosen.action.value == "h10_49"


def test_a_choice_without_ranges_still_refuses_numbers_past_the_list() -> None:
    _, shown = to_headcount("en", step="sector")
    assert not shown.ranged

    assert not isinstance(read_answer("12", shown, "en"), Typed)
