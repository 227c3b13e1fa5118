"""The terminal chat says what the stages file calls its stages: a real `surveybot chat`
process fed through a pipe (as tests/bot/test_terminal.py), over a made-up file of
"journées portes ouvertes" or of "événements" (tests/support/stage_nouns.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.test_terminal import chat, stored
from tests.conftest import MINI
from tests.support.stage_nouns import write_stages


@pytest.mark.parametrize(
    ("noun", "lang", "said"),
    [
        ("journée", "fr", "Vos réponses seront rattachées à la journée portes ouvertes d’Évreux"),
        ("journée", "en", "Your answers will be linked to the Évreux open day"),
        ("événement", "fr", "Vos réponses seront rattachées à l’événement d’Évreux"),
        ("événement", "en", "Your answers will be linked to the Évreux event"),
    ],
)
def test_the_welcome_names_the_stage_as_the_file_calls_it(
    tmp_path: Path, noun: str, lang: str, said: str
) -> None:
    stages = write_stages(tmp_path, noun)
    args = ("--stages", str(stages), "--stage", "evreux", "--lang", lang)
    result = chat(tmp_path / "s.sqlite3", ["quit"], *args)

    assert result.returncode == 0, result.stderr
    assert said in result.stdout
    assert "atelier" not in result.stdout and "workshop" not in result.stdout


def test_an_unknown_link_lists_the_stages_and_going_on_without_by_their_name(
    tmp_path: Path,
) -> None:
    db, stages = tmp_path / "s.sqlite3", write_stages(tmp_path, "journée")
    without = "Continuer sans journée portes ouvertes"
    args = ("--stages", str(stages), "--stage", "atlantis", "--flow", str(MINI))
    result = chat(db, [without, "", "ACME", "quit"], *args)

    assert result.returncode == 0, result.stderr
    assert (
        "Ce lien d’invitation ne correspond à aucune journée portes ouvertes connue. "
        "Choisissez votre journée portes ouvertes dans la liste, ou continuez sans journée "
        "portes ouvertes."
    ) in result.stdout
    assert f"3. {without}" in result.stdout
    # Typing the button's words goes on untagged, as typing "Continuer sans atelier" did.
    assert stored(db) == ([("in_progress", None, "fr")], {"company": "ACME"})
