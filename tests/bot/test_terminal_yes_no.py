"""Yes and no typed under the terminal's menus pick what the menu's question means by them.

A real `surveybot chat` process on a real SQLite file, as a person uses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from tests.bot.test_terminal import chat, stored, typed
from tests.support.sqlite import open_sqlite


class Words(NamedTuple):
    """The words the terminal reads as yes and as no, and how a language says what follows."""

    yes: tuple[str, ...]
    no: tuple[str, ...]
    offer: str
    confirm: str
    restarted: str


WORDS = {
    "fr": Words(
        yes=("oui", "o", "OUI"),
        no=("non", "n", "Non"),
        offer="Voulez-vous reprendre là où vous en étiez",
        confirm="Recommencer efface toutes vos réponses",
        restarted="C’est reparti depuis le début",
    ),
    "en": Words(
        yes=("yes", "y", "Yes"),
        no=("no", "n", "NO"),
        offer="Would you like to continue where you left off",
        confirm="Starting over erases all your answers",
        restarted="Starting again from the beginning",
    ),
}
CASES = [(lang, index) for lang in WORDS for index in range(3)]


def begun(db: Path, lang: str) -> None:
    """A questionnaire left after its first answer, so that the next run offers to resume."""
    first = chat(db, [WORDS[lang].yes[0], "ACME", "quit"], "--lang", lang)
    assert first.returncode == 0, first.stderr
    assert stored(db)[1] == {"company_name": "ACME"}


@pytest.mark.parametrize(("lang", "index"), CASES)
def test_yes_to_the_resume_offer_resumes(tmp_path: Path, lang: str, index: int) -> None:
    db = tmp_path / "s.sqlite3"
    begun(db, lang)

    result = chat(db, [WORDS[lang].yes[index], "quit"])

    assert result.returncode == 0, result.stderr
    assert WORDS[lang].offer in result.stdout
    after = result.stdout.split(WORDS[lang].offer)[-1]
    assert "⚠" not in after
    assert WORDS[lang].confirm not in after
    assert "──" in after  # the next question, shown at once
    assert stored(db)[1] == {"company_name": "ACME"}


@pytest.mark.parametrize(("lang", "index"), CASES)
def test_no_to_the_resume_offer_asks_to_start_over(tmp_path: Path, lang: str, index: int) -> None:
    db = tmp_path / "s.sqlite3"
    begun(db, lang)

    asked = chat(db, [WORDS[lang].no[index], "quit"])

    assert asked.returncode == 0, asked.stderr
    after = asked.stdout.split(WORDS[lang].offer)[-1]
    assert "⚠" not in after
    assert WORDS[lang].confirm in after
    assert stored(db)[1] == {"company_name": "ACME"}  # asked first: nothing erased yet

    # "no", then "yes" to the confirmation: started over, the answer erased.
    no, yes = WORDS[lang].no[index], WORDS[lang].yes[index]
    restarted = chat(db, [no, yes, "quit"])

    assert restarted.returncode == 0, restarted.stderr
    assert WORDS[lang].restarted in restarted.stdout
    assert stored(db)[1] == {}


def test_no_then_no_again_keeps_the_answers(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    begun(db, "fr")

    result = chat(db, ["non", "non", "quit"])

    assert result.returncode == 0, result.stderr
    after = result.stdout.split(WORDS["fr"].confirm)[-1]
    assert "⚠" not in after
    assert "──" in after  # back to the questionnaire, where it was
    assert stored(db)[1] == {"company_name": "ACME"}


@pytest.mark.parametrize("word", ["oui", "non", "yes", "no"])
def test_yes_or_no_to_which_questionnaire_asks_for_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    """ "Lequel voulez-vous ?" is not a yes-or-no question: neither word picks a questionnaire."""
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    db = tmp_path / "s.sqlite3"
    first = typed(db, ["oui", "ACME", "quitter"], "--stage", "pithiviers__entreprise")
    assert first.returncode == 0, first.stderr

    result = typed(db, [word, "quitter"], "--stage", "pithiviers__territoire")

    assert result.returncode == 0, result.stderr
    assert "lequel voulez-vous" in result.stdout
    assert "⚠ Tapez 1 ou 2." in result.stdout
    assert "Passer au questionnaire" not in result.stdout  # no switch asked for
    with open_sqlite(db) as connection:
        flows = connection.execute("SELECT flow_id FROM responses").fetchall()
        answers = connection.execute("SELECT COUNT(*) FROM answers").fetchone()
    assert flows == [("tour_innovation_2019",)]
    assert answers == (1,)
