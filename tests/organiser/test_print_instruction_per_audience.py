"""The printable page's instruction counts the cards as `surveybot links` makes them.

With two questionnaires each workshop has a card per audience: the page said "une
carte par atelier" over twice as many cards. A stage tied to one questionnaire
has one card, so a page of those alone still says one card per workshop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.organiser.codes import BOT

STAGES = """\
stages:
  - code: pithiviers
    city: Pithiviers
  - code: saint-etienne
    city: Saint-Étienne
    flow: {tied}
"""
ACTORS = "tour_innov_2019_acteurs"
NBSP = "\u00a0"


def instruction(work: Path, lang: str, *flows: str, tied: str = ACTORS) -> str:
    """The page's instruction, once `surveybot links` has written it."""
    (work / "stages.yaml").write_text(STAGES.format(tied=tied), encoding="utf-8")
    args = ["links", "--bot-username", BOT, "--stages", "stages.yaml", "--lang", lang]
    result = CliRunner().invoke(main, [*args, *flows, "--out", "kit", "--force"])
    assert result.exit_code == 0, result.output
    page = (work / "kit" / "links.html").read_text("utf-8")
    return page.split("</p>\n<p>", 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    ("lang", "each", "one"),
    [
        (
            "fr",
            f"Imprimez cette page (Ctrl+P){NBSP}: une carte par atelier et par questionnaire, "
            "à découper.",
            f"Imprimez cette page (Ctrl+P){NBSP}: une carte par atelier, à découper.",
        ),
        (
            "en",
            "Print this page (Ctrl+P): one card per workshop and questionnaire, to cut out.",
            "Print this page (Ctrl+P): one card per workshop, to cut out.",
        ),
    ],
)
def test_a_card_per_stage_and_questionnaire_is_said(
    clean_env: Path, lang: str, each: str, one: str
) -> None:
    assert instruction(clean_env, lang, "--flows", "bundled") == each
    # One questionnaire: one card per workshop, as before.
    assert instruction(clean_env, lang, tied="tour_innovation_2019") == one
