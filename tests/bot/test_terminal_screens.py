"""The terminal chat in its own terms: what it says when a line does not fit the screen.

A real `surveybot chat` process fed through a pipe, as in tests/bot/test_terminal.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows import Kind, bundled_path, load_flow, prompt, summary
from tests.bot.test_terminal import chat, stored, typed
from tests.conftest import MINI
from tests.support.scripts import script_for

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
    result = typed(tmp_path / "s.sqlite3", lines, "--flow", str(MINI), "--lang", lang)

    assert result.returncode == 0, result.stderr
    assert warnings(result.stdout) == [said]
    assert "bouton" not in result.stdout and "button" not in result.stdout
    assert stored(tmp_path / "s.sqlite3")[1]["exports"] == "yes", "a number still answers"


# --- a screen that only waits for Enter ----------------------------------------------------


def test_a_line_typed_at_the_first_screen_is_refused_not_swallowed(tmp_path: Path) -> None:
    # The mini flow opens on an information step ("Bienvenue"): Enter goes on.
    db = tmp_path / "s.sqlite3"
    result = typed(db, ["ACME", "", "ACME", "quit"], "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    assert warnings(result.stdout) == [
        "⚠ Il n’y a rien à répondre ici\u00a0: appuyez sur Entrée pour commencer."
    ]
    assert stored(db)[1] == {"company": "ACME"}


def test_an_answer_typed_at_a_section_intro_does_not_shift_the_later_ones(
    tmp_path: Path,
) -> None:
    """A script one line short at an intro sees its mistake rather than shifted answers."""
    steps = next(
        n
        for n in range(80)
        if (shown := prompt(FLOW, script_for(FLOW, limit=n)[1], "fr")) and shown.kind == Kind.INFO
    )
    lines, _ = script_for(FLOW, limit=steps)
    db = tmp_path / "s.sqlite3"

    result = typed(db, [*lines, "1 3", "1 3", "", "1 3", "quit"])

    assert result.returncode == 0, result.stderr
    assert (
        warnings(result.stdout)
        == [
            "⚠ Il n’y a rien à répondre ici\u00a0: appuyez sur Entrée pour continuer, "
            "ou tapez «\u00a0retour\u00a0» pour corriger la réponse précédente."
        ]
        * 2
    )
    answers = stored(db)[1]
    assert answers["innovation_kinds"] == ["product", "process"]
    # A word meaning "go on" goes on, as on every channel.
    again = typed(tmp_path / "t.sqlite3", [*lines, "continuer", "1 3", "quit"])
    assert warnings(again.stdout) == []
    assert stored(tmp_path / "t.sqlite3")[1]["innovation_kinds"] == ["product", "process"]


# --- a refused line: the warning and the prompt, not the whole block again ------------------


def test_enter_alone_at_the_notice_does_not_print_the_notice_again(tmp_path: Path) -> None:
    result = typed(tmp_path / "s.sqlite3", ["", "quit"])

    assert result.returncode == 0, result.stderr
    assert warnings(result.stdout) == [
        "⚠ Répondez oui ou non (ou tapez le numéro d’un choix)\u00a0:"
    ]
    after = result.stdout.split("⚠", 1)[1]
    assert "Acceptez-vous" not in after
    assert result.stdout.count("Information sur vos données") == 1


def test_a_wrong_line_under_the_summary_says_so_once_without_the_summary(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    lines, end = script_for(FLOW)
    assert typed(db, lines).returncode == 0
    count = len(summary(FLOW, end, "fr"))

    result = typed(db, ["ce n’est pas un numéro", "999", "quit"])

    assert result.returncode == 0, result.stderr
    said = (
        f"⚠ Tapez le numéro d’une réponse, de 1 à {count}, pour la modifier · Entrée pour terminer."
    )
    assert warnings(result.stdout) == [said, said]
    assert result.stdout.count("Récapitulatif de vos réponses") == 1


# --- declining or erasing ends the chat ---------------------------------------------------


def typed_at_the_keyboard(db: Path, lines: list[str]) -> tuple[int | None, str]:
    """The exit code and output of a chat given `lines`, its input left open after them as
    by a person still at the keyboard; None if it still waits after 30 seconds."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write("".join(f"{line}\n" for line in lines))
    process.stdin.flush()
    try:
        code: int | None = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None
    process.kill()
    out, err = process.communicate()
    # Nothing on standard error but an erasure's line, for the operator (bot/logs.py).
    assert [line for line in err.splitlines() if not line.startswith("erasure: ")] == []
    return code, out


def test_declining_the_notice_says_goodbye_and_exits_without_waiting(tmp_path: Path) -> None:
    code, out = typed_at_the_keyboard(tmp_path / "s.sqlite3", ["non"])

    assert code == 0, "the chat still waits for a line"
    assert out.split("> non\n", 1)[1].strip().splitlines() == [
        "C’est noté\u00a0: vous ne participez pas, et aucune réponse n’est enregistrée. "
        "Merci de votre attention.",
    ]


def test_erasing_everything_says_goodbye_and_exits_without_waiting(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["oui", "ACME", "quit"])

    code, out = typed_at_the_keyboard(db, ["", "/delete", "oui"])

    assert code == 0, "the chat still waits for a line"
    assert out.split("> oui\n", 1)[1].strip().splitlines() == [
        "C’est fait\u00a0: vos réponses et les données vous concernant ont été effacées. "
        "Merci d’avoir participé.",
    ]
    assert stored(db) == ([], {})


# --- made-up workshops --------------------------------------------------------------------


def test_an_unknown_stage_marks_the_made_up_workshops_as_the_web_page_does(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["Évreux", "oui", "quit"], "--stage", "nimportequoi")

    assert result.returncode == 0, result.stderr
    assert "   1. Pithiviers\n   2. Évreux (exemple)\n   3. Vitré (exemple)\n" in result.stdout
    # The city alone, as typed, still picks it.
    assert stored(db)[0] == [("in_progress", "exemple_normandie", "fr")]


def test_the_mark_is_in_english_in_english(tmp_path: Path) -> None:
    result = chat(tmp_path / "s.sqlite3", ["quit"], "--stage", "nimportequoi", "--lang", "en")

    assert "   2. Évreux (example)\n" in result.stdout
