"""The terminal says a multiple choice's bounds under it, before a refusal has to.

"Vos deux principaux freins ?" asks for at least two answers; its "Aucun frein"
(exclusive) answers alone. The hint said "plusieurs réponses possibles" until
someone typing one number was refused. A real `surveybot chat` fed through a pipe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.test_terminal import chat, stored
from tests.flows.test_exclusive_alone import FLOW

HINTS = {
    (
        "fr",
        "",
    ): "au moins 2 réponses : numéros séparés par des espaces · ou seulement 4 (« Aucun frein »)",
    ("en", ""): "at least 2 answers: numbers separated by spaces · or only 4 (“No obstacle”)",
    (
        "fr",
        "3",
    ): "de 2 à 3 réponses : numéros séparés par des espaces · ou seulement 4 (« Aucun frein »)",
    ("en", "3"): "2 to 3 answers: numbers separated by spaces · or only 4 (“No obstacle”)",
    (
        "fr",
        "2",
    ): "exactement 2 réponses : numéros séparés par des espaces · ou seulement 4 (« Aucun frein »)",
}


def flow_file(folder: Path, most: str) -> Path:
    text = FLOW
    if most:
        text = text.replace("min_selected: 2\n", f"min_selected: 2\n        max_selected: {most}\n")
    path = folder / "obstacles.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("lang", "most"), list(HINTS))
def test_the_hint_says_how_many_and_the_none_choice(tmp_path: Path, lang: str, most: str) -> None:
    flow = flow_file(tmp_path, most)
    db = tmp_path / "t.sqlite3"

    result = chat(
        db,
        ["4", "1", ""],
        "--flow",
        str(flow),
        "--stage",
        "pithiviers",
        "--lang",
        lang,
    )

    assert result.returncode == 0, result.stderr
    hint = result.stdout.split("4. [ ] ")[1].splitlines()[1].strip().replace("\u00a0", " ")
    assert hint == HINTS[lang, most]
    _, answers = stored(db)
    assert answers["freins"] == ["aucun"]


def test_one_or_more_keeps_the_plain_hint(tmp_path: Path) -> None:
    flow = flow_file(tmp_path, "")
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("        min_selected: 2\n", ""), "utf-8"
    )

    result = chat(tmp_path / "t.sqlite3", ["1 2"], "--flow", str(flow), "--stage", "pithiviers")

    assert result.returncode == 0, result.stderr
    hint = result.stdout.split("4. [ ] ")[1].splitlines()[1].strip().replace("\u00a0", " ")
    assert hint == "plusieurs réponses possibles : numéros séparés par des espaces"
