"""The terminal, at a notice, never says "nothing was stored" to someone whose answers stay.

Ana answered the companies' questionnaire in `surveybot chat`; then the same database
is run with the territorial actors' questionnaire. At its notice, her company's name is
still stored (/mydata prints it): quitting there, or declining, says her earlier answers
stay and how to see or erase them. Someone with nothing stored is told nothing was, as
before. A real `surveybot chat`, fed through a pipe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import bundled_path
from tests.bot.test_terminal import chat, stored

ACTORS = str(bundled_path("acteurs.yaml"))
NOTHING = {"fr": "À bientôt : rien n’a été enregistré.", "en": "See you soon: nothing was stored."}
KEPT_QUIT = {
    "fr": "À bientôt : rien de nouveau n’a été enregistré. Les réponses que vous aviez données "
    "auparavant restent enregistrées : relancez la même commande et tapez /mydata pour les "
    "consulter, /delete pour les effacer.",
    "en": "See you soon: nothing new was stored. The answers you gave before stay stored: run "
    "the same command again and type /mydata to see them, /delete to erase them.",
}
KEPT_DECLINED = {
    "fr": "C’est noté : vous ne participez pas à ce questionnaire. Les réponses que vous aviez "
    "données auparavant restent enregistrées : vous pouvez les consulter ou les effacer.\n"
    "Pour les consulter ou les effacer, relancez la même commande et tapez /mydata ou /delete.",
    "en": "Noted: you are not taking part in this questionnaire. The answers you gave before "
    "stay stored: you can see them or erase them.\n"
    "To see or erase them, run the same command again and type /mydata or /delete.",
}
NO = {"fr": "non", "en": "no"}


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def answered_before(db: Path, lang: str) -> None:
    """The companies' notice agreed to, the company's name given, then "quit"."""
    result = chat(db, ["oui" if lang == "fr" else "yes", "ACME", "quit"], "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert stored(db)[1] == {"company_name": "ACME"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_quitting_at_the_new_notice_says_the_answers_stay(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "t.sqlite3"
    answered_before(db, lang)

    result = chat(db, ["/mydata", "quit"], "--flow", ACTORS, "--lang", lang)

    assert result.returncode == 0, result.stderr
    out = plain(result.stdout)
    assert "ACME" in out  # /mydata printed it
    assert out.rstrip().endswith(KEPT_QUIT[lang]), out[-600:]
    assert NOTHING[lang] not in out
    assert stored(db)[1] == {"company_name": "ACME"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_declining_the_new_notice_says_the_answers_stay(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "t.sqlite3"
    answered_before(db, lang)

    result = chat(db, [NO[lang]], "--flow", ACTORS, "--lang", lang)

    assert result.returncode == 0, result.stderr
    out = plain(result.stdout)
    assert out.rstrip().endswith(KEPT_DECLINED[lang]), out[-600:]
    assert "aucune réponse n’est enregistrée" not in out and "no answer is stored" not in out
    assert stored(db)[1] == {"company_name": "ACME"}


def test_with_nothing_stored_quitting_still_says_nothing_was(tmp_path: Path) -> None:
    result = chat(tmp_path / "t.sqlite3", ["quit"], "--flow", ACTORS)

    assert result.returncode == 0, result.stderr
    assert plain(result.stdout).rstrip().endswith(NOTHING["fr"])
