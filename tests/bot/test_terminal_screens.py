"""The terminal chat in its own terms: what it says when a line does not fit the screen.

A real `surveybot chat` process fed through a pipe, as in tests/bot/test_terminal.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import bundled_path, load_flow
from tests.bot.test_terminal import chat, stored
from tests.conftest import MINI

FLOW = load_flow(bundled_path("questionnaire.yaml"))


def warnings(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("⚠")]


# --- refusals said in the terminal's words -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "⚠ Tapez un numéro de 1 à 3."), ("en", "⚠ Type a number from 1 to 3.")],
)
def test_a_word_that_names_no_answer_gets_the_number_range_not_buttons(
    tmp_path: Path, lang: str, said: str
) -> None:
    # On the yes/no "Exportez-vous ?" (three answers with "Je ne sais pas").
    lines = ["", "ACME", "12", "1", "Paris", "1", "quit"]
    result = chat(tmp_path / "s.sqlite3", lines, "--flow", str(MINI), "--lang", lang)

    assert result.returncode == 0, result.stderr
    assert warnings(result.stdout) == [said]
    assert "bouton" not in result.stdout and "button" not in result.stdout
    assert stored(tmp_path / "s.sqlite3")[1]["exports"] == "yes", "a number still answers"
