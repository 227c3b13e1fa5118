"""`surveybot chat` says so when the questionnaire is closed, and still takes answers.

Once the tour is over (SURVEYBOT_CLOSED), the bot and the web chat take no
more answers; the terminal chat still does, to rehearse (docs/organisers.md),
into the tour's database. It used to say nothing of it: an organiser trying the
questionnaire after the tour added a response to the one the analysts export.
Now a note on standard error says where the answers go and how to leave them
out. The real command, on a real SQLite file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

NOTE = (
    "note: SURVEYBOT_CLOSED is set: the bot and the web chat take no more answers, but this "
    "chat does (to rehearse); what you answer here is stored with the tour's, as a terminal "
    "response (export --channel telegram --channel web leaves it out)"
)


def chat(db: Path) -> str:
    result = CliRunner().invoke(
        main, ["chat", "--db", str(db), "--stage", "pithiviers"], input="1\nquitter\n"
    )
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.mark.parametrize("closed", ["1", "oui"])
def test_the_chat_notes_a_closed_questionnaire_and_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the machine's
    monkeypatch.setenv("SURVEYBOT_CLOSED", closed)
    db = tmp_path / "tour.sqlite3"

    assert NOTE in chat(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM responses").fetchone() == (1,)


def test_no_note_while_the_questionnaire_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEYBOT_CLOSED", raising=False)
    (tmp_path / ".env").write_text("SURVEYBOT_CLOSED=0\n")
    assert "SURVEYBOT_CLOSED" not in chat(tmp_path / "tour.sqlite3")


def test_a_closed_setting_in_the_env_file_is_read_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEYBOT_CLOSED", raising=False)
    (tmp_path / ".env").write_text("SURVEYBOT_CLOSED=1\n")
    assert NOTE in chat(tmp_path / "tour.sqlite3")
