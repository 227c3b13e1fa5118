"""A script of answers piped to `surveybot chat` stops at its first refused line.

It went on: the line after a refused one, written for the next question, was taken
for the refused one, and every later answer landed one question early, with exit
status 0 (a staff count of "4", meant for a 1-to-5 scale). The README promised a
script one line short would stop where it went wrong. It now does, for any refusal,
naming the line, with exit status 1; the answers before it are kept, and the same
command resumes at that question. A person typing (or `--keep-going`) is told and
asked again, as before.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_terminal import chat, stored, typed
from tests.conftest import MINI

STOPPED = (
    "Ligne {n} refusée\u00a0: le script s’arrête là, pour que les réponses suivantes ne "
    "glissent pas d’une question. Les réponses d’avant sont enregistrées\u00a0: relancez la "
    "même commande avec cette ligne corrigée et les suivantes."
)


def test_a_refused_answer_stops_the_script_before_the_next_line_is_misplaced(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    # Welcome (Enter), name, staff typed in words (refused), then what was meant for sector.
    result = chat(db, ["", "ACME", "douze", "1", "oui"], "--flow", str(MINI))

    assert result.returncode == 1
    assert "Merci d’indiquer un nombre" in result.stdout
    assert result.stdout.rstrip().endswith(STOPPED.format(n=3)), result.stdout[-400:]
    assert "> 1\n" not in result.stdout, "no line after the refused one is read"
    responses, answers = stored(db)
    assert responses == [("in_progress", None, "fr")]
    assert answers == {"company": "ACME"}  # kept; staff not given "1"

    # The same command, the line corrected: it resumes at that question.
    again = chat(db, ["", "12", "1"], "--flow", str(MINI))
    assert again.returncode == 0, again.stdout[-400:]
    assert stored(db)[1] == {"company": "ACME", "staff": 12, "sector": "industry"}


def test_text_typed_at_a_section_intro_stops_the_script_too(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["ACME"], "--flow", str(MINI))  # the welcome wants Enter
    assert result.returncode == 1
    assert "Il n’y a rien à répondre ici" in result.stdout
    assert result.stdout.rstrip().endswith(STOPPED.format(n=1))
    assert stored(db)[1] == {}


def test_keep_going_says_the_refusal_and_asks_again(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = typed(db, ["", "ACME", "douze", "12", "quit"], "--flow", str(MINI))
    assert result.returncode == 0
    assert "Merci d’indiquer un nombre" in result.stdout
    assert "Ligne 3 refusée" not in result.stdout
    assert stored(db)[1] == {"company": "ACME", "staff": 12}
