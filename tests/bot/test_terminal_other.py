"""The terminal's "Other, please specify" left by "retour": Enter keeps what is stored.

A real `surveybot chat` process on tests/flows/fixtures/mini.yaml, fed through a pipe.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_terminal import chat, typed
from tests.conftest import MINI
from tests.support.sqlite import open_sqlite


def sector_row(db: Path) -> tuple[str, str | None] | None:
    with open_sqlite(db) as connection:
        return connection.execute(
            "SELECT value_json, other_text FROM answers WHERE question_id = 'sector'"
        ).fetchone()


def test_back_from_please_specify_offers_and_keeps_the_answer_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    # Industrie, then back to it, "Autre", back from its text, Enter.
    lines = ["", "ACME", "12", "1", "retour", "3", "retour", "", "quit"]
    result = chat(db, lines, "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    sector = result.stdout.split("Secteur ?")[-1].split("Exportez-vous ?")[0]
    assert "réponse actuelle\u00a0: Industrie (Entrée pour la garder)" in sector
    assert "Autre (précisez) (Entrée" not in result.stdout
    assert "Exportez-vous ?" in result.stdout.split("Secteur ?")[-1], "Enter did not go on"
    assert sector_row(db) == ('"industry"', None)


def test_back_from_please_specify_with_nothing_stored_keeps_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines = ["", "ACME", "12", "3", "retour", "", "2", "quit"]
    result = typed(db, lines, "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    assert "(Entrée pour la garder)" not in result.stdout.split("Secteur ?")[-1]
    assert "obligatoire" in result.stdout  # Enter on a required question with no answer
    assert sector_row(db) == ('"services"', None)
